package dev.monmux.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * TLS on a listener ({@code tls:} of a telnet, QMP TCP or metrics listener): PEM files, read at
 * start and on every reload. Relative paths are relative to the config file.
 *
 * @param cert       the server certificate chain (PEM)
 * @param key        its private key (PEM, PKCS#8 or PKCS#1, unencrypted)
 * @param clientCa   CA certificates (PEM) that sign client certificates; needed for client certificates
 * @param clientAuth {@code none}, {@code optional} or {@code require}; default {@code require} with a
 *                   {@code clientCa}, else {@code none}
 */
public record TlsConfig(String cert, String key, String clientCa, ClientAuth clientAuth) {
    public TlsConfig {
        if (cert == null || cert.isBlank()) {
            throw new IllegalArgumentException("cert: expected a PEM certificate file");
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("key: expected a PEM private key file");
        }
        clientAuth = clientAuth != null ? clientAuth : clientCa != null ? ClientAuth.REQUIRE : ClientAuth.NONE;
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new IllegalArgumentException("clientCa: clientAuth " + clientAuth.label()
                    + " needs clientCa (the CA file that signs client certificates)");
        }
    }

    /** Whether clients must (or may) present a certificate. */
    public enum ClientAuth {
        NONE,
        OPTIONAL,
        REQUIRE;

        @JsonCreator
        public static ClientAuth parse(String s) {
            for (ClientAuth a : values()) {
                if (a.name().equalsIgnoreCase(s)) {
                    return a;
                }
            }
            throw new IllegalArgumentException(
                    "expected one of none, optional, require, found " + ConfigException.quote(s));
        }

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
