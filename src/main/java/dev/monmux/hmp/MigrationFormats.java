package dev.monmux.hmp;

import static dev.monmux.hmp.HmpFormats.f2;
import static dev.monmux.hmp.HmpFormats.kib;
import static dev.monmux.hmp.HmpFormats.optional;
import static dev.monmux.hmp.HmpFormats.socketUri;
import static dev.monmux.hmp.HmpFormats.u64;
import static dev.monmux.hmp.HmpFormats.uintList;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QemuVersion;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * {@code info migrate} and {@code info migrate_parameters}, whose text changed between QEMU
 * versions (sections and counters dropped or added, new parameters), as each version's
 * hmp_info_migrate and hmp_info_migrate_parameters print them (7.2: monitor/hmp-cmds.c; 10.0:
 * migration/migration-hmp-cmds.c). One entry per version with a table; a version between two
 * takes the older one's (its natives are not certified anyway, see {@link NativeCertificates}).
 *
 * @param sections   the parts of {@code info migrate} after the {@code globals:} block, in order
 * @param parameters the rows of {@code info migrate_parameters}: key and how QEMU prints its
 *                   value ({@code " ms"} etc. as a unit after a number; {@code bool}, {@code quoted},
 *                   {@code text}; {@code bitmaps} where the block-bitmap-mapping block goes;
 *                   {@code bool?} only when present)
 *
 * <p>Long because it is a table: one renderer per version and section, as QEMU's handlers print them.
 */
record MigrationFormats(List<BiConsumer<StringBuilder, JsonNode>> sections, List<String[]> parameters) {

    private static final Map<QemuVersion, MigrationFormats> BY_VERSION = new TreeMap<>(Map.of(
            new QemuVersion(7, 2),
                    new MigrationFormats(
                            List.of(
                                    MigrationFormats::blocked,
                                    MigrationFormats::status,
                                    (s, r) -> ram(s, r, true),
                                    MigrationFormats::disk,
                                    MigrationFormats::xbzrle,
                                    MigrationFormats::compression,
                                    MigrationFormats::cpuThrottle,
                                    MigrationFormats::postcopy,
                                    MigrationFormats::sockets,
                                    MigrationFormats::vfio),
                            List.of(
                                    row("announce-initial", " ms"),
                                    row("announce-max", " ms"),
                                    row("announce-rounds", ""),
                                    row("announce-step", " ms"),
                                    row("compress-level", ""),
                                    row("compress-threads", ""),
                                    row("compress-wait-thread", "bool"),
                                    row("decompress-threads", ""),
                                    row("throttle-trigger-threshold", ""),
                                    row("cpu-throttle-initial", ""),
                                    row("cpu-throttle-increment", ""),
                                    row("cpu-throttle-tailslow", "bool"),
                                    row("max-cpu-throttle", ""),
                                    row("tls-creds", "quoted"),
                                    row("tls-hostname", "quoted"),
                                    row("max-bandwidth", " bytes/second"),
                                    row("downtime-limit", " ms"),
                                    row("x-checkpoint-delay", " ms"),
                                    row("block-incremental", "bool"),
                                    row("multifd-channels", ""),
                                    row("multifd-compression", "text"),
                                    row("xbzrle-cache-size", " bytes"),
                                    row("max-postcopy-bandwidth", ""),
                                    row("tls-authz", "quoted"),
                                    row("block-bitmap-mapping", "bitmaps"))),
            new QemuVersion(10, 0),
                    new MigrationFormats(
                            // 10.0 dropped the disk and compression sections and the skipped counter
                            List.of(
                                    MigrationFormats::blocked,
                                    MigrationFormats::status,
                                    (s, r) -> ram(s, r, false),
                                    MigrationFormats::xbzrle,
                                    MigrationFormats::cpuThrottle,
                                    MigrationFormats::dirtyLimit,
                                    MigrationFormats::postcopy,
                                    MigrationFormats::sockets,
                                    MigrationFormats::vfio),
                            List.of(
                                    row("announce-initial", " ms"),
                                    row("announce-max", " ms"),
                                    row("announce-rounds", ""),
                                    row("announce-step", " ms"),
                                    row("throttle-trigger-threshold", ""),
                                    row("cpu-throttle-initial", ""),
                                    row("cpu-throttle-increment", ""),
                                    row("cpu-throttle-tailslow", "bool"),
                                    row("max-cpu-throttle", ""),
                                    row("tls-creds", "quoted"),
                                    row("tls-hostname", "quoted"),
                                    row("max-bandwidth", " bytes/second"),
                                    row("avail-switchover-bandwidth", " bytes/second"),
                                    row("downtime-limit", " ms"),
                                    row("x-checkpoint-delay", " ms"),
                                    row("multifd-channels", ""),
                                    row("multifd-compression", "text"),
                                    row("zero-page-detection", "text"),
                                    row("xbzrle-cache-size", " bytes"),
                                    row("max-postcopy-bandwidth", ""),
                                    row("tls-authz", "quoted"),
                                    row("block-bitmap-mapping", "bitmaps"),
                                    row("x-vcpu-dirty-limit-period", " ms"),
                                    row("vcpu-dirty-limit", " MB/s"),
                                    row("mode", "text"),
                                    row("direct-io", "bool?")))));

