package dev.monmux.tls;

import dev.monmux.config.ConfigException;
import dev.monmux.config.ListenerConfig;
import dev.monmux.config.MonmuxConfig;
import dev.monmux.config.QmpListenerConfig;
import dev.monmux.config.TlsConfig;
import dev.monmux.config.VmConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS contexts of every listener of a config, one per distinct {@code tls:} setting. Built
 * whole before anything is bound (at start, by {@code check-config} and on reload), so a file
 * that cannot be read is a config error and a reload that meets one changes nothing.
 */
public final class TlsContexts {
    private final Map<TlsConfig, ServerTls> contexts;

    private TlsContexts(Map<TlsConfig, ServerTls> contexts) {
        this.contexts = contexts;
    }

    /** Reads every TLS file {@code config} names; relative names are relative to {@code baseDir}. */
    public static TlsContexts load(MonmuxConfig config, Path baseDir) throws ConfigException {
        Map<TlsConfig, ServerTls> m = new LinkedHashMap<>();
        for (Map.Entry<String, TlsConfig> e : keyed(config).entrySet()) {
            if (!m.containsKey(e.getValue())) {
                m.put(e.getValue(), ServerTls.load(e.getKey(), e.getValue(), baseDir));
            }
        }
        return new TlsContexts(m);
    }

    /** The context for a listener's {@code tls:} setting, or null when it has none. */
    public ServerTls get(TlsConfig tls) {
        return tls == null ? null : contexts.get(tls);
    }

    /**
     * Takes the freshly read {@code next}: settings already in use get the new files' contexts
     * (new connections use them; open ones keep theirs), new settings are added.
     */
    public synchronized void refresh(TlsContexts next) {
        for (Map.Entry<TlsConfig, ServerTls> e : next.contexts.entrySet()) {
            ServerTls mine = contexts.get(e.getKey());
            if (mine != null) {
                mine.replaceWith(e.getValue());
            } else {
                contexts.put(e.getKey(), e.getValue());
            }
        }
    }

    public boolean isEmpty() {
        return contexts.isEmpty();
    }

    /** Every {@code tls:} of the config with its key path, for error messages. */
    private static Map<String, TlsConfig> keyed(MonmuxConfig c) {
        Map<String, TlsConfig> m = new LinkedHashMap<>();
        List<ListenerConfig> telnet = c.listeners().telnet();
        for (int i = 0; i < telnet.size(); i++) {
            put(m, "listeners.telnet[" + i + "].tls", telnet.get(i).tls());
        }
        for (int i = 0; i < c.vms().size(); i++) {
            VmConfig vm = c.vms().get(i);
            if (vm.telnet() != null) {
                put(m, "vms[" + i + "].telnet.tls", vm.telnet().tls());
            }
            for (int j = 0; j < vm.qmpListen().size(); j++) {
                QmpListenerConfig q = vm.qmpListen().get(j);
                put(m, "vms[" + i + "].qmpListen[" + j + "].tls", q.tls());
            }
        }
        if (c.metrics().enabled()) {
            put(m, "metrics.tls", c.metrics().tls());
        }
        return m;
    }

    private static void put(Map<String, TlsConfig> m, String key, TlsConfig tls) {
        if (tls != null) {
            m.put(key, tls);
        }
    }
}
