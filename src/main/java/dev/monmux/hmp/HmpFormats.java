package dev.monmux.hmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * QEMU 7.2's HMP renderings of QMP results (monitor/hmp-cmds.c, block/monitor/block-hmp-cmds.c),
 * format for format; text with {@code \n} line ends.
 */
final class HmpFormats {
    private HmpFormats() {
    }

    /** hmp_info_status. */
    static String status(JsonNode r) {
        boolean running = r.path("running").asBoolean();
        String status = r.path("status").asText();
        StringBuilder s = new StringBuilder("VM status: ").append(running ? "running" : "paused")
                .append(r.path("singlestep").asBoolean() ? " (single step mode)" : "");
        if (!running && !status.equals("paused")) {
            s.append(" (").append(status).append(')');
        }
        return s.append('\n').toString();
    }

    /** hmp_info_version. */
    static String version(JsonNode r) {
        JsonNode q = r.path("qemu");
        return q.path("major").asLong() + "." + q.path("minor").asLong() + "." + q.path("micro").asLong()
                + r.path("package").asText() + "\n";
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
        return "kvm support: " + (r.path("present").asBoolean()
                ? (r.path("enabled").asBoolean() ? "enabled" : "disabled") : "not compiled") + "\n";
    }

    /** hmp_info_cpus: the monitor's current CPU (the session's, else the first) gets a {@code *}. */
    static String cpus(JsonNode r, Integer selected) {
        StringBuilder s = new StringBuilder();
        long current = selected != null ? selected : r.size() > 0 ? r.get(0).path("cpu-index").asLong() : -1;
        for (JsonNode c : r) {
            long index = c.path("cpu-index").asLong();
            s.append(index == current ? '*' : ' ').append(" CPU #").append(index).append(':')
                    .append(" thread_id=").append(c.path("thread-id").asLong()).append('\n');
        }
        return s.toString();
    }

    /** hmp_info_chardev. */
    static String chardev(JsonNode r) {
        StringBuilder s = new StringBuilder();
        for (JsonNode c : r) {
            s.append(c.path("label").asText()).append(": filename=").append(c.path("filename").asText()).append('\n');
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
            s.append(m.path("current").asBoolean() ? '*' : ' ').append(" Mouse #").append(m.path("index").asLong())
                    .append(": ").append(m.path("name").asText())
                    .append(m.path("absolute").asBoolean() ? " (absolute)" : "").append('\n');
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
            s.append(t.path("id").asText()).append(":\n")
                    .append("  thread_id=").append(t.path("thread-id").asLong()).append('\n')
                    .append("  poll-max-ns=").append(t.path("poll-max-ns").asLong()).append('\n')
                    .append("  poll-grow=").append(t.path("poll-grow").asLong()).append('\n')
                    .append("  poll-shrink=").append(t.path("poll-shrink").asLong()).append('\n')
                    .append("  aio-max-batch=").append(t.path("aio-max-batch").asLong()).append('\n');
        }
        return s.toString();
    }