    /** The formats of {@code version}, or of the nearest older version that has them. */
    static MigrationFormats of(QemuVersion version) {
        MigrationFormats f = null;
        for (Map.Entry<QemuVersion, MigrationFormats> e : BY_VERSION.entrySet()) {
            if (f == null || e.getKey().compareTo(version) <= 0) {
                f = e.getValue();
            }
        }
        return f;
    }

    private static String[] row(String key, String how) {
        return new String[] {key, how};
    }

    /** hmp_info_migrate after the globals block, which {@link MigrationGlobals} supplies. */
    String migrate(JsonNode r) {
        StringBuilder s = new StringBuilder();
        for (BiConsumer<StringBuilder, JsonNode> section : sections) {
            section.accept(s, r);
        }
        return s.toString();
    }

    /** hmp_info_migrate_parameters: the version's fixed order and units. */
    String migrateParameters(JsonNode p) {
        StringBuilder s = new StringBuilder();
        for (String[] row : parameters) {
            String key = row[0];
            switch (row[1]) {
                case "bitmaps" -> bitmapMapping(s, p);
                case "bool?" -> {
                    if (p.has(key)) {
                        s.append(key)
                                .append(": ")
                                .append(p.path(key).asBoolean() ? "on" : "off")
                                .append('\n');
                    }
                }
                case "bool" ->
                    s.append(key)
                            .append(": ")
                            .append(p.path(key).asBoolean() ? "on" : "off")
                            .append('\n');
                // printf of a NULL string: glibc prints (null)
                case "quoted" ->
                    s.append(key)
                            .append(": '")
                            .append(p.has(key) ? p.path(key).asText() : "(null)")
                            .append("'\n");
                case "text" ->
                    s.append(key).append(": ").append(p.path(key).asText()).append('\n');
                default ->
                    s.append(key)
                            .append(": ")
                            .append(u64(p, key))
                            .append(row[1])
                            .append('\n');
            }
        }
        return s.toString();
    }

    private static void bitmapMapping(StringBuilder s, JsonNode p) {
        if (!p.has("block-bitmap-mapping")) {
            return;
        }
        s.append("block-bitmap-mapping:\n");
        for (JsonNode node : p.path("block-bitmap-mapping")) {
            s.append("  '")
                    .append(node.path("node-name").asText())
                    .append("' -> '")
                    .append(node.path("alias").asText())
                    .append("'\n");
            for (JsonNode b : node.path("bitmaps")) {
                s.append("    '")
                        .append(b.path("name").asText())
                        .append("' -> '")
                        .append(b.path("alias").asText())
                        .append("'\n");
            }
        }
    }

    // ---- the sections of info migrate ----

    private static void blocked(StringBuilder s, JsonNode r) {
        if (r.has("blocked-reasons")) {
            s.append("Outgoing migration blocked:\n");
            for (JsonNode reason : r.path("blocked-reasons")) {
                s.append("  ").append(reason.asText()).append('\n');
            }
        }
    }

