package dev.monmux.testing;

import dev.monmux.command.Actor;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The audit log (or any observer) made slow at random: half the start records complete as the
 * real observer completes them, the other half up to {@code maxDelay} later, on another thread.
 * A command whose record is late must still reach QEMU before the commands typed after it.
 */
public final class RandomlySlowObserver implements CommandObserver, AutoCloseable {
    private final CommandObserver inner;
    private final long maxDelayMicros;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-audit");
        t.setDaemon(true);
        return t;
    });

    public RandomlySlowObserver(CommandObserver inner, Duration maxDelay) {
        this.inner = inner;
        this.maxDelayMicros = Math.max(1, maxDelay.toNanos() / 1000);
    }

    @Override
    public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
        CompletableFuture<Void> f = inner.started(actor, vm, plan);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (r.nextBoolean()) {
            return f;
        }
        long delay = r.nextLong(maxDelayMicros);
        return f.thenCompose(x -> {
            CompletableFuture<Void> late = new CompletableFuture<>();
            timer.schedule(() -> late.complete(null), delay, TimeUnit.MICROSECONDS);
            return late;
        });
    }

    @Override
    public CompletableFuture<Void> finished(
            Actor actor, String vm, CommandPlan plan, CommandResult result, Duration latency) {
        return inner.finished(actor, vm, plan, result, latency);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
