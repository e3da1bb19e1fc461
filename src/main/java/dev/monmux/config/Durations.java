package dev.monmux.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations used in the config file: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    /** What a duration key takes, for error messages. */
    static final String EXPECTED = "a duration (250ms, 30s, 5m, 1h or off)";

    private Durations() {}

    public static Duration parse(String text) {
        if (text.trim().equals("off")) {
            return Duration.ZERO;
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected "
                    + (text.trim().startsWith("-")
                            ? "a duration that is not negative (250ms, 30s, 5m, 1h or off)"
                            : EXPECTED)
                    + ", found " + ConfigException.quote(text));
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The shortest exact form, for messages and the documented defaults. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0 && ms > 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
