package dev.monmux.command;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The order in which one client's commands reach QEMU: the order the client sent them. Each
 * request takes a {@link Turn} when it starts; its command is handed to the VM's link only once
 * every earlier request has handed over its own, or has finished without sending anything. What
 * happens before the send (the audit record, a confirmation question) may complete in any order:
 * a line whose record is written first still waits for the lines typed before it.
 *
 * <p>Confined to the client's event loop.
 */
public final class SendOrder {
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    /** The next request's turn: due once every turn taken before it has passed. */
    public Turn next() {
        Turn t = new Turn(tail);
        tail = t.passed;
        return t;
    }

    /** One request's place in the order. */
    public static final class Turn {
        private final CompletableFuture<Void> previous;
        private final CompletableFuture<Void> passed = new CompletableFuture<>();

        private Turn(CompletableFuture<Void> previous) {
            this.previous = previous;
        }

        /** A turn that is due at once and holds nobody back (QMP out-of-band requests). */
        public static Turn unordered() {
            return new SendOrder().next();
        }

        /**
         * Runs {@code send} on {@code loop} once every earlier turn has passed, then passes this
         * one. {@code send} must hand its command to the link before it returns (the link keeps
         * the order from there on).
         */
        public <T> CompletableFuture<T> send(Executor loop, Supplier<CompletableFuture<T>> send) {
            CompletableFuture<T> result = new CompletableFuture<>();
            previous.whenComplete((ignored, never) -> {
                Runnable go = () -> {
                    CompletableFuture<T> f;
                    try {
                        f = send.get();
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    } finally {
                        pass();
                    }
                    f.whenComplete((r, err) -> {
                        if (err != null) {
                            result.completeExceptionally(err);
                        } else {
                            result.complete(r);
                        }
                    });
                };
                if (loop instanceof EventExecutor e && e.inEventLoop()) {
                    go.run();
                } else {
                    loop.execute(go);
                }
            });
            return result;
        }

        /**
         * This request sends nothing (more): later ones may go once the earlier ones have.
         * Idempotent; a request that already sent has passed.
         */
        public void pass() {
            if (!passed.isDone()) {
                previous.whenComplete((ignored, never) -> passed.complete(null));
            }
        }

        /** Whether every earlier turn has passed. */
        public boolean due() {
            return previous.isDone();
        }
    }
}
