package dev.monmux.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.effect.Classification;
import dev.monmux.effect.Confinement;
import dev.monmux.effect.Effect;
import dev.monmux.effect.EffectTable;
import dev.monmux.effect.QmpEffects;
import dev.monmux.effect.Secrets;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpJson;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Understands one QMP request (from a QMP client or a raw JSON line typed at the telnet prompt):
 * its name, its class ({@link QmpEffects}: the same table as HMP's), and what others may see of
 * it. {@code human-monitor-command} is judged, shown and guarded by the HMP line inside it.
 */
public final class QmpRequestPlanner {
    private static final Logger log = LoggerFactory.getLogger(QmpRequestPlanner.class);
    private static final int MAX_WARNED = 256;
    private static final Set<String> warned = ConcurrentHashMap.newKeySet();

    private final HmpPlanners hmpPlanners;
    private final QmpEffects effects;

    public QmpRequestPlanner(HmpPlanner hmp) {
        this(HmpPlanners.fixed(hmp), new QmpEffects(EffectTable.shipped(), Confinement.NONE));
    }

    public QmpRequestPlanner(HmpPlanners hmp, QmpEffects effects) {
        this.hmpPlanners = hmp;
        this.effects = effects;
    }

    /**
     * @param request the whole request object ({@code execute} or {@code exec-oob} is a string)
     * @param link    the VM: its QEMU's commands ({@link QmpEndpoint#commands}; a command QEMU does
     *                not have can do nothing, QEMU answers {@code CommandNotFound}, so it is a query
     *                named {@code unknown}, not a command only admins may try) and its HMP
     * @param send         the action that sends a request (this one, or the form monmux rewrote it
     *                     to) and renders QEMU's whole reply for the client
     * @param render       renders a reply monmux gives itself, as QEMU would have given it
     */
    public CommandPlan plan(
            ObjectNode request,
            QmpEndpoint link,
            Function<ObjectNode, CommandPlan.Action> send,
            Function<ObjectNode, CommandResult> render) {
        return new ForVm(hmpPlanners.forVm(link), link.name()).plan(request, link.commands(), send, render);
    }

    /** The planning of one request, for one VM (its name and HMP). */
    private final class ForVm {
        private final HmpPlanner hmp;
        private final String vm;

        ForVm(HmpPlanner hmp, String vm) {
            this.hmp = hmp;
            this.vm = vm;
        }

        CommandPlan plan(
                ObjectNode request,
                Set<String> qemuCommands,
                Function<ObjectNode, CommandPlan.Action> send,
                Function<ObjectNode, CommandResult> render) {
            String command = request.hasNonNull("execute")
                    ? request.path("execute").asText()
                    : request.path("exec-oob").asText();
            ObjectNode args = request.get("arguments") instanceof ObjectNode o ? o : null;
            if (!qemuCommands.isEmpty() && !qemuCommands.contains(command)) {
                return new CommandPlan(
                        shown(command, request),
                        "unknown",
                        Effect.QUERY,
                        "is not a command of this QEMU",
                        Route.QMP,
                        command,
                        redacted(command, args),
                        send.apply(request),
                        null,
                        null);
            }
            String name = boundedName(command);
            if (command.equals("human-monitor-command")) {
                return humanMonitorCommand(request, args, vm, send, render);
            }
            Classification cls = effects.classify(command, args, line -> classOf(hmp.plan(line, null, vm)));
            // once per command QEMU really has (a name anyone may type is not logged; the set stays small)
            if (cls.equals(Classification.unknown())
                    && qemuCommands.contains(command)
                    && warned.size() < MAX_WARNED
                    && warned.add(command)) {
                log.warn("QMP command '{}' has no effect class in monmux's table: only admins may run it", command);
            }
            Set<String> secrets = new HashSet<>();
            ObjectNode audited = Secrets.redactQmp(command, args, this::shownLine, secrets::add);
            CommandPlan plan = new CommandPlan(
                    shown(command, request),
                    name,
                    cls.effect(),
                    cls.why(),
                    Route.QMP,
                    command,
                    audited,
                    CommandPlan.cleaning(send.apply(request), secrets),
                    null,
                    null);
            if (command.equals("qom-get") && args != null && args.path("path").isTextual()) {
                plan = plan.readingObject(args.path("path").textValue());
            }
            if (command.equals("blockdev-change-medium")
                    && args != null
                    && cls.effect() == Effect.HOST
                    && !args.has("format")
                    && effects.confinement()
                                    .mediaRefusal(
                                            args.path("filename").asText(null),
                                            "raw",
                                            args.path("read-only-mode").asText(null))
                            == null) {
                // an operator's medium from acl.mediaPaths given without a format: opened as raw
                ObjectNode raw = request.deepCopy();
                ((ObjectNode) raw.get("arguments")).put("format", "raw");
                plan = plan.orElse(new CommandPlan(
                        shown(command, raw),
                        name,
                        Effect.CONTROL,
                        "inserts a raw image from acl.mediaPaths",
                        Route.QMP,
                        command,
                        redacted(command, (ObjectNode) raw.get("arguments")),
                        send.apply(raw),
                        null,
                        null));
            }
            if (command.equals("screendump")
                    && args != null
                    && effects.confinement().screendumpDir().isPresent()) {
                plan = plan.orElse(confinedScreendump(request, args, vm, send));
            }
            return plan;
        }

        /** An operator's screendump with {@code acl.screendumpDir}: into it, under a name monmux picks. */
        private CommandPlan confinedScreendump(
                ObjectNode request, ObjectNode args, String vm, Function<ObjectNode, CommandPlan.Action> send) {
            ObjectNode moved = request.deepCopy();
            String format = args.path("format").asText(null);
            ((ObjectNode) moved.get("arguments"))
                    .put(
                            "filename",
                            effects.confinement()
                                    .newScreendump(vm == null ? "screen" : vm, format)
                                    .toString());
            return new CommandPlan(
                    shown("screendump", moved),
                    "screendump",
                    Effect.CONTROL,
                    "writes a screenshot into acl.screendumpDir",
                    Route.QMP,
                    "screendump",
                    redacted("screendump", (ObjectNode) moved.get("arguments")),
                    send.apply(moved),
                    null,
                    null);
        }

        /** Judged, shown and guarded by its HMP line; a line QEMU's table lacks is answered as QEMU would. */
        private CommandPlan humanMonitorCommand(
                ObjectNode request,
                ObjectNode args,
                String vm,
                Function<ObjectNode, CommandPlan.Action> send,
                Function<ObjectNode, CommandResult> render) {
            String inner = args == null ? "" : args.path("command-line").asText("");
            Integer cpu = args != null && args.path("cpu-index").canConvertToInt()
                    ? args.path("cpu-index").asInt()
                    : null;
            ObjectNode audited = redacted("human-monitor-command", args);
            if (inner.isBlank()) {
                return new CommandPlan(
                        shown("human-monitor-command", request),
                        "human-monitor-command",
                        Effect.QUERY,
                        "does nothing",
                        Route.QMP,
                        "human-monitor-command",
                        audited,
                        send.apply(request),
                        null,
                        null);
            }
            CommandPlan line = hmp.plan(inner, cpu, vm);
            CommandPlan plan = new CommandPlan(
                    shown("human-monitor-command", request),
                    "human-monitor-command",
                    line.effect(),
                    line.why(),
                    Route.QMP,
                    "human-monitor-command",
                    audited,
                    send.apply(request),
                    line.secretObject(),
                    null);
            // a line that names no command or does not parse: answered as QEMU would, for non-admins
            if (line.restricted() != null && line.restricted().qmpCommand() == null) {
                String text = line.restricted().run(null).join().text();
                ObjectNode reply = QmpJson.object().put("return", text);
                if (request.has("id")) {
                    reply.set("id", request.get("id"));
                }
                CommandResult local = render.apply(reply);
                plan = plan.orElse(CommandPlan.answered(
                                shown("human-monitor-command", request),
                                "human-monitor-command",
                                Effect.QUERY,
                                Route.QMP,
                                new CommandResult(
                                        local.text(),
                                        Outcome.ERROR,
                                        null,
                                        line.restricted().why()))
                        .because(line.restricted().why()));
            }
            return plan;
        }

        private static Classification classOf(CommandPlan p) {
            return new Classification(p.effect(), p.why());
        }

        /** The request as others may see it: compact JSON, secrets redacted. */
        private String shown(String command, ObjectNode request) {
            ObjectNode copy = request.deepCopy();
            if (copy.get("arguments") instanceof ObjectNode a) {
                copy.set("arguments", redacted(command, a));
            }
            return QmpJson.compact(copy);
        }

        private ObjectNode redacted(String command, ObjectNode args) {
            return Secrets.redactQmp(command, args, this::shownLine);
        }

        /** The line inside a human-monitor-command, as others may see it. */
        private String shownLine(String line) {
            String shown = hmp.plan(line, null).shown();
            return shown != null ? shown : "[not recorded: the line did not parse]";
        }
    }

    private static String boundedName(String command) {
        return command.matches("[a-z][a-zA-Z0-9_-]{0,63}") ? command : "unknown";
    }
}
