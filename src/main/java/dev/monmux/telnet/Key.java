package dev.monmux.telnet;

/** One key press as decoded from the terminal's bytes. */
public record Key(Type type, int codePoint) {
    /** The keys the line editor knows. */
    public enum Type {
        CHAR,
        ENTER,
        BACKSPACE,
        DELETE,
        LEFT,
        RIGHT,
        UP,
        DOWN,
        HOME,
        END,
        TAB,
        CTRL_C,
        CTRL_D,
        CTRL_K,
        CTRL_L,
        CTRL_U,
        CTRL_W
    }

    public static Key of(Type t) {
        return new Key(t, 0);
    }

    public static Key ch(int codePoint) {
        return new Key(Type.CHAR, codePoint);
    }
}
