package dev.monmux.config;

import java.util.List;

/**
 * Shared client listeners ({@code listeners:} section). A client on a shared telnet port is
 * attached at once when there is one VM, or when its user is granted exactly one, and picks one
 * with {@code .attach NAME} otherwise.
 *
 * @param telnet telnet listeners (a single mapping or a list); default one on 127.0.0.1:4444
 */
public record ListenersConfig(List<ListenerConfig> telnet) {
    public ListenersConfig {
        telnet = telnet == null
                ? List.of(ListenerConfig.of(ListenerConfig.DEFAULT_BIND, 4444, TelnetMode.AUTO))
                : List.copyOf(telnet);
    }

    public static ListenersConfig defaults() {
        return new ListenersConfig(null);
    }
}
