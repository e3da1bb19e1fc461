package dev.monmux.auth;

import java.util.Locale;
import java.util.Optional;

/** What an operator may do on a VM; each role includes the ones below it. */
public enum Role {
    /** Query commands only ({@code info ...}, {@code query-*}). */
    VIEWER,
    /** Queries and control ({@code stop}, {@code cont}, {@code system_reset}, ...). */
    OPERATOR,
    /** Everything, including dangerous, host and secret commands and forcing a lock. */
    ADMIN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    /** {@code viewer}, {@code operator} or {@code admin}, any case. */
    public static Optional<Role> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        for (Role r : values()) {
            if (r.label().equalsIgnoreCase(s.strip())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
