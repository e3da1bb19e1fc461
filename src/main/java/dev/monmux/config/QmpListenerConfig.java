package dev.monmux.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A QMP listener of one VM ({@code vms[].qmpListen[]}): {@code {unix: /run/monmux/web1.qmp, mode:
 * "0600", role: operator}} or {@code {tcp: "127.0.0.1:4445", role: viewer}}.
 *
 * @param unix socket path (exactly one of {@code unix} and {@code tcp})
 * @param tcp  {@code host:port} to bind; loopback only (port 0 picks a free one, for tests)
 * @param mode the unix socket's file mode, octal (default {@code 0600})
 * @param role the role of every client of this listener: {@code viewer}, {@code operator} or {@code admin}
 * @param tls  optional TLS for a TCP listener; with {@code clientAuth: require} it may bind any address
 */
public record QmpListenerConfig(String unix, String tcp, String mode, String role, TlsConfig tls) {
    public static final Set<String> ROLES = Set.of("viewer", "operator", "admin");

    public QmpListenerConfig {
        if ((unix == null) == (tcp == null)) {
            throw new IllegalArgumentException("expected exactly one of 'unix: PATH' and 'tcp: HOST:PORT'");
        }
        if (unix != null && unix.isBlank()) {
            throw new IllegalArgumentException("unix: expected a socket path");
        }
        if (role == null) {
            throw new IllegalArgumentException("role: expected viewer, operator or admin");
        }
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role: expected viewer, operator or admin");
        }
        if (mode != null && unix == null) {
            throw new IllegalArgumentException("mode: applies to unix sockets only (this listener is tcp)");
        }
        mode = mode == null ? "0600" : mode;
        if (!mode.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("mode: expected octal permissions such as \"0600\" (quoted)");
        }
        if (tls != null && tcp == null) {
            throw new IllegalArgumentException("tls: applies to tcp listeners only (this listener is unix)");
        }
        if (tcp != null) {
            String host = host(tcp);
            port(tcp);
            boolean certified = tls != null && tls.clientAuth() == TlsConfig.ClientAuth.REQUIRE;
            if (!isLoopback(host) && !certified) {
                throw new IllegalArgumentException("tcp: " + ConfigException.quote(tcp) + " is not a loopback address: "
                        + "a QMP listener elsewhere needs TLS client certificates (tls: {cert, key, clientCa, "
                        + "clientAuth: require}); bind to 127.0.0.1 or use a unix socket");
            }
        }
    }

    public Path unixPath() {
        return Path.of(unix);
    }

    public String host() {
        return host(tcp);
    }

    public int port() {
        return port(tcp);
    }

    /** The mode as rwx permissions, e.g. {@code rw-------}. */
    public String permissions() {
        int m = Integer.parseInt(mode, 8);
        StringBuilder sb = new StringBuilder(9);
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = m >> shift & 7;
            sb.append((bits & 4) != 0 ? 'r' : '-')
                    .append((bits & 2) != 0 ? 'w' : '-')
                    .append((bits & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return unix != null ? "unix:" + unix : "tcp:" + tcp;
    }

    private static String host(String tcp) {
        int colon = tcp.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("tcp: expected host:port");
        }
        String h = tcp.substring(0, colon);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int port(String tcp) {
        try {
            int p = Integer.parseInt(tcp.substring(tcp.lastIndexOf(':') + 1));
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("tcp: expected host:port with " + ConfigLoader.PORT);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tcp: expected host:port with " + ConfigLoader.PORT);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
