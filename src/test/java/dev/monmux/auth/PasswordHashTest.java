package dev.monmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    @Test
    void roundTripThroughTheEncodedString() {
        String encoded = PasswordHash.create("s3cret pass".toCharArray(), 2000).encoded();
        assertTrue(encoded.matches("pbkdf2-sha256\\$2000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), encoded);
        PasswordHash h = PasswordHash.parse(encoded);
        assertEquals(2000, h.iterations());
        assertTrue(h.matches("s3cret pass".toCharArray()));
        assertFalse(h.matches("s3cret pasS".toCharArray()));
        assertFalse(h.matches("".toCharArray()));
        assertEquals(encoded, h.encoded());
    }

    @Test
    void saltIsRandomSoEqualPasswordsHashDifferently() {
        assertNotEquals(
                PasswordHash.create("x".toCharArray(), 1000).encoded(),
                PasswordHash.create("x".toCharArray(), 1000).encoded());
    }

    @Test
    void isStandardPbkdf2HmacSha256SoOtherToolsCanMakeHashes() throws Exception {
        byte[] salt = "saltsaltsaltsalt".getBytes(StandardCharsets.US_ASCII);
        var spec = new PBEKeySpec("ascii-pw".toCharArray(), salt, 1000, 256);
        byte[] dk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(spec)
                .getEncoded();
        String encoded = "pbkdf2-sha256$1000$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(dk); // with padding: accepted too
        assertTrue(PasswordHash.parse(encoded).matches("ascii-pw".toCharArray()));
    }

    @Test
    void nonAsciiPasswordsKeepAllTheirBits() {
        PasswordHash h = PasswordHash.create("pässwörd€".toCharArray(), 1000);
        assertTrue(h.matches("pässwörd€".toCharArray()));
        // U+00E4 and U+01E4 share their low byte; a naive char->byte cast would confuse them.
        assertFalse(h.matches("p\u01e4sswörd€".toCharArray()));
    }

    @Test
    void malformedHashesAreRejectedWithAReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("secret"))
                .getMessage()
                .contains("hash-password"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$x$AAAA$AAAA"))
                .getMessage()
                .contains("not a number"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> PasswordHash.parse(
                                "pbkdf2-sha256$10$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
                .getMessage()
                .contains("iterations"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("pbkdf2-sha256$1000$!!$AAAA"))
                .getMessage()
                .contains("Base64"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("bcrypt$1000$AAAA$AAAA"))
                .getMessage()
                .contains("pbkdf2-sha256$"));
    }
}
