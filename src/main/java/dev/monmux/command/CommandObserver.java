package dev.monmux.command;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Watches every command a client runs (audit log, metrics). Both calls are made on the client's
 * event loop and must not block it; the returned futures say when the observer is done.
 */
public interface CommandObserver {
    /**
     * The command is about to be sent. The command is sent only once the future completes; if it
     * fails, the command is refused with the failure's message.
     */
    default CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The command ended (also when denied or refused, then without {@link #started}). The
     * result reaches the client only once the future completes.
     */
    default CompletableFuture<Void> finished(
            Actor actor, String vm, CommandPlan plan, CommandResult result, Duration latency) {
        return CompletableFuture.completedFuture(null);
    }

    CommandObserver NONE = new CommandObserver() {};
}
