package dev.monmux.auth;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing. Every attempt counts as a failure from the moment its password is
 * submitted until it is settled, so guesses sent at once over many connections queue behind one
 * another instead of all being checked at once.
 *
 * <ul>
 *   <li><b>Per address</b>: after {@code n} failures (or attempts waiting to be checked) from a
 *       host, its next attempt is checked no sooner than {@code baseDelay · 2^(n-1)} (at most
 *       {@code maxDelay}) after the one before it. Parallel guesses from one host are spaced out
 *       like consecutive ones.</li>
 *   <li><b>Per user</b>: failures for a user name hold back attempts for that name from any
 *       address, by the same doubling, but never more than {@code maxUserDelay} and without
 *       queueing: someone guessing an admin's password elsewhere delays the admin by seconds,
 *       not minutes.</li>
 *   <li>At most {@link #MAX_WAITING_PER_ADDRESS} attempts of an address wait for their turn;
 *       further ones are turned away without counting ({@link #begin} returns null).</li>
 *   <li>An attempt whose client leaves before it is checked is withdrawn: it was never checked,
 *       it tells the guesser nothing, and its place in the queue is given back (a flood of
 *       abandoned guesses cannot lock an address out). A correct password clears the user's count
 *       and takes back its own provisional failure; the address keeps its past failures (one
 *       valid account must not reset the guessing of others). Counts are forgotten once quiet for
 *       {@code forgetAfter}, and bounded in number.</li>
 * </ul>
 *
 * The caller schedules the wait (an event loop never sleeps) and tells the client.
 */
public final class LoginThrottle {
    private static final int MAX_ENTRIES = 10_000;
    /**
     * Attempts one address may have waiting for their turn at once. More are turned away, not
     * queued: clients that stay connected (or half-closed, as scripts do) with a guess each would
     * otherwise push the address's next turn out by the maximum delay each, for as long as they
     * like, and lock everyone at that address out.
     */
    public static final int MAX_WAITING_PER_ADDRESS = 3;

    /** One key's settled failures, its attempts still waiting (by the time they are due), and when it was last active. */
    private static final class Entry {
        int settledFailures;
        long lastSettledSlot = Long.MIN_VALUE;
        /** Attempts waiting, counted by the time they are due. */
        final TreeMap<Long, Integer> waiting = new TreeMap<>();

        long lastActivity;
        boolean logged;

        int failures() {
            return settledFailures + waitingFrom(Long.MIN_VALUE);
        }

        /** Attempts waiting that are due after {@code time}. */
        int waitingFrom(long time) {
            int n = 0;
            for (int k : waiting.tailMap(time, false).values()) {
                n += k;
            }
            return n;
        }

        /** When the latest attempt, waiting or settled, is (or was) checked. */
        long lastSlot() {
            return waiting.isEmpty() ? lastSettledSlot : Math.max(lastSettledSlot, waiting.lastKey());
        }

        void addWaiting(long slot) {
            waiting.merge(slot, 1, Integer::sum);
        }

        void removeWaiting(long slot) {
            waiting.computeIfPresent(slot, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** One submitted password: how long to wait before checking it, and how it turned out. */
    public final class Attempt {
        private final String host;
        private final String user;
        private final long slot;
        private final Duration delay;
        private final boolean newlyThrottled;
        private boolean settled;

        private Attempt(String host, String user, long slot, Duration delay, boolean newlyThrottled) {
            this.host = host;
            this.user = user;
            this.slot = slot;
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
            settle(false, true);
        }

        /** The password was wrong (or could not be checked): it counts. */
        public void failed() {
            settle(true, false);
        }

        /**
         * The password was never checked (the client left first, or monmux was too busy): it does
         * not count, and later attempts need not wait for it.
         */
        public void withdrawn() {
            settle(false, false);
        }

        private void settle(boolean failure, boolean rightPassword) {
            synchronized (LoginThrottle.this) {
                if (settled) {
                    return;
                }
                settled = true;
                Entry h = byHost.get(host);
                if (h != null) {
                    h.removeWaiting(slot);
                    if (failure) {
                        h.settledFailures++;
                        h.lastSettledSlot = Math.max(h.lastSettledSlot, slot);
                    }
                }
                Entry u = byUser.get(user);
                if (u != null) {
                    u.removeWaiting(slot);
                    if (rightPassword) {
                        byUser.remove(user);
                    } else if (failure) {
                        u.settledFailures++;
                    }
                }
            }
        }
    }

    private final long baseNanos;
    private final long maxNanos;
    private final long maxUserNanos;
    private final long forgetNanos;
    private final LongSupplier clock;
    private final Map<String, Entry> byHost = new LinkedHashMap<>();
    private final Map<String, Entry> byUser = new LinkedHashMap<>();

    public LoginThrottle(
            Duration baseDelay,
            Duration maxDelay,
            Duration maxUserDelay,
            Duration forgetAfter,
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
     * a failure until it is settled. Returns null when the address already has
     * {@link #MAX_WAITING_PER_ADDRESS} attempts waiting for their turn (turn it away).
     */
    public synchronized Attempt begin(String host, String user) {
        long now = clock.getAsLong();
        Entry h = entry(byHost, host, now);
        if (h.waitingFrom(now) >= MAX_WAITING_PER_ADDRESS) {
            return null;
        }
        Entry u = entry(byUser, user, now);
        long hostSlot = h.failures() == 0 ? now : Math.max(now, h.lastSlot() + delay(h.failures(), maxNanos));
        long userWait = u.failures() == 0 ? 0 : delay(u.failures(), maxUserNanos);
        long slot = Math.max(hostSlot, now + userWait);
        boolean newly = slot > now && !h.logged;
        h.logged |= newly;
        h.addWaiting(slot);
        h.lastActivity = now;
        u.addWaiting(slot);
        u.lastActivity = now;
        evict(byHost, now);
        evict(byUser, now);
        return new Attempt(host, user, slot, Duration.ofNanos(slot - now), newly);
    }

    /** Failures (and attempts waiting to be checked) counted for an address now. */
    public synchronized int failures(String host) {
        Entry e = byHost.get(host);
        return e == null || expired(e, clock.getAsLong()) ? 0 : e.failures();
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
        return e.waiting.isEmpty() && now - e.lastActivity > forgetNanos;
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
