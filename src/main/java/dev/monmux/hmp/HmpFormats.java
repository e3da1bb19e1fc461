package dev.monmux.hmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * QEMU 7.2's HMP renderings of QMP results (monitor/hmp-cmds.c, block/monitor/block-hmp-cmds.c),
 * format for format; text with {@code \n} line ends.
 *
 * <p>Long because it is a table: one small renderer per native command, each against its QEMU
 * handler.
 */
final class HmpFormats {
    private HmpFormats() {}

    /** hmp_info_status. */
    static String status(JsonNode r) {
        boolean running = r.path("running").asBoolean();
        String status = r.path("status").asText();
        StringBuilder s = new StringBuilder("VM status: ")
                .append(running ? "running" : "paused")
                .append(r.path("singlestep").asBoolean() ? " (single step mode)" : "");
        if (!running && !status.equals("paused")) {
            s.append(" (").append(status).append(')');
        }
        return s.append('\n').toString();
    }

    /** hmp_info_version. */
    static String version(JsonNode r) {
        JsonNode q = r.path("qemu");
        return q.path("major").asLong() + "." + q.path("minor").asLong() + "."
                + q.path("micro").asLong() + r.path("package").asText() + "\n";
    }

    /** hmp_info_name: nothing for a VM without a name. */
    static String name(JsonNode r) {
        return r.hasNonNull("name") ? r.path("name").asText() + "\n" : "";
    }

    /** hmp_info_uuid. */
    static String uuid(JsonNode r) {
        return r.path("UUID").asText() + "\n";
    }

    /** hmp_info_kvm. */
    static String kvm(JsonNode r) {
        return "kvm support: "
                + (r.path("present").asBoolean()
                        ? (r.path("enabled").asBoolean() ? "enabled" : "disabled")
                        : "not compiled")
                + "\n";
    }

    /** hmp_info_cpus: the monitor's current CPU (the session's, else the first) gets a {@code *}. */
    static String cpus(JsonNode r, Integer selected) {
        StringBuilder s = new StringBuilder();
        long current = selected != null
                ? selected
                : r.size() > 0 ? r.get(0).path("cpu-index").asLong() : -1;
        for (JsonNode c : r) {
            long index = c.path("cpu-index").asLong();
            s.append(index == current ? '*' : ' ')
                    .append(" CPU #")
                    .append(index)
                    .append(':')
                    .append(" thread_id=")
                    .append(c.path("thread-id").asLong())
                    .append('\n');
        }
        return s.toString();
    }

    /** hmp_info_chardev. */
    static String chardev(JsonNode r) {
        StringBuilder s = new StringBuilder();
        for (JsonNode c : r) {
            s.append(c.path("label").asText())
                    .append(": filename=")
                    .append(c.path("filename").asText())
                    .append('\n');
        }
        return s.toString();
    }

    /** hmp_info_mice. */
    static String mice(JsonNode r) {
        if (r.size() == 0) {
            return "No mouse devices connected\n";
        }
        StringBuilder s = new StringBuilder();
        for (JsonNode m : r) {
            s.append(m.path("current").asBoolean() ? '*' : ' ')
                    .append(" Mouse #")
                    .append(m.path("index").asLong())
                    .append(": ")
                    .append(m.path("name").asText())
                    .append(m.path("absolute").asBoolean() ? " (absolute)" : "")
                    .append('\n');
        }
        return s.toString();
    }

    /** hmp_info_balloon: bytes shown as MiB, rounded down. */
    static String balloon(JsonNode r) {
        return "balloon: actual=" + (r.path("actual").asLong() >> 20) + "\n";
    }

    /** hmp_info_iothreads. */
    static String iothreads(JsonNode r) {
        StringBuilder s = new StringBuilder();
        for (JsonNode t : r) {
            s.append(t.path("id").asText())
                    .append(":\n")
                    .append("  thread_id=")
                    .append(t.path("thread-id").asLong())
                    .append('\n')
                    .append("  poll-max-ns=")
                    .append(t.path("poll-max-ns").asLong())
                    .append('\n')
                    .append("  poll-grow=")
                    .append(t.path("poll-grow").asLong())
                    .append('\n')
                    .append("  poll-shrink=")
                    .append(t.path("poll-shrink").asLong())
                    .append('\n')
                    .append("  aio-max-batch=")
                    .append(t.path("aio-max-batch").asLong())
                    .append('\n');
        }
        return s.toString();
    }

    /** hmp_hotpluggable_cpus. */
    static String hotpluggableCpus(JsonNode r) {
        StringBuilder s = new StringBuilder("Hotpluggable CPUs:\n");
        for (JsonNode c : r) {
            s.append("  type: \"").append(c.path("type").asText()).append("\"\n");
            s.append("  vcpus_count: \"")
                    .append(Long.toUnsignedString(c.path("vcpus-count").asLong()))
                    .append("\"\n");
            if (c.has("qom-path")) {
                s.append("  qom_path: \"").append(c.path("qom-path").asText()).append("\"\n");
            }
            s.append("  CPUInstance Properties:\n");
            JsonNode p = c.path("props");
            for (String id : new String[] {"node-id", "socket-id", "die-id", "cluster-id", "core-id", "thread-id"}) {
                if (p.has(id)) {
                    s.append("    ")
                            .append(id)
                            .append(": \"")
                            .append(Long.toUnsignedString(p.path(id).asLong()))
                            .append("\"\n");
                }
            }
        }
        return s.toString();
    }

