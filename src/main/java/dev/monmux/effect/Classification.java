package dev.monmux.effect;

/**
 * A command's class and, in the user's words, why it has that class ({@code writes a host file
 * (the screen image)}): a refusal names it.
 */
public record Classification(Effect effect, String why) {
    /** The reason of a command monmux has no class for. */
    public static final String UNKNOWN = "is not known to monmux";

    /** For a command monmux has no class for: admin-only. */
    public static Classification unknown() {
        return new Classification(Effect.DANGEROUS, UNKNOWN);
    }

    /** The same class, a more specific reason. */
    public Classification because(String reason) {
        return new Classification(effect, reason);
    }

    /** The more powerful of this and {@code other} (the first on a tie). */
    public Classification max(Classification other) {
        return rank(other.effect) > rank(effect) ? other : this;
    }

    private static int rank(Effect e) {
        return switch (e) {
            case QUERY -> 0;
            case CONTROL -> 1;
            case DANGEROUS, HOST, SECRET -> 2;
        };
    }
}
