package dev.monmux.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing. Every attempt counts as a failure from the moment its password is
 * submitted until it turns out right, so guesses sent at once over many connections queue behind
 * one another instead of all being checked at once.
 *
 * <ul>
 *   <li><b>Per address</b>: after {@code n} failures (or attempts still being checked) from a
 *       host, its next attempt is checked no sooner than {@code baseDelay · 2^(n-1)} (at most
 *       {@code maxDelay}) after the one before it. Parallel guesses from one host are spaced out
 *       like consecutive ones.</li>
 *   <li><b>Per user</b>: failures for a user name hold back attempts for that name from any
 *       address, by the same doubling, but never more than {@code maxUserDelay} and without
 *       queueing: someone guessing an admin's password elsewhere delays the admin by seconds,
 *       not minutes.</li>
 *   <li>A correct password clears the user's count and takes back its own provisional failure;
 *       the address keeps its past failures (one valid account must not reset the guessing of
 *       others). Counts are forgotten once quiet for {@code forgetAfter}, and bounded in number.</li>
 * </ul>
 *
 * The caller schedules the wait (an event loop never sleeps) and tells the client.
 */
public final class LoginThrottle {
    private static final int MAX_ENTRIES = 10_000;

    /** One key's failures (past and pending), and when its last attempt was (or will be) checked. */
    private static final class Entry {
        int failures;
        long lastSlot;
        long lastActivity;
        boolean logged;
    }

    /** One submitted password: how long to wait before checking it, and how it turned out. */
    public final class Attempt {
        private final String host;
        private final String user;
        private final Duration delay;
        private final boolean newlyThrottled;
        private boolean settled;

        private Attempt(String host, String user, Duration delay, boolean newlyThrottled) {
            this.host = host;
            this.user = user;
            this.delay = delay;
            this.newlyThrottled = newlyThrottled;
        }

        /** How long the check is held back (zero: check now). */
        public Duration delay() {
            return delay;
        }

        /** Whether this is the first attempt held back from its address since it went quiet (to log once). */
        public boolean newlyThrottled() {
            return newlyThrottled;
        }

        /** The password was right: its provisional failure is taken back and the user's count cleared. */
        public void succeeded() {
            settle(true, true);
        }

        /** The password was never checked (monmux was too busy): it does not count. */
        public void withdrawn() {
            settle(true, false);
        }

        /** The password was wrong (or the client left before it was checked): it stays counted. */
        public void failed() {
            settle(false, false);
        }

        private void settle(boolean takeBack, boolean clearUser) {
            synchronized (LoginThrottle.this) {
                if (settled) {
                    return;
                }
                settled = true;
                if (takeBack) {
                    uncount(byHost.get(host));
                    if (clearUser) {
                        byUser.remove(user);
                    } else {
                        uncount(byUser.get(user));
                    }
                }
            }
        }
    }

    private static void uncount(Entry e) {
        if (e != null && e.failures > 0) {
            e.failures--;
        }
    }

    private final long baseNanos;
    private final long maxNanos;
    private final long maxUserNanos;
    private final long forgetNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> byHost = new LinkedHashMap<>();
    private final Map<String, Entry> byUser = new LinkedHashMap<>();

    public LoginThrottle(Duration baseDelay, Duration maxDelay, Duration maxUserDelay, Duration forgetAfter,
                         LongSupplier nanoClock) {
        this.baseNanos = baseDelay.toNanos();
        this.maxNanos = Math.max(maxDelay.toNanos(), baseNanos);
        this.maxUserNanos = Math.min(maxUserDelay.toNanos(), maxNanos);
        this.forgetNanos = forgetAfter.toNanos();
        this.clock = nanoClock;
    }

    public LoginThrottle(Duration baseDelay, Duration maxDelay, Duration maxUserDelay) {
        this(baseDelay, maxDelay, maxUserDelay, maxDelay.multipliedBy(10).plusMinutes(5), System::nanoTime);
    }

    /**
     * A password was submitted by {@code host} for {@code user}: reserves its place. It counts as
     * a failure until {@link Attempt#succeeded}.
     */
    public synchronized Attempt begin(String host, String user) {
        long now = clock.getAsLong();
        Entry h = entry(byHost, host, now);
        Entry u = entry(byUser, user, now);
        long hostSlot = h.failures == 0 ? now : Math.max(now, h.lastSlot + delay(h.failures, maxNanos));
        long userWait = u.failures == 0 ? 0 : delay(u.failures, maxUserNanos);
        long slot = Math.max(hostSlot, now + userWait);
        boolean newly = slot > now && !h.logged;
        h.logged |= newly;
        h.failures++;
        h.lastSlot = slot;
        h.lastActivity = now;
        u.failures++;
        u.lastSlot = slot;
        u.lastActivity = now;
        evict(byHost, now);
        evict(byUser, now);
        return new Attempt(host, user, Duration.ofNanos(slot - now), newly);
    }

    /** Failures (and attempts being checked) counted for an address now. */
    public synchronized int failures(String host) {
        Entry e = byHost.get(host);
        return e == null || expired(e, clock.getAsLong()) ? 0 : e.failures;
    }

    private long delay(int failures, long cap) {
        int shift = Math.min(failures - 1, 30);
        long d = baseNanos << shift;
        return d < 0 || d > cap ? cap : d;
    }

    private Entry entry(Map<String, Entry> map, String key, long now) {
        Entry e = map.get(key);
        if (e == null || expired(e, now)) {
            e = new Entry();
            map.remove(key);
            map.put(key, e);
        }
        return e;
    }

    private boolean expired(Entry e, long now) {
        return now - e.lastActivity > forgetNanos && now > e.lastSlot;
    }

    /** Drops quiet entries, then the oldest, so a flood of names cannot grow memory without bound. */
    private void evict(Map<String, Entry> map, long now) {
        if (map.size() <= MAX_ENTRIES) {
            return;
        }
        map.values().removeIf(e -> expired(e, now));
        Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
        while (map.size() > MAX_ENTRIES && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