    /**
     * hmp_info_block's print_block_info for one BlockBackend ({@code info} set) or one named node
     * ({@code info} null, {@code inserted} the node); the verbose image dump is not done here.
     */
    static void blockInfo(StringBuilder s, JsonNode info, JsonNode inserted) {
        if (info != null && !info.path("device").asText().isEmpty()) {
            s.append(info.path("device").asText());
            if (inserted != null && inserted.has("node-name")) {
                s.append(" (").append(inserted.path("node-name").asText()).append(')');
            }
        } else {
            s.append(
                    inserted != null && inserted.has("node-name")
                            ? inserted.path("node-name").asText()
                            : info != null && info.has("qdev")
                                    ? info.path("qdev").asText()
                                    : "<anonymous>");
        }
        if (inserted != null) {
            s.append(": ")
                    .append(inserted.path("file").asText())
                    .append(" (")
                    .append(inserted.path("drv").asText())
                    .append(inserted.path("ro").asBoolean() ? ", read-only" : "")
                    .append(inserted.path("encrypted").asBoolean() ? ", encrypted" : "")
                    .append(")\n");
        } else {
            s.append(": [not inserted]\n");
        }
        if (info != null) {
            if (info.has("qdev")) {
                s.append("    Attached to:      ")
                        .append(info.path("qdev").asText())
                        .append('\n');
            }
            if (info.has("io-status") && !info.path("io-status").asText().equals("ok")) {
                s.append("    I/O status:       ")
                        .append(info.path("io-status").asText())
                        .append('\n');
            }
            if (info.path("removable").asBoolean()) {
                s.append("    Removable device: ")
                        .append(info.path("locked").asBoolean() ? "" : "not ")
                        .append("locked, tray ")
                        .append(info.path("tray_open").asBoolean() ? "open" : "closed")
                        .append('\n');
            }
        }
        if (inserted == null) {
            return;
        }
        JsonNode cache = inserted.path("cache");
        s.append("    Cache mode:       ")
                .append(cache.path("writeback").asBoolean() ? "writeback" : "writethrough")
                .append(cache.path("direct").asBoolean() ? ", direct" : "")
                .append(cache.path("no-flush").asBoolean() ? ", ignore flushes" : "")
                .append('\n');
        if (inserted.has("backing_file")) {
            s.append("    Backing file:     ")
                    .append(inserted.path("backing_file").asText())
                    .append(" (chain depth: ")
                    .append(inserted.path("backing_file_depth").asLong())
                    .append(")\n");
        }
        String zeroes = inserted.path("detect_zeroes").asText("off");
        if (!zeroes.equals("off")) {
            s.append("    Detect zeroes:    ").append(zeroes).append('\n');
        }
        if (nonZero(inserted, "bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr")) {
            s.append("    I/O throttling:  ");
            for (String k : new String[] {
                "bps",
                "bps_rd",
                "bps_wr",
                "bps_max",
                "bps_rd_max",
                "bps_wr_max",
                "iops",
                "iops_rd",
                "iops_wr",
                "iops_max",
                "iops_rd_max",
                "iops_wr_max",
                "iops_size"
            }) {
                s.append(' ').append(k).append('=').append(inserted.path(k).asLong());
            }
            s.append(" group=")
                    .append(inserted.has("group") ? inserted.path("group").asText() : "(null)")
                    .append('\n');
        }
    }

    /** hmp_info_migrate_capabilities. */
    static String migrateCapabilities(JsonNode r) {
        StringBuilder s = new StringBuilder();
        for (JsonNode c : r) {
            s.append(c.path("capability").asText())
                    .append(": ")
                    .append(c.path("state").asBoolean() ? "on" : "off")
                    .append('\n');
        }
        return s.toString();
    }

    static void optional(StringBuilder s, JsonNode n, String key, String label, String unit) {
        if (n.has(key)) {
            s.append(label).append(u64(n, key)).append(unit).append('\n');
        }
    }

    static String u64(JsonNode n, String key) {
        return Long.toUnsignedString(n.path(key).asLong());
    }

    static String kib(JsonNode n, String key) {
        return Long.toUnsignedString(n.path(key).asLong() >>> 10);
    }

    /** printf's %0.2f: the double's exact value, ties to even, as glibc rounds. */
    static String f2(JsonNode n, String key) {
        return new BigDecimal(n.path(key).asDouble())
                .setScale(2, RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    /** QEMU's string output visitor for a uint32 list: runs of consecutive values as ranges. */
    static String uintList(JsonNode list) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        while (i < list.size()) {
            long first = list.get(i).asLong();
            int j = i;
            while (j + 1 < list.size()
                    && list.get(j + 1).asLong() == list.get(j).asLong() + 1) {
                j++;
            }
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(first);
            if (j > i) {
                s.append('-').append(list.get(j).asLong());
            }
            i = j + 1;
        }
        return s.toString();
    }

    /** socket_uri. */
    static String socketUri(JsonNode a) {
        return switch (a.path("type").asText()) {
            case "inet" ->
                "tcp:" + a.path("host").asText() + ":" + a.path("port").asText();
            case "unix" -> "unix:" + a.path("path").asText();
            case "fd" -> "fd:" + a.path("str").asText();
            case "vsock" ->
                "vsock:" + a.path("cid").asText() + ":" + a.path("port").asText();
            default -> "unknown address type";
        };
    }

    private static boolean nonZero(JsonNode n, String... keys) {
        for (String k : keys) {
            if (n.path(k).asLong() != 0) {
                return true;
            }
        }
        return false;
    }
}
