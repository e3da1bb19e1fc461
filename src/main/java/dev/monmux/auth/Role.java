package dev.monmux.auth;

import java.util.Locale;
import java.util.Optional;

import dev.monmux.command.Effect;

/** What an operator may do on a VM; each role includes the ones below it. */
public enum Role {
    /** Query commands only ({@code info ...}, {@code query-*}). */
    VIEWER,
    /** Queries and control ({@code stop}, {@code cont}, {@code system_reset}, ...). */
    OPERATOR,
    /** Everything, including dangerous and unknown commands and forcing a lock. */
    ADMIN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    /** The least role that may run a command with this effect. */
    public static Role needed(Effect effect) {
        return switch (effect) {
            case QUERY -> VIEWER;
            case CONTROL -> OPERATOR;
            case DANGEROUS -> ADMIN;
        };
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
