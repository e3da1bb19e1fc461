package dev.monmux.hmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.HmpPlanner;
import dev.monmux.command.Route;
import dev.monmux.effect.Classification;
import dev.monmux.effect.Confinement;
import dev.monmux.effect.Effect;
import dev.monmux.effect.EffectTable;
import dev.monmux.effect.Secrets;
import dev.monmux.qmp.QmpJson;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Plans HMP lines from QEMU's command table: the canonical name (aliases resolved), the effect
 * class ({@link HmpEffects}), what others may see of the line ({@link HmpRedaction}) and the
 * path. Commands with a native mapping are sent as their own QMP command and rendered as QEMU's
 * HMP would; everything else goes through {@code human-monitor-command} with the session's CPU.
 * With {@code hmp.native: false} every line takes that fallback, still named and classed.
 *
 * <p>Its length is the commands that need more than the table: confined screendump and change,
 * multi-call natives.
 */
public final class HmpEngine implements HmpPlanner {
    /** Names of lines the table does not know (a bounded metric tag). */
    public static final String UNKNOWN = "unknown";

    private final HmpParser parser;
    private final NativeMappings natives;
    private final Set<String> nativeNames;
    private final HmpEffects effects;

    /**
     * With {@code nativeMappings}, the mappings certified for the table's version run natively
     * (none on a corrected table); without, every line goes through {@code human-monitor-command}.
     */
    public HmpEngine(HmpTable table, boolean nativeMappings) {
        this(table, certified(table, nativeMappings), EffectTable.shipped(), Confinement.NONE);
    }

    /** @param nativeNames the native mappings to use (see {@link NativeCertificates}) */
    public HmpEngine(HmpTable table, Set<String> nativeNames, EffectTable effectTable, Confinement confinement) {
        this.parser = new HmpParser(table);
        this.natives = new NativeMappings(table);
        this.nativeNames = Set.copyOf(nativeNames);
        this.effects = new HmpEffects(effectTable, confinement, table.version());
    }

    /** The native mappings a VM with {@code table} may use. */
    static Set<String> certified(HmpTable table, boolean nativeMappings) {
        return nativeMappings && !table.corrected()
                ? NativeCertificates.shipped().forVersion(table.version())
                : Set.of();
    }

    /** Every native mapping monmux has, certified or not: for the differential test that certifies them. */
    public static HmpEngine withEveryNativeMapping(HmpTable table) {
        return new HmpEngine(table, new NativeMappings(table).names(), EffectTable.shipped(), Confinement.NONE);
    }

    public HmpTable table() {
        return parser.table();
    }

    /** Whether {@code name} (canonical, e.g. {@code info status}) runs natively here. */
    public boolean isNative(String name) {
        return nativeNames.contains(name) && natives.has(name);
    }

    /** The names of every native mapping monmux has, certified anywhere or not. */
    public static Set<String> nativeMappingNames() {
        return new NativeMappings(HmpTable.qemu72()).names();
    }

    @Override
    public CommandPlan plan(String line, Integer cpuIndex, String vm) {
        HmpParse parsed;
        try {
            parsed = parser.parse(line);
        } catch (RuntimeException e) {
            // the parser is total; should it ever fail, QEMU still gets to judge the line, for admins
            return fallback(line, null, UNKNOWN, Classification.unknown(), cpuIndex);
        }
        if (parsed instanceof HmpParse.Blank) {
            return fallback(line, "", UNKNOWN, new Classification(Effect.QUERY, "does nothing"), cpuIndex);
        }
        if (parsed instanceof HmpParse.Unknown unknown) {
            return unknown(line, unknown, cpuIndex);
        }
        HmpParse.Known known = (HmpParse.Known) parsed;
        Classification cls = effects.classify(known);
        Set<String> secrets = new HashSet<>();
        CommandPlan plan = known(line, known, cls, HmpRedaction.shown(parsed, line, secrets::add), cpuIndex, secrets);
        plan = plan.withAction(CommandPlan.cleaning(plan.action(), secrets));
        if (known instanceof HmpParse.Parsed p && p.name().equals("qom-get") && p.string("path") != null) {
            plan = plan.readingObject(p.string("path"));
        }
        if (known instanceof HmpParse.Parsed p
                && p.name().equals("screendump")
                && effects.confinement().screendumpDir().isPresent()) {
            plan = plan.orElse(confinedScreendump(p, cpuIndex, vm));
        }
        if (known instanceof HmpParse.Parsed p
                && p.name().equals("change")
                && plan.effect() == Effect.HOST
                && p.string("arg") == null
                && !"vnc".equals(p.string("device"))
                && effects.confinement().mediaRefusal(p.string("target"), "raw", p.string("read-only-mode")) == null) {
            plan = plan.orElse(confinedChange(p, cpuIndex));
        }
        return plan;
    }

