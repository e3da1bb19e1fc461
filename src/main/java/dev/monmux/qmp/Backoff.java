package dev.monmux.qmp;

import java.time.Duration;

/** Exponential reconnect delay: initial, doubling, capped; reset after a successful handshake. */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.nextMillis = initialMillis;
    }

    /** The delay before the next attempt; each call doubles the following one up to the cap. */
    public long nextDelayMillis() {
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return d;
    }

    public void reset() {
        nextMillis = initialMillis;
    }
}
