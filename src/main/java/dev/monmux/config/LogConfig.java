package dev.monmux.config;

import java.util.List;
import java.util.Locale;

/**
 * monmux's own log ({@code log:} section), written to stderr one record per line (systemd's
 * journal picks it up). {@code --log-level} and {@code MONMUX_LOG_LEVEL} override {@code level}.
 *
 * @param level {@code error}, {@code warn}, {@code info} (default), {@code debug} or {@code trace}
 */
public record LogConfig(String level) {
    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    public LogConfig {
        if (level != null && !LEVELS.contains(level.trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("level: expected one of " + String.join(", ", LEVELS));
        }
        level = level == null ? "info" : checkLevel(level);
    }

    public static LogConfig defaults() {
        return new LogConfig(null);
    }

    /** The level in lower case, or an exception naming the levels there are. */
    public static String checkLevel(String level) {
        String l = level.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new IllegalArgumentException("level '" + level + "' must be one of " + String.join(", ", LEVELS));
        }
        return l;
    }
}