    private CommandPlan known(
            String line,
            HmpParse.Known known,
            Classification cls,
            String shown,
            Integer cpuIndex,
            Set<String> secrets) {
        String name = known.name();
        if (!isNative(name)) {
            if (known instanceof HmpParse.Invalid invalid) {
                // QEMU refuses such a line too. Only an admin's goes to QEMU: should monmux read a
                // line differently from QEMU, its class and guards (a secret read) would not hold.
                CommandPlan local = CommandPlan.answered(
                                null,
                                name,
                                Effect.QUERY,
                                Route.FALLBACK,
                                CommandResult.error(
                                        HmpText.crlf(invalid.message()), null, HmpText.firstLine(invalid.message())))
                        .because("does not parse");
                return fallback(line, shown, name, Classification.unknown(), cpuIndex)
                        .orElse(local);
            }
            return fallback(line, shown, name, cls, cpuIndex);
        }
        if (known instanceof HmpParse.Invalid invalid) {
            String text = HmpText.crlf(invalid.message());
            return CommandPlan.answered(
                            shown,
                            name,
                            cls.effect(),
                            Route.NATIVE,
                            CommandResult.error(text, null, HmpText.firstLine(invalid.message())))
                    .because(cls.why());
        }
        if (known instanceof HmpParse.Parsed p) {
            NativeCall call = natives.get(name).map(p, cpuIndex);
            if (call != null) {
                ObjectNode audited =
                        Secrets.redactQmp(String.valueOf(call.qmpCommand()), call.qmpArguments(), l -> l, secrets::add);
                return new CommandPlan(
                        shown,
                        name,
                        cls.effect(),
                        cls.why(),
                        Route.NATIVE,
                        call.qmpCommand(),
                        audited,
                        call.action(),
                        null,
                        null);
            }
        }
        return fallback(line, shown, name, cls, cpuIndex);
    }

    /**
     * A line naming no command QEMU's table has: an admin's goes to QEMU (which may be newer than
     * the table, or answers as below); anyone else is answered as QEMU answers an unknown command,
     * without sending anything. Shown to no one either way: it may be a password typed at the
     * prompt by mistake.
     */
    private CommandPlan unknown(String line, HmpParse.Unknown unknown, Integer cpuIndex) {
        CommandPlan local = CommandPlan.answered(
                        null,
                        UNKNOWN,
                        Effect.QUERY,
                        Route.FALLBACK,
                        CommandResult.error(HmpText.crlf(unknown.message()), null, "unknown command"))
                .because("is not a command");
        return fallback(
                        line,
                        null,
                        UNKNOWN,
                        new Classification(Effect.DANGEROUS, "is not a command monmux knows"),
                        cpuIndex)
                .orElse(local);
    }

