package dev.monmux.command;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command contract every front end follows, in one place: ask the gate, record the start,
 * send, record the outcome, then answer. The command is sent only once its start is recorded,
 * and the answer is released only once its outcome is; every step after an observer continues
 * on the client's own event loop (the audit log completes its futures on its writer thread,
 * which must never end up sending commands or writing to clients).
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
     * @param loop the client's event loop
     * @param send sends the planned command (called on {@code loop}, only if the gate and the
     *             observer let it through)
     * @return the text for the client
     */
    public CompletableFuture<String> run(Actor actor, String vm, CommandPlan plan, Executor loop, Wording wording,
                                         Function<CommandPlan, CompletableFuture<CommandResult>> send) {
        long t0 = System.nanoTime();
        Optional<String> refusal = gate.refuse(actor, vm, plan);
        CompletableFuture<CommandResult> result;
        if (refusal.isPresent()) {
            result = CompletableFuture.completedFuture(wording.denied(refusal.get()));
        } else {
            result = on(loop, observer.started(actor, vm, plan)).handle((ok, err) -> err)
                    .thenCompose(err -> err == null ? send.apply(plan)
                            : CompletableFuture.completedFuture(wording.refused("command refused: " + rootMessage(err))));
        }
        return result.thenCompose(r -> on(loop, observer.finished(actor, vm, plan, r,
                        Duration.ofNanos(System.nanoTime() - t0)))
                .handle((ok, err) -> {
                    if (err != null) {
                        log.warn("session {}: outcome of '{}' not recorded: {}", actor.sessionId(), plan.name(),
                                rootMessage(err));
                    }
                    return r.text();
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
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
