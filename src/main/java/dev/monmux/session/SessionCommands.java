package dev.monmux.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.command.CommandPipeline;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Outcome;
import dev.monmux.command.Route;
import dev.monmux.command.SendOrder;
import dev.monmux.effect.Classification;
import dev.monmux.effect.Effect;
import dev.monmux.qmp.Futures;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpJson;
import dev.monmux.qmp.VmLinkException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a line the operator typed does once it is its turn: a {@code .} command, an HMP line or a
 * raw QMP command, planned for the attached VM's QEMU and run through the command pipeline (gate,
 * audit, send, audit, answer), a dangerous one only after {@code yes} ({@link Confirmation}). It
 * keeps the HMP state QEMU forgets between calls: the CPU selected with {@code cpu N}. Confined
 * to the session's event loop.
 */
final class SessionCommands {
    private static final Logger log = LoggerFactory.getLogger(SessionCommands.class);

    private final OperatorSession session;
    private final SessionContext ctx;
    private final Confirmation confirmation;
    /** The CPU selected with {@code cpu N}; QEMU forgets it after each human-monitor-command. */
    private Integer cpuIndex;

    SessionCommands(OperatorSession session, SessionContext ctx, Confirmation confirmation) {
        this.session = session;
        this.ctx = ctx;
        this.confirmation = confirmation;
    }

    Integer cpuIndex() {
        return cpuIndex;
    }

    /** The session attached to another VM, or none: the selected CPU was that VM's. */
    void forgetCpu() {
        cpuIndex = null;
    }

    /** `cpu N` changes what the following lines mean (their cpu-index): run it alone. */
    static boolean isBarrier(String line) {
        String t = line.strip();
        return t.equals("cpu") || t.startsWith("cpu ") || t.startsWith("cpu\t");
    }

    /** Runs {@code line} in its {@code turn}; {@code shuttingDown}: monmux is stopping. */
    CompletableFuture<String> run(String line, SendOrder.Turn turn, boolean shuttingDown) {
        if (shuttingDown) {
            return done("Error: monmux is shutting down\r\n");
        }
        String t = line.strip();
        if (t.isEmpty()) {
            return done("");
        }
        if (t.startsWith(".")) {
            return ctx.builtins().runAsync(session, t);
        }
        if (session.attached() == null) {
            return done("Error: no VM attached; type '.attach NAME' ('.vms' lists them)\r\n");
        }
        if (t.startsWith("{")) {
            return rawQmp(t, turn);
        }
        return hmp(line, turn);
    }

    private CompletableFuture<String> hmp(String line, SendOrder.Turn turn) {
        Integer selected = parseCpu(line);
        return execute(
                        ctx.hmp()
                                .forVm(session.attached().link())
                                .plan(line, cpuIndex, session.attached().name()),
                        turn)
                .thenApply(out -> {
                    if (selected != null && out.isEmpty()) {
                        // QEMU forgets `cpu N` after each human-monitor-command; remember it for later calls.
                        cpuIndex = selected;
                    }
                    return out;
                });
    }

    /**
     * Gate, audit, send, audit, answer: the command is sent only once its start is recorded, and
     * its output is printed only once its outcome is.
     */
    private CompletableFuture<String> execute(CommandPlan plan, SendOrder.Turn turn) {
        SharedVm vm = session.attached();
        // Only commands known to be dangerous are confirmed: a typo ('unknown') or a command of a newer
        // QEMU that monmux has no class for goes to QEMU (admins only), as at QEMU's own prompt.
        if (plan.effect() == Effect.DANGEROUS
                && !"unknown".equals(plan.name())
                && !Classification.UNKNOWN.equals(plan.why())
                && ctx.access().confirmDangerous()
                && session.console().interactive()
                && ctx.gate().refuse(session.actor(), vm.name(), plan).isEmpty()) {
            CompletableFuture<Boolean> answer = confirmation.ask();
            String what = confirmName(plan);
            session.console().ask("", "Really " + what + " VM '" + vm.name() + "'? (yes/no) ", false);
            // Asked again after the answer: a lock may have been taken meanwhile.
            return answer.thenCompose(yes -> yes && !session.isClosed() && session.attached() == vm
                    ? gateAndRun(plan, vm, turn)
                    : done("'" + what + "' was not run\r\n"));
        }
        return gateAndRun(plan, vm, turn);
    }

    /** What the question names: the command, or the HMP command a raw {@code human-monitor-command} wraps. */
    private String confirmName(CommandPlan plan) {
        if ("human-monitor-command".equals(plan.qmpCommand())
                && plan.path() == Route.QMP
                && plan.qmpArguments() != null
                && plan.qmpArguments().path("command-line").isTextual()) {
            return ctx.hmp()
                    .forVm(session.attached().link())
                    .plan(plan.qmpArguments().path("command-line").asText(), null)
                    .name();
        }
        return plan.name();
    }

    private CompletableFuture<String> gateAndRun(CommandPlan plan, SharedVm vm, SendOrder.Turn turn) {
        return new CommandPipeline(ctx.gate(), ctx.observer())
                .run(
                        session.actor(),
                        vm.link(),
                        plan,
                        session.loop(),
                        HMP_WORDING,
                        turn,
                        p -> vm.announceCommand(session.who(), p, session));
    }

    /** monmux's own refusals, as one HMP-style line. */
    private static final CommandPipeline.Wording HMP_WORDING = new CommandPipeline.Wording() {
        @Override
        public CommandResult denied(String reason) {
            return new CommandResult(reason + "\r\n", Outcome.DENIED, null, reason);
        }

        @Override
        public CommandResult refused(String reason) {
            return CommandResult.refused(Outcome.REFUSED, reason);
        }
    };

    private static Integer parseCpu(String line) {
        String t = line.strip();
        if (!t.startsWith("cpu")) {
            return null; // the common case, without a regex split per line
        }
        String[] w = t.split("\\s+");
        if (w.length == 2 && w[0].equals("cpu")) {
            try {
                return Integer.valueOf(w[1]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private CompletableFuture<String> rawQmp(String text, SendOrder.Turn turn) {
        QmpEndpoint link = session.attached().link();
        RawQmpLine raw =
                RawQmpLine.read(text, link.greeting() != null && link.greeting().offers("oob"));
        if (raw.error() != null) {
            return done(raw.error());
        }
        return execute(
                ctx.qmp()
                        .plan(
                                raw.request(),
                                link,
                                req -> vm -> vm.execute(req).thenApply(SessionCommands::qmpResult),
                                SessionCommands::qmpResult),
                turn);
    }

    private static CommandResult qmpResult(ObjectNode reply) {
        return CommandResult.ofReply(QmpJson.pretty(reply) + "\r\n", reply);
    }

    /** The answer for a line whose future failed unexpectedly (a bug, logged). */
    String failed(Throwable err) {
        Throwable t = Futures.cause(err);
        if (t instanceof VmLinkException) {
            return "Error: " + t.getMessage() + "\r\n";
        }
        log.error("session {}: unexpected failure", session.id(), t);
        return "Error: internal error in monmux; see the monmux log\r\n";
    }

    private static CompletableFuture<String> done(String s) {
        return CompletableFuture.completedFuture(s);
    }
}
