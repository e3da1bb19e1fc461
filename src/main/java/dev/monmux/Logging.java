package dev.monmux;

import dev.monmux.config.LogConfig;
import java.util.Locale;

/**
 * monmux's log: SLF4J with slf4j-simple, one line per record on stderr,
 * {@code 2026-11-26T01:02:03.456+00:00 INFO VmLink - VM 'web1': QMP link up (...)}. The format is
 * in {@code simplelogger.properties}; the level is chosen here, before the first logger exists
 * (slf4j-simple reads its settings once).
 */
final class Logging {
    static final String ENV = "MONMUX_LOG_LEVEL";
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    /** Libraries are chatty below info; they follow monmux's level only at trace. */
    private static final String[] LIBRARIES = {"io.netty", "io.micrometer", "com.fasterxml"};

    private Logging() {}

    /**
     * The level in force: {@code --log-level}, else {@code MONMUX_LOG_LEVEL}, else the config's
     * {@code log.level} (default info). A bad flag or variable is an {@link IllegalArgumentException}
     * naming it.
     */
    static String level(String flag, String env, LogConfig config) {
        if (flag != null) {
            return check("--log-level", flag);
        }
        if (env != null && !env.isBlank()) {
            return check(ENV, env);
        }
        return config.level();
    }

    private static String check(String source, String level) {
        try {
            return LogConfig.checkLevel(level);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    /** Sets the level for every logger created from now on. */
    static void apply(String level) {
        System.setProperty(PREFIX + "defaultLogLevel", level);
        String libraries = level.equals("trace")
                ? "trace"
                : LogConfig.LEVELS.indexOf(level) < LogConfig.LEVELS.indexOf("info") ? level : "info";
        for (String lib : LIBRARIES) {
            System.setProperty(PREFIX + "log." + lib, libraries.toLowerCase(Locale.ROOT));
        }
    }
}
