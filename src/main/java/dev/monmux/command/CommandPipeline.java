package dev.monmux.command;

import dev.monmux.effect.Effect;
import dev.monmux.qmp.Futures;
import dev.monmux.qmp.InOrder;
import dev.monmux.qmp.QmpEndpoint;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command contract every front end follows, in one place: ask the gate, record the start,
 * send, record the outcome, then answer.
 *
 * <ul>
 *   <li>A plan the actor's role does not allow may have a lesser form that it does (an
 *       operator's screenshot into {@code acl.screendumpDir}; a viewer's unknown command,
 *       answered as QEMU would): that form is what runs, and what is recorded.</li>
 *   <li>The command is sent only once its start is recorded and only in its turn, after every
 *       command the client sent before it ({@link SendOrder}).</li>
 *   <li>A command that reads an object's properties is guarded, for those who may not read
 *       secrets, by asking QEMU first whether the object is a secret ({@link SecretReads}).</li>
 *   <li>The answer is released only once its outcome is recorded.</li>
 * </ul>
 *
 * Every step after an observer continues on the client's own event loop (the audit log
 * completes its futures on its writer thread, which must never end up sending commands or
 * writing to clients).
 */
public final class CommandPipeline {
    private static final Logger log = LoggerFactory.getLogger(CommandPipeline.class);

    /** How a front end words what monmux itself decided (HMP text, or a QMP error reply). */
    public interface Wording {
        /** The gate refused: {@code permission denied: ...}, or a lock. */
        CommandResult denied(String reason);

        /** An observer could not record the start (audit log unavailable). */
        CommandResult refused(String reason);
    }

    private final CommandGate gate;
    private final CommandObserver observer;

    public CommandPipeline(CommandGate gate, CommandObserver observer) {
        this.gate = gate;
        this.observer = observer;
    }

    /**
     * @param link     the VM's link
     * @param loop     the client's event loop
     * @param turn     the request's place in the client's order; passed once the command is sent
     *                 (or will not be)
     * @param announce tells the VM's other operators, just before the command is sent
     * @return the text for the client
     */
    public CompletableFuture<String> run(
            Actor actor,
            QmpEndpoint link,
            CommandPlan plan,
            Executor loop,
            Wording wording,
            SendOrder.Turn turn,
            Consumer<CommandPlan> announce) {
        return result(actor, link, plan, loop, wording, turn, announce).thenApply(CommandResult::text);
    }

    /**
     * As {@link #run(Actor, QmpEndpoint, CommandPlan, Executor, Wording, SendOrder.Turn, Consumer)},
     * completing with the whole result (its outcome too, for {@code monmux ctl}'s exit status).
     */
    public CompletableFuture<CommandResult> result(
            Actor actor,
            QmpEndpoint link,
            CommandPlan plan,
            Executor loop,
            Wording wording,
            SendOrder.Turn turn,
            Consumer<CommandPlan> announce) {
        String vm = link.name();
        return result(actor, vm, plan, loop, wording, turn, p -> {
            InOrder.Precheck guard = p.secretObject() != null && !gate.reaches(actor, vm, Effect.SECRET)
                    ? SecretReads.guard(p.secretObject(), vm)
                    : null;
            announce.accept(p);
            return p.run(InOrder.caller(link, loop, guard));
        });
    }

    /**
     * As above, with the send left to {@code send} (called on {@code loop}, only if the gate and
     * the observer let the command through, and only in its turn); it must hand the command to
     * the link before it returns.
     */
    public CompletableFuture<String> run(
            Actor actor,
            String vm,
            CommandPlan planned,
            Executor loop,
            Wording wording,
            SendOrder.Turn turn,
            Function<CommandPlan, CompletableFuture<CommandResult>> send) {
        return result(actor, vm, planned, loop, wording, turn, send).thenApply(CommandResult::text);
    }

    private CompletableFuture<CommandResult> result(
            Actor actor,
            String vm,
            CommandPlan planned,
            Executor loop,
            Wording wording,
            SendOrder.Turn turn,
            Function<CommandPlan, CompletableFuture<CommandResult>> send) {
        long t0 = System.nanoTime();
        Optional<String> refusal = gate.refuse(actor, vm, planned);
        CommandPlan plan = planned;
        if (refusal.isPresent()
                && planned.restricted() != null
                && gate.refuse(actor, vm, planned.restricted()).isEmpty()) {
            plan = planned.restricted();
            refusal = Optional.empty();
        }
        CommandPlan p = plan;
        CompletableFuture<CommandResult> result;
        if (refusal.isPresent()) {
            turn.pass();
            result = CompletableFuture.completedFuture(wording.denied(refusal.get()));
        } else {
            result = on(loop, observer.started(actor, vm, p))
                    .handle((ok, err) -> err)
                    .thenCompose(err -> {
                        if (err == null) {
                            return turn.send(loop, () -> send.apply(p));
                        }
                        turn.pass();
                        return CompletableFuture.completedFuture(
                                wording.refused("command refused: " + rootMessage(err)));
                    });
        }
        return result.thenCompose(r -> on(
                        loop, observer.finished(actor, vm, p, r, Duration.ofNanos(System.nanoTime() - t0)))
                .handle((ok, err) -> {
                    if (err != null) {
                        log.warn(
                                "session {}: outcome of '{}' not recorded: {}",
                                actor.sessionId(),
                                p.name(),
                                rootMessage(err));
                    }
                    return r;
                }));
    }

    /** {@code f}, continued on {@code loop} unless it is already done. */
    static <T> CompletableFuture<T> on(Executor loop, CompletableFuture<T> f) {
        if (f.isDone()) {
            return f;
        }
        CompletableFuture<T> r = new CompletableFuture<>();
        f.whenComplete((v, e) -> loop.execute(() -> {
            if (e != null) {
                r.completeExceptionally(e);
            } else {
                r.complete(v);
            }
        }));
        return r;
    }

    /** The message of a failure, without CompletionException's wrapping. */
    public static String rootMessage(Throwable err) {
        Throwable t = Futures.cause(err);
        return t.getMessage() == null ? "unexpected failure (see the monmux log)" : t.getMessage();
    }
}
