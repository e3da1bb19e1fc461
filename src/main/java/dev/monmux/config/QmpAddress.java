package dev.monmux.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** Where a VM's QMP socket is: {@code unix:/run/qemu/web1.qmp} or {@code tcp:127.0.0.1:9000}. */
public record QmpAddress(String text, SocketAddress socketAddress) {
    /** What a QMP address takes, for error messages. */
    static final String EXPECTED = "unix:/path or tcp:host:port";

    @JsonCreator
    public static QmpAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected " + EXPECTED + ", found nothing");
        }
        if (text.startsWith("unix:")) {
            String path = text.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException(
                        "expected unix:/path (a socket path after unix:), found " + ConfigException.quote(text));
            }
            return new QmpAddress(text, UnixDomainSocketAddress.of(Path.of(path)));
        }
        if (text.startsWith("tcp:")) {
            String rest = text.substring("tcp:".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || colon == rest.length() - 1) {
                throw new IllegalArgumentException("expected tcp:host:port, found " + ConfigException.quote(text));
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "expected tcp:host:port with a port number 1-65535, found " + ConfigException.quote(text));
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "expected tcp:host:port with a port number 1-65535, found " + ConfigException.quote(text));
            }
            return new QmpAddress(text, InetSocketAddress.createUnresolved(host, port));
        }
        throw new IllegalArgumentException("expected " + EXPECTED + ", found " + ConfigException.quote(text));
    }

    public boolean isUnix() {
        return socketAddress instanceof UnixDomainSocketAddress;
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }
}
