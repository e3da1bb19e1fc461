package dev.monmux.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A telnet listener: {@code {bind: 127.0.0.1, port: 4444, mode: auto}}.
 *
 * @param bind address to bind, default {@code 127.0.0.1}
 * @param port TCP port (0 picks a free one, for tests)
 * @param mode {@code auto} (default), {@code telnet} or {@code raw}
 * @param tls  optional implicit TLS (clients such as {@code openssl s_client}, {@code socat OPENSSL:})
 */
public record ListenerConfig(String bind, Integer port, TelnetMode mode, TlsConfig tls) {
    public static final String DEFAULT_BIND = "127.0.0.1";

    public ListenerConfig {
        bind = bind == null ? DEFAULT_BIND : bind;
        mode = mode == null ? TelnetMode.AUTO : mode;
        if (port == null || port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: expected " + ConfigLoader.PORT);
        }
    }

    public static ListenerConfig of(String bind, int port, TelnetMode mode) {
        return new ListenerConfig(bind, port, mode, null);
    }

    /** True when the bind address is a loopback address (127.0.0.0/8, ::1, localhost). */
    public boolean isLoopback() {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