    /** hmp_hotpluggable_cpus. */
    static String hotpluggableCpus(JsonNode r) {
        StringBuilder s = new StringBuilder("Hotpluggable CPUs:\n");
        for (JsonNode c : r) {
            s.append("  type: \"").append(c.path("type").asText()).append("\"\n");
            s.append("  vcpus_count: \"").append(Long.toUnsignedString(c.path("vcpus-count").asLong())).append("\"\n");
            if (c.has("qom-path")) {
                s.append("  qom_path: \"").append(c.path("qom-path").asText()).append("\"\n");
            }
            s.append("  CPUInstance Properties:\n");
            JsonNode p = c.path("props");
            for (String id : new String[] {"node-id", "socket-id", "die-id", "cluster-id", "core-id", "thread-id"}) {
                if (p.has(id)) {
                    s.append("    ").append(id).append(": \"")
                            .append(Long.toUnsignedString(p.path(id).asLong())).append("\"\n");
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
            s.append(inserted != null && inserted.has("node-name") ? inserted.path("node-name").asText()
                    : info != null && info.has("qdev") ? info.path("qdev").asText() : "<anonymous>");
        }
        if (inserted != null) {
            s.append(": ").append(inserted.path("file").asText()).append(" (").append(inserted.path("drv").asText())
                    .append(inserted.path("ro").asBoolean() ? ", read-only" : "")
                    .append(inserted.path("encrypted").asBoolean() ? ", encrypted" : "").append(")\n");
        } else {
            s.append(": [not inserted]\n");
        }
        if (info != null) {
            if (info.has("qdev")) {
                s.append("    Attached to:      ").append(info.path("qdev").asText()).append('\n');
            }
            if (info.has("io-status") && !info.path("io-status").asText().equals("ok")) {
                s.append("    I/O status:       ").append(info.path("io-status").asText()).append('\n');
            }
            if (info.path("removable").asBoolean()) {
                s.append("    Removable device: ").append(info.path("locked").asBoolean() ? "" : "not ")
                        .append("locked, tray ").append(info.path("tray_open").asBoolean() ? "open" : "closed")
                        .append('\n');
            }
        }
        if (inserted == null) {
            return;
        }
        JsonNode cache = inserted.path("cache");
        s.append("    Cache mode:       ").append(cache.path("writeback").asBoolean() ? "writeback" : "writethrough")
                .append(cache.path("direct").asBoolean() ? ", direct" : "")
                .append(cache.path("no-flush").asBoolean() ? ", ignore flushes" : "").append('\n');
        if (inserted.has("backing_file")) {
            s.append("    Backing file:     ").append(inserted.path("backing_file").asText()).append(" (chain depth: ")
                    .append(inserted.path("backing_file_depth").asLong()).append(")\n");
        }
        String zeroes = inserted.path("detect_zeroes").asText("off");
        if (!zeroes.equals("off")) {
            s.append("    Detect zeroes:    ").append(zeroes).append('\n');
        }
        if (nonZero(inserted, "bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr")) {
            s.append("    I/O throttling:  ");
            for (String k : new String[] {"bps", "bps_rd", "bps_wr", "bps_max", "bps_rd_max", "bps_wr_max", "iops",
                    "iops_rd", "iops_wr", "iops_max", "iops_rd_max", "iops_wr_max", "iops_size"}) {
                s.append(' ').append(k).append('=').append(inserted.path(k).asLong());
            }
            s.append(" group=").append(inserted.has("group") ? inserted.path("group").asText() : "(null)").append('\n');
        }
    }

    /** hmp_info_migrate after the globals block, which {@link MigrationGlobals} supplies. */
    static String migrate(JsonNode r) {
        StringBuilder s = new StringBuilder();
        if (r.has("blocked-reasons")) {
            s.append("Outgoing migration blocked:\n");
            for (JsonNode reason : r.path("blocked-reasons")) {
                s.append("  ").append(reason.asText()).append('\n');
            }
        }
        if (r.has("status")) {
            s.append("Migration status: ").append(r.path("status").asText());
            if (r.path("status").asText().equals("failed") && r.has("error-desc")) {
                s.append(" (").append(r.path("error-desc").asText()).append(")\n");
            } else {
                s.append('\n');
            }
            s.append("total time: ").append(u64(r, "total-time")).append(" ms\n");
            optional(s, r, "expected-downtime", "expected downtime: ", " ms");
            optional(s, r, "downtime", "downtime: ", " ms");
            optional(s, r, "setup-time", "setup: ", " ms");
        }
        if (r.has("ram")) {
            JsonNode ram = r.path("ram");
            s.append("transferred ram: ").append(kib(ram, "transferred")).append(" kbytes\n");
            s.append("throughput: ").append(f2(ram, "mbps")).append(" mbps\n");
            s.append("remaining ram: ").append(kib(ram, "remaining")).append(" kbytes\n");
            s.append("total ram: ").append(kib(ram, "total")).append(" kbytes\n");
            s.append("duplicate: ").append(u64(ram, "duplicate")).append(" pages\n");
            s.append("skipped: ").append(u64(ram, "skipped")).append(" pages\n");
            s.append("normal: ").append(u64(ram, "normal")).append(" pages\n");
            s.append("normal bytes: ").append(kib(ram, "normal-bytes")).append(" kbytes\n");
            s.append("dirty sync count: ").append(u64(ram, "dirty-sync-count")).append('\n');
            s.append("page size: ").append(kib(ram, "page-size")).append(" kbytes\n");
            s.append("multifd bytes: ").append(kib(ram, "multifd-bytes")).append(" kbytes\n");
            s.append("pages-per-second: ").append(u64(ram, "pages-per-second")).append('\n');
            if (ram.path("dirty-pages-rate").asLong() != 0) {
                s.append("dirty pages rate: ").append(u64(ram, "dirty-pages-rate")).append(" pages\n");
            }
            if (ram.path("postcopy-requests").asLong() != 0) {
                s.append("postcopy request count: ").append(u64(ram, "postcopy-requests")).append('\n');
            }
            if (ram.path("precopy-bytes").asLong() != 0) {
                s.append("precopy ram: ").append(kib(ram, "precopy-bytes")).append(" kbytes\n");
            }
            if (ram.path("downtime-bytes").asLong() != 0) {
                s.append("downtime ram: ").append(kib(ram, "downtime-bytes")).append(" kbytes\n");
            }
            if (ram.path("postcopy-bytes").asLong() != 0) {
                s.append("postcopy ram: ").append(kib(ram, "postcopy-bytes")).append(" kbytes\n");
            }
            if (ram.path("dirty-sync-missed-zero-copy").asLong() != 0) {
                s.append("Zero-copy-send fallbacks happened: ").append(u64(ram, "dirty-sync-missed-zero-copy"))
                        .append(" times\n");
            }
        }
        if (r.has("disk")) {
            JsonNode d = r.path("disk");
            s.append("transferred disk: ").append(kib(d, "transferred")).append(" kbytes\n");
            s.append("remaining disk: ").append(kib(d, "remaining")).append(" kbytes\n");
            s.append("total disk: ").append(kib(d, "total")).append(" kbytes\n");
        }
        if (r.has("xbzrle-cache")) {
            JsonNode x = r.path("xbzrle-cache");
            s.append("cache size: ").append(u64(x, "cache-size")).append(" bytes\n");
            s.append("xbzrle transferred: ").append(kib(x, "bytes")).append(" kbytes\n");
            s.append("xbzrle pages: ").append(u64(x, "pages")).append(" pages\n");
            s.append("xbzrle cache miss: ").append(u64(x, "cache-miss")).append(" pages\n");
            s.append("xbzrle cache miss rate: ").append(f2(x, "cache-miss-rate")).append('\n');
            s.append("xbzrle encoding rate: ").append(f2(x, "encoding-rate")).append('\n');
            s.append("xbzrle overflow: ").append(u64(x, "overflow")).append('\n');
        }
        if (r.has("compression")) {
            JsonNode c = r.path("compression");
            s.append("compression pages: ").append(u64(c, "pages")).append(" pages\n");
            s.append("compression busy: ").append(u64(c, "busy")).append('\n');
            s.append("compression busy rate: ").append(f2(c, "busy-rate")).append('\n');
            s.append("compressed size: ").append(kib(c, "compressed-size")).append(" kbytes\n");
            s.append("compression rate: ").append(f2(c, "compression-rate")).append('\n');
        }
        optional(s, r, "cpu-throttle-percentage", "cpu throttle percentage: ", "");
        optional(s, r, "postcopy-blocktime", "postcopy blocktime: ", "");
        if (r.has("postcopy-vcpu-blocktime")) {
            s.append("postcopy vcpu blocktime: ").append(uintList(r.path("postcopy-vcpu-blocktime"))).append('\n');
        }
        if (r.has("socket-address")) {
            s.append("socket address: [\n");
            for (JsonNode a : r.path("socket-address")) {
                s.append('\t').append(socketUri(a)).append('\n');
            }
            s.append("]\n");
        }
        if (r.has("vfio")) {
            s.append("vfio device transferred: ").append(kib(r.path("vfio"), "transferred")).append(" kbytes\n");
        }
        return s.toString();
    }

    /** hmp_info_migrate_capabilities. */
    static String migrateCapabilities(JsonNode r) {
        StringBuilder s = new StringBuilder();
        for (JsonNode c : r) {
            s.append(c.path("capability").asText()).append(": ").append(c.path("state").asBoolean() ? "on" : "off")
                    .append('\n');
        }
        return s.toString();
    }

    /** hmp_info_migrate_parameters: QEMU's fixed order and units. */
    static String migrateParameters(JsonNode p) {
        StringBuilder s = new StringBuilder();
        String[][] rows = {
            {"announce-initial", " ms"}, {"announce-max", " ms"}, {"announce-rounds", ""}, {"announce-step", " ms"},
            {"compress-level", ""}, {"compress-threads", ""}, {"compress-wait-thread", "bool"},
            {"decompress-threads", ""}, {"throttle-trigger-threshold", ""}, {"cpu-throttle-initial", ""},
            {"cpu-throttle-increment", ""}, {"cpu-throttle-tailslow", "bool"}, {"max-cpu-throttle", ""},
            {"tls-creds", "quoted"}, {"tls-hostname", "quoted"}, {"max-bandwidth", " bytes/second"},
            {"downtime-limit", " ms"}, {"x-checkpoint-delay", " ms"}, {"block-incremental", "bool"},
            {"multifd-channels", ""}, {"multifd-compression", "text"}, {"xbzrle-cache-size", " bytes"},
            {"max-postcopy-bandwidth", ""}, {"tls-authz", "quoted"}};
        for (String[] row : rows) {
            String key = row[0];
            s.append(key).append(": ");
            switch (row[1]) {
                case "bool" -> s.append(p.path(key).asBoolean() ? "on" : "off");
                case "quoted" -> s.append('\'').append(p.has(key) ? p.path(key).asText() : "(null)").append('\'');
                case "text" -> s.append(p.path(key).asText());
                default -> s.append(u64(p, key)).append(row[1]);
            }
            s.append('\n');
        }
        if (p.has("block-bitmap-mapping")) {
            s.append("block-bitmap-mapping:\n");
            for (JsonNode node : p.path("block-bitmap-mapping")) {
                s.append("  '").append(node.path("node-name").asText()).append("' -> '")
                        .append(node.path("alias").asText()).append("'\n");
                for (JsonNode b : node.path("bitmaps")) {
                    s.append("    '").append(b.path("name").asText()).append("' -> '")
                            .append(b.path("alias").asText()).append("'\n");
                }
            }
        }
        return s.toString();
    }

    private static void optional(StringBuilder s, JsonNode n, String key, String label, String unit) {
        if (n.has(key)) {
            s.append(label).append(u64(n, key)).append(unit).append('\n');
        }
    }

    private static String u64(JsonNode n, String key) {
        return Long.toUnsignedString(n.path(key).asLong());
    }

    private static String kib(JsonNode n, String key) {
        return Long.toUnsignedString(n.path(key).asLong() >>> 10);
    }

    /** printf's %0.2f: the double's exact value, ties to even, as glibc rounds. */
    private static String f2(JsonNode n, String key) {
        return new java.math.BigDecimal(n.path(key).asDouble()).setScale(2, java.math.RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    /** QEMU's string output visitor for a uint32 list: runs of consecutive values as ranges. */
    private static String uintList(JsonNode list) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        while (i < list.size()) {
            long first = list.get(i).asLong();
            int j = i;
            while (j + 1 < list.size() && list.get(j + 1).asLong() == list.get(j).asLong() + 1) {
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
    private static String socketUri(JsonNode a) {
        return switch (a.path("type").asText()) {
            case "inet" -> "tcp:" + a.path("host").asText() + ":" + a.path("port").asText();
            case "unix" -> "unix:" + a.path("path").asText();
            case "fd" -> "fd:" + a.path("str").asText();
            case "vsock" -> "vsock:" + a.path("cid").asText() + ":" + a.path("port").asText();
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
