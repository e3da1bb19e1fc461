package dev.monmux.command;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Several observers as one: {@link #started} asks each in turn (the next only once the previous
 * agreed: the audit log first, so a command it cannot record is refused before anything else
 * counts it), {@link #finished} tells them all and completes when all are done.
 */
public final class CommandObservers implements CommandObserver {
    private final List<CommandObserver> observers;

    private CommandObservers(List<CommandObserver> observers) {
        this.observers = observers;
    }

    public static CommandObserver of(List<CommandObserver> observers) {
        return observers.isEmpty()
                ? NONE
                : observers.size() == 1 ? observers.get(0) : new CommandObservers(List.copyOf(observers));
    }

    @Override
    public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
        CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
        for (CommandObserver o : observers) {
            f = f.thenCompose(x -> o.started(actor, vm, plan));
        }
        return f;
    }

    @Override
    public CompletableFuture<Void> finished(
            Actor actor, String vm, CommandPlan plan, CommandResult result, Duration latency) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[observers.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = observers.get(i).finished(actor, vm, plan, result, latency);
        }
        return CompletableFuture.allOf(all);
    }
}
