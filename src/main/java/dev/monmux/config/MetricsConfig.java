package dev.monmux.config;

/**
 * The metrics endpoint ({@code metrics:} section): {@code GET /metrics} (Prometheus text format)
 * and {@code GET /healthz}.
 *
 * @param enabled default true; false = no HTTP listener (metrics are still counted)
 * @param bind    address to bind, default {@code 127.0.0.1}
 * @param port    TCP port, default 9464 (0 picks a free one, for tests)
 * @param tls     optional HTTPS (with client certificates if {@code clientCa} is set)
 */
public record MetricsConfig(Boolean enabled, String bind, Integer port, TlsConfig tls) {
    public MetricsConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        bind = bind == null ? ListenerConfig.DEFAULT_BIND : bind;
        port = port == null ? 9464 : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: expected " + ConfigLoader.PORT);
        }
    }

    public static MetricsConfig defaults() {
        return new MetricsConfig(null, null, null, null);
    }
}