    private static void status(StringBuilder s, JsonNode r) {
        if (!r.has("status")) {
            return;
        }
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

    private static void ram(StringBuilder s, JsonNode r, boolean skipped) {
        if (!r.has("ram")) {
            return;
        }
        JsonNode ram = r.path("ram");
        s.append("transferred ram: ").append(kib(ram, "transferred")).append(" kbytes\n");
        s.append("throughput: ").append(f2(ram, "mbps")).append(" mbps\n");
        s.append("remaining ram: ").append(kib(ram, "remaining")).append(" kbytes\n");
        s.append("total ram: ").append(kib(ram, "total")).append(" kbytes\n");
        s.append("duplicate: ").append(u64(ram, "duplicate")).append(" pages\n");
        if (skipped) {
            s.append("skipped: ").append(u64(ram, "skipped")).append(" pages\n");
        }
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
            s.append("postcopy request count: ")
                    .append(u64(ram, "postcopy-requests"))
                    .append('\n');
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
            s.append("Zero-copy-send fallbacks happened: ")
                    .append(u64(ram, "dirty-sync-missed-zero-copy"))
                    .append(" times\n");
        }
    }

    private static void disk(StringBuilder s, JsonNode r) {
        if (r.has("disk")) {
            JsonNode d = r.path("disk");
            s.append("transferred disk: ").append(kib(d, "transferred")).append(" kbytes\n");
            s.append("remaining disk: ").append(kib(d, "remaining")).append(" kbytes\n");
            s.append("total disk: ").append(kib(d, "total")).append(" kbytes\n");
        }
    }

    private static void xbzrle(StringBuilder s, JsonNode r) {
        if (r.has("xbzrle-cache")) {
            JsonNode x = r.path("xbzrle-cache");
            s.append("cache size: ").append(u64(x, "cache-size")).append(" bytes\n");
            s.append("xbzrle transferred: ").append(kib(x, "bytes")).append(" kbytes\n");
            s.append("xbzrle pages: ").append(u64(x, "pages")).append(" pages\n");
            s.append("xbzrle cache miss: ").append(u64(x, "cache-miss")).append(" pages\n");
            s.append("xbzrle cache miss rate: ")
                    .append(f2(x, "cache-miss-rate"))
                    .append('\n');
            s.append("xbzrle encoding rate: ").append(f2(x, "encoding-rate")).append('\n');
            s.append("xbzrle overflow: ").append(u64(x, "overflow")).append('\n');
        }
    }

    private static void compression(StringBuilder s, JsonNode r) {
        if (r.has("compression")) {
            JsonNode c = r.path("compression");
            s.append("compression pages: ").append(u64(c, "pages")).append(" pages\n");
            s.append("compression busy: ").append(u64(c, "busy")).append('\n');
            s.append("compression busy rate: ").append(f2(c, "busy-rate")).append('\n');
            s.append("compressed size: ").append(kib(c, "compressed-size")).append(" kbytes\n");
            s.append("compression rate: ").append(f2(c, "compression-rate")).append('\n');
        }
    }

    private static void cpuThrottle(StringBuilder s, JsonNode r) {
        optional(s, r, "cpu-throttle-percentage", "cpu throttle percentage: ", "");
    }

    private static void dirtyLimit(StringBuilder s, JsonNode r) {
        optional(s, r, "dirty-limit-throttle-time-per-round", "dirty-limit throttle time: ", " us");
        optional(s, r, "dirty-limit-ring-full-time", "dirty-limit ring full time: ", " us");
    }

    private static void postcopy(StringBuilder s, JsonNode r) {
        optional(s, r, "postcopy-blocktime", "postcopy blocktime: ", "");
        if (r.has("postcopy-vcpu-blocktime")) {
            s.append("postcopy vcpu blocktime: ")
                    .append(uintList(r.path("postcopy-vcpu-blocktime")))
                    .append('\n');
        }
    }

    private static void sockets(StringBuilder s, JsonNode r) {
        if (r.has("socket-address")) {
            s.append("socket address: [\n");
            for (JsonNode a : r.path("socket-address")) {
                s.append('\t').append(socketUri(a)).append('\n');
            }
            s.append("]\n");
        }
    }

    private static void vfio(StringBuilder s, JsonNode r) {
        if (r.has("vfio")) {
            s.append("vfio device transferred: ")
                    .append(kib(r.path("vfio"), "transferred"))
                    .append(" kbytes\n");
        }
    }
}
