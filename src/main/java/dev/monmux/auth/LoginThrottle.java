package dev.monmux.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: after failed logins from an address or for a user, the next
 * attempt is held back {@code baseDelay}, then twice that, ... up to {@code maxDelay}. The
 * caller schedules the wait (an event loop never sleeps). Counts are kept per remote host and
 * per user name, forgotten once quiet for {@code forgetAfter}, and bounded in number.
 */
public final class LoginThrottle {
    private static final int MAX_ENTRIES = 10_000;

    private record Failures(int count, long lastNanos) {
    }

    private final long baseNanos;
    private final long maxNanos;
    private final long forgetNanos;
    private final LongSupplier clock;
    private final Map<String, Failures> byHost = new ConcurrentHashMap<>();
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();

    public LoginThrottle(Duration baseDelay, Duration maxDelay, Duration forgetAfter, LongSupplier nanoClock) {
        this.baseNanos = baseDelay.toNanos();
        this.maxNanos = Math.max(maxDelay.toNanos(), baseNanos);
        this.forgetNanos = forgetAfter.toNanos();
        this.clock = nanoClock;
    }

    public LoginThrottle(Duration baseDelay, Duration maxDelay) {
        this(baseDelay, maxDelay, maxDelay.multipliedBy(10).plusMinutes(5), System::nanoTime);
    }

    /** How long to hold back the next attempt from {@code host} for {@code user}. */
    public Duration delayBefore(String host, String user) {
        long now = clock.getAsLong();
        return Duration.ofNanos(Math.max(delay(byHost, host, now), delay(byUser, user, now)));
    }

    public void failed(String host, String user) {
        long now = clock.getAsLong();
        bump(byHost, host, now);
        bump(byUser, user, now);
    }

    /**
     * A correct password clears the user's count. The address keeps its count (until it goes
     * quiet), so one valid account cannot be used to reset the guessing of others.
     */
    public void succeeded(String user) {
        byUser.remove(user);
    }

    /** Failures counted for an address now (for tests and .who-style diagnostics). */
    public int failures(String host) {
        Failures f = byHost.get(host);
        return f == null || expired(f, clock.getAsLong()) ? 0 : f.count();
    }

    private long delay(Map<String, Failures> map, String key, long now) {
        Failures f = map.get(key);
        if (f == null || f.count() == 0 || expired(f, now)) {
            return 0;
        }
        int shift = Math.min(f.count() - 1, 30);
        long d = baseNanos << shift;
        return d < 0 || d > maxNanos ? maxNanos : d;
    }

    private void bump(Map<String, Failures> map, String key, long now) {
        map.compute(key, (k, f) -> f == null || expired(f, now) ? new Failures(1, now)
                : new Failures(f.count() + 1, now));
        if (map.size() > MAX_ENTRIES) {
            evict(map, now);
        }
    }

    private boolean expired(Failures f, long now) {
        return now - f.lastNanos() > forgetNanos;
    }

    /** Drops quiet entries, then the oldest, so a flood of names cannot grow memory without bound. */
    private void evict(Map<String, Failures> map, long now) {
        map.values().removeIf(f -> expired(f, now));
        Iterator<Map.Entry<String, Failures>> it = map.entrySet().iterator();
        while (map.size() > MAX_ENTRIES && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
