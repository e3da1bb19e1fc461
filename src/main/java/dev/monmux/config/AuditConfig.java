package dev.monmux.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The audit log ({@code audit:} section). Without {@code path} there is no audit log (monmux says
 * so at start).
 *
 * @param path      the JSON Lines file; absent = no audit log
 * @param fsync     {@code always} (every record on disk before the command goes on), {@code batch}
 *                  (default: written to the OS before the command goes on, on disk within 10 ms)
 *                  or {@code never} (the OS decides)
 * @param onFailure {@code refuse} (default: commands are refused while the log cannot be written)
 *                  or {@code continue} (commands go on, the records are lost and counted)
 * @param maxSizeMb rotate when the file reaches this size (default 100; 0 = never rotate)
 * @param keep      rotated files kept: {@code audit.jsonl.1} .. {@code .N} (default 10)
 * @param queueSize records that may wait for a disk that does not keep up; beyond it new commands
 *                  are refused (default 10000; outcomes and session records always wait)
 */
public record AuditConfig(
        String path, Fsync fsync, OnFailure onFailure, Integer maxSizeMb, Integer keep, Integer queueSize) {
    public AuditConfig {
        if (path != null && path.isBlank()) {
            throw new IllegalArgumentException("path: expected a file name (leave path out to disable the audit log)");
        }
        fsync = fsync == null ? Fsync.BATCH : fsync;
        onFailure = onFailure == null ? OnFailure.REFUSE : onFailure;
        maxSizeMb = QmpLinkConfig.atLeast("maxSizeMb", maxSizeMb, 100, 0);
        keep = QmpLinkConfig.atLeast("keep", keep, 10, 1);
        queueSize = QmpLinkConfig.atLeast("queueSize", queueSize, 10000, 1);
    }

    public static AuditConfig defaults() {
        return new AuditConfig(null, null, null, null, null, null);
    }

    public boolean enabled() {
        return path != null;
    }

    /** When records are forced to disk. */
    public enum Fsync {
        ALWAYS,
        BATCH,
        NEVER;

        @JsonCreator
        public static Fsync parse(String s) {
            return AuditConfig.parse(Fsync.class, s);
        }

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What happens to commands when the audit log cannot be written. */
    public enum OnFailure {
        REFUSE,
        CONTINUE;

        @JsonCreator
        public static OnFailure parse(String s) {
            return AuditConfig.parse(OnFailure.class, s);
        }

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String s) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s)) {
                return e;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            known.append(known.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("expected one of " + known + ", found " + ConfigException.quote(s));
    }
}
