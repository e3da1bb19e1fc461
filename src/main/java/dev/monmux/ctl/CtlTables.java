package dev.monmux.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code monmux ctl list} and {@code who} as tables: one row per line, columns padded, a header. */
final class CtlTables {
    private CtlTables() {}

    static String vms(JsonNode vms) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "LINK", "STATE", "QEMU", "OPERATORS", "LOCK"});
        for (JsonNode v : vms) {
            List<String> ops = new ArrayList<>();
            v.path("operators").forEach(o -> ops.add(o.asText()));
            rows.add(new String[] {
                v.path("name").asText(),
                v.path("link").asText(),
                v.path("state").asText("-"),
                v.path("qemu").asText("-"),
                ops.isEmpty() ? "-" : String.join(",", ops),
                v.path("lock").asText("-")
            });
        }
        return table(rows);
    }

    static String operators(JsonNode operators) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"VM", "USER", "ADDRESS", "ROLE", "SINCE", "IDLE", "LOCK"});
        for (JsonNode o : operators) {
            rows.add(new String[] {
                o.path("vm").asText(),
                o.path("user").asText(),
                o.path("address").asText(),
                o.path("role").asText(),
                since(o.path("since").asText()),
                idle(o.path("idleSeconds").asLong()),
                o.path("lock").asBoolean() ? "lock" : ""
            });
        }
        return table(rows);
    }

    /** As {@code .who} says it (12m00s, 3h05m): the same words, not shared code (ctl depends on nothing of monmux's). */
    static String idle(long seconds) {
        long sec = Math.max(0, seconds);
        if (sec < 60) {
            return sec + "s";
        }
        if (sec < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", sec / 60, sec % 60);
        }
        if (sec < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", sec / 3600, sec % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", sec / 86400, sec % 86400 / 3600);
    }

    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** An ISO instant as the prompt's {@code .who} shows it: local time, to the second. */
    private static String since(String iso) {
        try {
            return SINCE.format(Instant.parse(iso).atZone(ZoneId.systemDefault()));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    private static String table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
