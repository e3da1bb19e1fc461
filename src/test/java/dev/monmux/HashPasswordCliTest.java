package dev.monmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code monmux hash-password}: a password in, a hash out that the config accepts and that matches it. */
class HashPasswordCliTest {
    private static CliRun run(String stdin, String... args) {
        return CliRun.capture(stdin, (in, out, err) -> Main.run(List.of(args), in, out, err));
    }

    @Test
    void hashFromStdinRoundTrips() {
        CliRun r = run("correct horse \u00e9\n", "hash-password", "--iterations", "1000");
        assertEquals(0, r.code(), r.err());
        String line = r.out().strip();
        assertTrue(line.startsWith("pbkdf2-sha256$1000$"), line);
        assertFalse(r.out().contains("correct horse"), "the password itself is never printed");
        PasswordHash h = PasswordHash.parse(line);
        assertTrue(h.matches("correct horse \u00e9".toCharArray()));
        assertFalse(h.matches("correct horse".toCharArray()));
    }

    @Test
    void defaultIterationsAreTheRecommendedOnes() {
        CliRun r = run("pw\r\n", "hash-password");
        assertEquals(0, r.code(), r.err());
        PasswordHash h = PasswordHash.parse(r.out().strip());
        assertEquals(PasswordHash.DEFAULT_ITERATIONS, h.iterations());
        assertTrue(h.matches("pw".toCharArray()), "a CRLF line end is not part of the password");
    }

    @Test
    void emptyOrMissingPasswordAndBadOptionsAreUsageErrors() {
        assertEquals(2, run("\n", "hash-password").code());
        assertEquals("monmux: no password on stdin\n", run("", "hash-password").err());
        assertEquals(2, run("pw\n", "hash-password", "--iterations", "10").code());
        assertEquals(2, run("pw\n", "hash-password", "--rounds", "5000").code());
        assertTrue(run("", "--help").out().contains("hash-password"));
    }
}
