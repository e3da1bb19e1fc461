package dev.monmux.hmp;

import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Effect;
import dev.monmux.command.HmpPlanner;
import dev.monmux.command.Path;
import dev.monmux.config.HmpConfig;
import dev.monmux.qmp.QmpJson;

/**
 * Plans HMP lines from QEMU's command table: the canonical name (aliases resolved), the effect
 * class, and the path. Commands with a native mapping are sent as their own QMP command and
 * rendered as QEMU's HMP would; everything else goes through {@code human-monitor-command}
 * with the session's CPU. With {@code hmp.native: false} every line takes that fallback, still
 * named and classed from the table.
 */
public final class HmpEngine implements HmpPlanner {
    /** Names of lines the table does not know (a bounded metric tag). */
    public static final String UNKNOWN = "unknown";

    private final HmpParser parser;
    private final NativeMappings natives;
    private final boolean nativeMappings;

    public HmpEngine(HmpTable table, boolean nativeMappings) {
        this.parser = new HmpParser(table);
        this.natives = new NativeMappings(table);
        this.nativeMappings = nativeMappings;
    }

    public static HmpEngine from(HmpConfig config) {
        return new HmpEngine(HmpTable.qemu72(), config.nativeMappings());
    }

    public HmpTable table() {
        return parser.table();
    }

    /** Whether {@code name} (canonical, e.g. {@code info status}) has a native mapping. */
    public boolean isNative(String name) {
        return natives.has(name);
    }

    @Override
    public CommandPlan plan(String line, Integer cpuIndex) {
        HmpParse parsed;
        try {
            parsed = parser.parse(line);
        } catch (RuntimeException e) {
            // the parser is total; should it ever fail, QEMU still gets to judge the line
            return fallback(line, UNKNOWN, Effect.DANGEROUS, cpuIndex);
        }
        if (parsed instanceof HmpParse.Blank) {
            return fallback(line, UNKNOWN, Effect.QUERY, cpuIndex);
        }
        if (!(parsed instanceof HmpParse.Known known)) {
            return fallback(line, UNKNOWN, Effect.DANGEROUS, cpuIndex);
        }
        String name = known.name();
        Effect effect = effectOf(known, line);
        if (!nativeMappings || !natives.has(name)) {
            return fallback(line, name, effect, cpuIndex);
        }
        if (known instanceof HmpParse.Invalid invalid) {
            String text = HmpText.crlf(invalid.message());
            return CommandPlan.answered(line, name, effect, Path.NATIVE,
                    CommandResult.error(text, null, firstLine(invalid.message())));
        }
        if (known instanceof HmpParse.Parsed p) {
            NativeCall call = natives.get(name).map(p, cpuIndex);
            if (call != null) {
                return new CommandPlan(line, name, effect, Path.NATIVE, call.qmpCommand(), call.qmpArguments(),
                        call.action());
            }
        }
        return fallback(line, name, effect, cpuIndex);
    }

    /** The table's class; {@code migrate} to {@code exec:} runs a host command, so it is dangerous. */
    private static Effect effectOf(HmpParse.Known known, String line) {
        if (known.name().equals("migrate") && line.contains("exec:")) {
            return Effect.DANGEROUS;
        }
        return known.command().effect();
    }

    private static CommandPlan fallback(String line, String name, Effect effect, Integer cpuIndex) {
        var args = QmpJson.object().put("command-line", line);
        if (cpuIndex != null) {
            args.put("cpu-index", cpuIndex);
        }
        return new CommandPlan(line, name, effect, Path.FALLBACK, "human-monitor-command", args,
                vm -> vm.call("human-monitor-command", args).thenApply(r -> HmpOutcome.judge(r.asText())));
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
