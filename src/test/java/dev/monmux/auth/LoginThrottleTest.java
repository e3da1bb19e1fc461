package dev.monmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle t = new LoginThrottle(Duration.ofSeconds(1), Duration.ofSeconds(8),
            Duration.ofMinutes(10), now::get);

    @Test
    void delayDoublesPerFailureUpToTheCap() {
        assertEquals(Duration.ZERO, t.delayBefore("10.0.0.1", "alice"));
        long[] expected = {1, 2, 4, 8, 8, 8};
        for (long e : expected) {
            t.failed("10.0.0.1", "alice");
            assertEquals(Duration.ofSeconds(e), t.delayBefore("10.0.0.1", "alice"));
        }
    }

    @Test
    void countsPerAddressAndPerUserSeparately() {
        t.failed("10.0.0.1", "alice");
        t.failed("10.0.0.1", "alice");
        // Another address guessing the same user is held back too...
        assertEquals(Duration.ofSeconds(2), t.delayBefore("10.0.0.2", "alice"));
        // ...and the same address guessing another user.
        assertEquals(Duration.ofSeconds(2), t.delayBefore("10.0.0.1", "bob"));
        assertEquals(Duration.ZERO, t.delayBefore("10.0.0.2", "bob"));
    }

    @Test
    void successClearsTheUserButNotTheAddress() {
        t.failed("10.0.0.1", "alice");
        t.failed("10.0.0.1", "bob");
        t.succeeded("alice");
        assertEquals(Duration.ZERO, t.delayBefore("10.0.0.9", "alice"));
        assertEquals(2, t.failures("10.0.0.1"));
        assertEquals(Duration.ofSeconds(2), t.delayBefore("10.0.0.1", "alice"));
    }

    @Test
    void quietEntriesAreForgotten() {
        t.failed("10.0.0.1", "alice");
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertEquals(Duration.ZERO, t.delayBefore("10.0.0.1", "alice"));
        t.failed("10.0.0.1", "alice");
        assertEquals(Duration.ofSeconds(1), t.delayBefore("10.0.0.1", "alice"), "counting starts again");
    }
}
