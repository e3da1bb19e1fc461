package dev.monmux.hmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.command.CommandResult;
import dev.monmux.qmp.Futures;
import dev.monmux.qmp.QmpErrorException;
import dev.monmux.qmp.QmpJson;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The HMP commands monmux runs as their own QMP commands, each rendering the result as the
 * table's QEMU version's HMP handler does (monitor/hmp-cmds.c, block/monitor/block-hmp-cmds.c;
 * where the text changed between versions, {@link MigrationFormats}). A mapping may
 * decline a line (returns null: e.g. {@code change vnc}, {@code info block -v}); it then goes
 * through {@code human-monitor-command}.
 */
final class NativeMappings {
    /** What a mapping makes of parsed arguments and the session's CPU. */
    @FunctionalInterface
    interface Mapping {
        NativeCall map(HmpParse.Parsed line, Integer cpuIndex);
    }

    private static final Set<String> CHANGE_READ_ONLY_MODES = Set.of("retain", "read-only", "read-write");
    private static final Set<String> IMAGE_FORMATS = Set.of("ppm", "png");

    private final Map<String, Mapping> mappings = new HashMap<>();
    private final MigrationGlobals migrationGlobals = new MigrationGlobals();
    private final HmpTable table;
    private final HmpHelp help;

    NativeMappings(HmpTable table) {
        this.table = table;
        this.help = new HmpHelp(table);
        MigrationFormats migration = MigrationFormats.of(table.version());
        query("info status", "query-status", HmpFormats::status);
        query("info version", "query-version", HmpFormats::version);
        query("info name", "query-name", HmpFormats::name);
        query("info uuid", "query-uuid", HmpFormats::uuid);
        query("info kvm", "query-kvm", HmpFormats::kvm);
        query("info chardev", "query-chardev", HmpFormats::chardev);
        query("info mice", "query-mice", HmpFormats::mice);
        query("info balloon", "query-balloon", HmpFormats::balloon);
        query("info iothreads", "query-iothreads", HmpFormats::iothreads);
        query("info hotpluggable-cpus", "query-hotpluggable-cpus", HmpFormats::hotpluggableCpus);
        query("info migrate_capabilities", "query-migrate-capabilities", HmpFormats::migrateCapabilities);
        query("info migrate_parameters", "query-migrate-parameters", migration::migrateParameters);
        mappings.put("info cpus", (l, cpu) -> call("query-cpus-fast", null, r -> HmpFormats.cpus(r, cpu)));
        mappings.put("info block", (l, cpu) -> infoBlock(l));
        // Both calls go out at once: a command typed after this one must not reach QEMU between them.
        mappings.put(
                "info migrate",
                (l, cpu) -> new NativeCall("query-migrate", null, vm -> {
                    CompletableFuture<String> globals = migrationGlobals.get(vm);
                    CompletableFuture<JsonNode> state = vm.call("query-migrate", null);
                    return globals.thenCombine(
                            state, (g, r) -> CommandResult.ok(g + HmpText.crlf(migration.migrate(r))));
                }));
        // hmp_stop, hmp_system_reset, hmp_system_powerdown, hmp_quit pass no Error: QEMU prints nothing
        mappings.put("stop", (l, cpu) -> silent("stop", null));
        mappings.put("system_reset", (l, cpu) -> silent("system_reset", null));
        mappings.put("system_powerdown", (l, cpu) -> silent("system_powerdown", null));
        mappings.put("quit", (l, cpu) -> silent("quit", null));
        // the others go through hmp_handle_error: "Error: <desc>"
        mappings.put("cont", (l, cpu) -> call("cont", null, r -> ""));
        mappings.put("system_wakeup", (l, cpu) -> call("system_wakeup", null, r -> ""));
        mappings.put("nmi", (l, cpu) -> call("inject-nmi", null, r -> ""));
        mappings.put(
                "eject",
                (l, cpu) -> call(
                        "eject",
                        QmpJson.object().put("device", l.string("device")).put("force", l.flag("force")),
                        r -> ""));
        mappings.put(
                "device_del", (l, cpu) -> call("device_del", QmpJson.object().put("id", l.string("id")), r -> ""));
        mappings.put("balloon", (l, cpu) -> call("balloon", QmpJson.object().put("value", l.number("value")), r -> ""));
        mappings.put("change", (l, cpu) -> change(l));
        mappings.put("screendump", (l, cpu) -> screendump(l));
        mappings.put("sendkey", (l, cpu) -> sendkey(l));
        // `info` alone is hmp_info_help: help_cmd(mon, "info")
        mappings.put("info", (l, cpu) -> answered(CommandResult.ok(HmpText.crlf(help.render("info")))));
        mappings.put("help", (l, cpu) -> {
            String text = help.render(l.string("name"));
            return text == null ? null : answered(HmpOutcome.judge(HmpText.crlf(text)));
        });
    }

