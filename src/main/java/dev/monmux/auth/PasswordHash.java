package dev.monmux.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 password hash in a self-describing string:
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in standard Base64 without padding).
 * The string carries its own iteration count, so old hashes keep working when the default rises.
 */
public final class PasswordHash {
    public static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;

    public static final int MIN_ITERATIONS = 1_000;
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes {@code password} with a fresh random salt. */
    public static PasswordHash create(char[] password, int iterations) {
        checkIterations(iterations);
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /**
     * Parses a hash string.
     *
     * @throws IllegalArgumentException with a one-line reason (never echoing the string)
     */
    public static PasswordHash parse(String encoded) {
        if (encoded == null) {
            throw new IllegalArgumentException("no password hash");
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("a password hash looks like '" + SCHEME
                    + "$ITERATIONS$SALT$HASH' (make one with: monmux hash-password)");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash: iterations '" + parts[1] + "' is not a number");
        }
        checkIterations(iterations);
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password hash: salt or hash is not Base64");
        }
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("password hash: salt or hash too short");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    private static void checkIterations(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("password hash: iterations must be " + MIN_ITERATIONS + "-"
                    + MAX_ITERATIONS + ", not " + iterations);
        }
    }

    public int iterations() {
        return iterations;
    }

    /** True if {@code password} is the one hashed; compares in constant time. Takes CPU time by design. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
    }

    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    @Override
    public String toString() {
        return SCHEME + "$" + iterations + "$...";
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        // PBEKeySpec rejects an empty password; hash its UTF-8 form instead so "" still works
        // (and is rejected only by policy, not by a crash).
        char[] input = password.length == 0 ? new char[] {'\0'} : password;
        PBEKeySpec spec = new PBEKeySpec(utf8Chars(input), salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable in this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * The JDK's PBKDF2 takes the low byte of each char only; feed it the UTF-8 bytes (one per
     * char) so non-ASCII passwords keep all their bits.
     */
    private static char[] utf8Chars(char[] password) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        char[] out = new char[bytes.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (char) (bytes.get() & 0xFF);
        }
        if (bytes.hasArray()) {
            Arrays.fill(bytes.array(), (byte) 0);
        }
        return out;
    }
}
