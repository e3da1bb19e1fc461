package dev.monmux.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The network transport ({@code transport:}): {@code auto} (default: Linux's epoll where its
 * native library loads, else Java's NIO), {@code epoll} (required: monmux does not start without
 * it) or {@code nio}.
 */
public enum TransportKind {
    AUTO,
    EPOLL,
    NIO;

    @JsonCreator
    public static TransportKind parse(String s) {
        for (TransportKind k : values()) {
            if (k.name().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("expected one of auto, epoll, nio, found " + ConfigException.quote(s));
    }

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