    /** The mapping for a canonical command name, or null when the command has none. */
    Mapping get(String name) {
        return mappings.get(name);
    }

    boolean has(String name) {
        return mappings.containsKey(name);
    }

    Set<String> names() {
        return Set.copyOf(mappings.keySet());
    }

    private void query(String name, String qmp, Function<JsonNode, String> format) {
        mappings.put(name, (l, cpu) -> call(qmp, null, format));
    }

    /** Sends {@code qmp}; a QMP error is rendered as hmp_handle_error does by CommandPlan. */
    static NativeCall call(String qmp, ObjectNode args, Function<JsonNode, String> format) {
        return new NativeCall(
                qmp, args, vm -> vm.call(qmp, args).thenApply(r -> CommandResult.ok(HmpText.crlf(format.apply(r)))));
    }

    /** Sends {@code qmp}, printing nothing even when QEMU refuses it (the handler passes no Error). */
    static NativeCall silent(String qmp, ObjectNode args) {
        return new NativeCall(
                qmp,
                args,
                vm -> vm.call(qmp, args).handle((r, err) -> {
                    Throwable t = Futures.cause(err);
                    if (t == null || t instanceof QmpErrorException) {
                        return CommandResult.ok("");
                    }
                    throw err instanceof RuntimeException re ? re : new CompletionException(err);
                }));
    }

    static NativeCall answered(CommandResult result) {
        return new NativeCall(null, null, vm -> CompletableFuture.completedFuture(result));
    }

    /** An error QEMU's handler prints itself (before any QMP call), as {@code Error: ...}. */
    private static NativeCall handlerError(String message) {
        return answered(CommandResult.error(HmpText.crlf("Error: " + message + "\n"), null, message));
    }

    /** hmp_info_block; {@code -v} (image details) is left to QEMU. */
    private static NativeCall infoBlock(HmpParse.Parsed l) {
        if (l.flag("verbose")) {
            return null;
        }
        String device = l.string("device");
        boolean nodes = l.flag("nodes");
        ObjectNode nodeArgs = QmpJson.object().put("flat", false);
        BiFunction<JsonNode, StringBuilder, Boolean> backends = (list, s) -> {
            boolean printed = false;
            for (int i = 0; i < list.size(); i++) {
                JsonNode info = list.get(i);
                if (device != null && !device.equals(info.path("device").asText())) {
                    continue;
                }
                if (i != 0) {
                    s.append('\n');
                }
                HmpFormats.blockInfo(s, info, info.has("inserted") ? info.get("inserted") : null);
                printed = true;
            }
            return printed;
        };
        String first = nodes ? "query-named-block-nodes" : "query-block";
        return new NativeCall(first, nodes ? nodeArgs : null, vm -> {
            CompletableFuture<JsonNode> blocks = nodes
                    ? CompletableFuture.completedFuture(QmpJson.MAPPER.createArrayNode())
                    : vm.call("query-block", null);
            // hmp_info_block asks for the nodes only when no backend matched; both go out at once, so
            // that a command typed after this one cannot reach QEMU in between
            CompletableFuture<JsonNode> allNodes =
                    device == null && !nodes ? null : vm.call("query-named-block-nodes", nodeArgs);
            return blocks.thenCompose(list -> {
                StringBuilder s = new StringBuilder();
                boolean printed = backends.apply(list, s);
                if ((device == null && !nodes) || printed) {
                    if (allNodes != null) {
                        allNodes.exceptionally(e -> null); // not needed; its failure is not this command's
                    }
                    return CompletableFuture.completedFuture(CommandResult.ok(HmpText.crlf(s.toString())));
                }
                return allNodes.thenApply(nodeList -> {
                    for (int i = 0; i < nodeList.size(); i++) {
                        JsonNode n = nodeList.get(i);
                        if (device != null && !device.equals(n.path("node-name").asText())) {
                            continue;
                        }
                        if (i != 0) {
                            s.append('\n');
                        }
                        HmpFormats.blockInfo(s, null, n);
                    }
                    return CommandResult.ok(HmpText.crlf(s.toString()));
                });
            });
        });
    }

