package dev.monmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle t = new LoginThrottle(
            Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(2), Duration.ofMinutes(10), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void consecutiveFailuresFromOneAddressDoubleTheWaitUpToTheCap() {
        long[] expected = {0, 1, 2, 4, 8, 8, 8};
        for (long e : expected) {
            LoginThrottle.Attempt a = t.begin("10.0.0.1", "user" + e);
            assertEquals(Duration.ofSeconds(e), a.delay());
            advance(a.delay());
            a.failed();
        }
    }

    @Test
    void guessesSentAtOnceQueueBehindOneAnotherAndTheRestAreTurnedAway() {
        // 50 connections each send one password before any check completed.
        List<LoginThrottle.Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            attempts.add(t.begin("10.0.0.66", "root"));
        }
        assertEquals(Duration.ZERO, attempts.get(0).delay());
        assertEquals(Duration.ofSeconds(1), attempts.get(1).delay());
        assertEquals(Duration.ofSeconds(3), attempts.get(2).delay(), "1 s after the second, 2 s after that");
        assertEquals(Duration.ofSeconds(7), attempts.get(3).delay());
        for (int i = 4; i < 50; i++) {
            assertEquals(null, attempts.get(i), "only " + LoginThrottle.MAX_WAITING_PER_ADDRESS + " may wait");
        }
        attempts.get(0).failed();
        attempts.get(1).failed();
        advance(Duration.ofSeconds(3));
        assertTrue(t.begin("10.0.0.66", "root") != null, "room again once the waiting ones had their turn");
    }

    @Test
    void aUserIsDelayedOnlyBrieflyByFailuresFromAnotherAddress() {
        for (int i = 0; i < 20; i++) {
            t.begin("10.0.0.66", "root").failed();
        }
        LoginThrottle.Attempt real = t.begin("10.0.0.5", "root");
        assertEquals(Duration.ofSeconds(2), real.delay(), "the user's cap, not the attacker's minutes");
        real.succeeded();
        assertEquals(Duration.ZERO, t.begin("10.0.0.5", "root").delay(), "a right password clears the user");
        assertEquals(Duration.ZERO, t.begin("10.0.0.7", "bob").delay(), "others are untouched");
    }

    @Test
    void aRightPasswordTakesBackItsOwnCountButNotTheAddresssFailures() {
        t.begin("10.0.0.1", "alice").failed();
        t.begin("10.0.0.1", "bob").failed();
        LoginThrottle.Attempt ok = t.begin("10.0.0.1", "alice");
        ok.succeeded();
        assertEquals(2, t.failures("10.0.0.1"));
        LoginThrottle.Attempt busy = t.begin("10.0.0.9", "carol");
        busy.withdrawn();
        assertEquals(0, t.failures("10.0.0.9"), "an attempt never checked does not count");
    }

    @Test
    void theFirstHeldBackAttemptOfAnEpisodeIsMarkedForTheLog() {
        LoginThrottle.Attempt first = t.begin("10.0.0.1", "a");
        assertFalse(first.newlyThrottled());
        first.failed();
        assertTrue(t.begin("10.0.0.1", "a").newlyThrottled());
        assertFalse(t.begin("10.0.0.1", "a").newlyThrottled(), "logged once");
    }

    @Test
    void guessesWhoseClientLeftBeforeTheCheckGiveTheirPlaceBack() {
        // 150 connections submit a guess each and close at once, before their turn comes
        for (int i = 0; i < 150; i++) {
            t.begin("10.0.0.66", "root").withdrawn();
        }
        assertEquals(0, t.failures("10.0.0.66"));
        assertEquals(Duration.ZERO, t.begin("10.0.0.66", "root").delay(), "the address is not locked out");
        LoginThrottle.Attempt checked = t.begin("10.0.0.67", "x");
        LoginThrottle.Attempt left = t.begin("10.0.0.67", "x");
        assertEquals(Duration.ofSeconds(1), left.delay());
        left.withdrawn();
        checked.failed();
        assertEquals(Duration.ofSeconds(1), t.begin("10.0.0.67", "x").delay(), "only the checked failure counts");
    }

    @Test
    void quietEntriesAreForgotten() {
        t.begin("10.0.0.1", "alice").failed();
        advance(Duration.ofMinutes(11));
        assertEquals(Duration.ZERO, t.begin("10.0.0.1", "alice").delay());
    }
}