    /**
     * An operator's screendump with {@code acl.screendumpDir}: into that directory, under a name
     * monmux picks (never an existing file), in the format and from the display asked for; the
     * operator is told the file's name.
     */
    private CommandPlan confinedScreendump(HmpParse.Parsed p, Integer cpuIndex, String vm) {
        String format = p.string("format");
        Path file = effects.confinement().newScreendump(vm == null ? "screen" : vm, format);
        Map<String, Object> args = new LinkedHashMap<>(p.args());
        args.put("filename", file.toString());
        HmpParse.Parsed moved = new HmpParse.Parsed(p.command(), p.name(), args);
        StringBuilder shown = new StringBuilder("screendump ").append(file);
        if (format != null) {
            shown.append(" -f ").append(format);
        }
        if (p.string("device") != null) {
            shown.append(' ').append(p.string("device"));
            if (p.number("head") != null) {
                shown.append(' ').append(p.number("head"));
            }
        }
        Classification cls = new Classification(Effect.CONTROL, "writes a screenshot into acl.screendumpDir");
        String saved = "screendump: saved as " + file + " (acl.screendumpDir)\r\n";
        CommandPlan plan;
        NativeCall call = isNative("screendump") ? natives.get("screendump").map(moved, cpuIndex) : null;
        if (call != null && call.qmpCommand() != null) {
            plan = new CommandPlan(
                    shown.toString(),
                    "screendump",
                    cls.effect(),
                    cls.why(),
                    Route.NATIVE,
                    call.qmpCommand(),
                    call.qmpArguments(),
                    call.action(),
                    null,
                    null);
        } else if (call != null) {
            return new CommandPlan(
                    shown.toString(),
                    "screendump",
                    cls.effect(),
                    cls.why(),
                    Route.NATIVE,
                    null,
                    null,
                    call.action(),
                    null,
                    null); // an argument error, answered before sending
        } else {
            plan = fallback(quotedLine(shown.toString(), file), shown.toString(), "screendump", cls, cpuIndex);
        }
        CommandPlan.Action action = plan.action();
        return new CommandPlan(
                plan.shown(),
                plan.name(),
                plan.effect(),
                plan.why(),
                plan.path(),
                plan.qmpCommand(),
                plan.qmpArguments(),
                vm2 -> action.run(vm2).thenApply(r -> r.text().isEmpty() ? CommandResult.ok(saved) : r),
                null,
                null);
    }

    /**
     * An operator's {@code change DEVICE FILE} of a medium in {@code acl.mediaPaths}, given without
     * a format: opened as {@code raw}, so that QEMU does not probe what the file claims to be.
     */
    private CommandPlan confinedChange(HmpParse.Parsed p, Integer cpuIndex) {
        Map<String, Object> args = new LinkedHashMap<>(p.args());
        args.put("arg", "raw");
        HmpParse.Parsed raw = new HmpParse.Parsed(p.command(), p.name(), args);
        String shown = "change " + p.string("device") + (p.flag("force") ? " -f " : " ") + p.string("target") + " raw"
                + (p.string("read-only-mode") == null ? "" : " " + p.string("read-only-mode"));
        Classification cls = new Classification(Effect.CONTROL, "inserts a raw image from acl.mediaPaths");
        NativeCall call = isNative("change") ? natives.get("change").map(raw, cpuIndex) : null;
        if (call != null) {
            return new CommandPlan(
                    shown,
                    "change",
                    cls.effect(),
                    cls.why(),
                    Route.NATIVE,
                    call.qmpCommand(),
                    call.qmpArguments(),
                    call.action(),
                    null,
                    null);
        }
        return fallback(quotedLine(shown, Path.of(p.string("target"))), shown, "change", cls, cpuIndex);
    }

    /** The rewritten line for human-monitor-command, the file name quoted as QEMU's get_str reads it. */
    private static String quotedLine(String shown, Path file) {
        String f = file.toString();
        String quoted = "\"" + f.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        return shown.replace(f, quoted);
    }

    private static CommandPlan fallback(String line, String shown, String name, Classification cls, Integer cpuIndex) {
        ObjectNode args = QmpJson.object().put("command-line", line);
        if (cpuIndex != null) {
            args.put("cpu-index", cpuIndex);
        }
        ObjectNode audited = QmpJson.object()
                .put(
                        "command-line",
                        shown != null
                                ? shown
                                : name.equals(UNKNOWN) ? "[not recorded]" : name + " [arguments not recorded]");
        if (cpuIndex != null) {
            audited.put("cpu-index", cpuIndex);
        }
        return new CommandPlan(
                shown,
                name,
                cls.effect(),
                cls.why(),
                Route.FALLBACK,
                "human-monitor-command",
                audited,
                vm -> vm.call("human-monitor-command", args).thenApply(r -> HmpOutcome.judge(r.asText())),
                null,
                null);
    }
}