    /** hmp_change for block devices; {@code change vnc ...} is left to QEMU. */
    private static NativeCall change(HmpParse.Parsed l) {
        String device = l.string("device");
        if (device.equals("vnc")) {
            return null;
        }
        String mode = l.string("read-only-mode");
        if (mode != null && !CHANGE_READ_ONLY_MODES.contains(mode)) {
            return handlerError("invalid parameter value: " + mode);
        }
        ObjectNode args = QmpJson.object().put("device", device).put("filename", l.string("target"));
        if (l.string("arg") != null) {
            args.put("format", l.string("arg"));
        }
        args.put("force", l.flag("force"));
        if (mode != null) {
            args.put("read-only-mode", mode);
        }
        return call("blockdev-change-medium", args, r -> "");
    }

    /** hmp_screendump: {@code head} goes with {@code device} only, as QEMU passes it. */
    private static NativeCall screendump(HmpParse.Parsed l) {
        String format = l.string("format");
        if (format != null && !IMAGE_FORMATS.contains(format)) {
            return handlerError("invalid parameter value: " + format);
        }
        ObjectNode args = QmpJson.object().put("filename", l.string("filename"));
        String device = l.string("device");
        if (device != null) {
            args.put("device", device);
            args.put("head", l.number("head") == null ? 0L : l.number("head"));
        }
        if (format != null) {
            args.put("format", format);
        }
        return call("screendump", args, r -> "");
    }

    /** hmp_sendkey: {@code ctrl-alt-f1}, {@code 0x1d}, {@code <}; an unknown key is refused before sending. */
    private NativeCall sendkey(HmpParse.Parsed l) {
        String keys = l.string("keys");
        ArrayNode list = QmpJson.MAPPER.createArrayNode();
        int from = 0;
        while (true) {
            int sep = keys.indexOf('-', from);
            int end = sep < 0 ? keys.length() : sep;
            String key = keys.substring(from, end);
            if (key.equals("<")) {
                key = "less"; // compatibility with the old interface, as QEMU does
            }
            if (key.startsWith("0x")) {
                Integer value = hexKey(key);
                if (value == null) {
                    return invalidKey(key);
                }
                list.addObject().put("type", "number").put("data", value);
            } else if (table.isKeyName(key)) {
                list.addObject().put("type", "qcode").put("data", key);
            } else {
                return invalidKey(key);
            }
            if (sep < 0) {
                break;
            }
            from = sep + 1;
        }
        ObjectNode args = QmpJson.object();
        args.set("keys", list);
        if (l.number("hold-time") != null) {
            args.put("hold-time", (int) (long) l.number("hold-time")); // QEMU keeps it in an int
        }
        return call("send-key", args, r -> "");
    }

    /** strtoul(key, &end, 0) must consume the whole key name; the value is kept in an int. */
    private static Integer hexKey(String key) {
        String digits = key.substring(2);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
            return null;
        }
        BigInteger v = new BigInteger(digits, 16);
        return v.bitLength() > 64 ? -1 : (int) v.longValue();
    }

    private static NativeCall invalidKey(String key) {
        String m = "invalid parameter: " + key;
        return answered(CommandResult.error(HmpText.crlf(m + "\n"), null, m));
    }
}
