package dev.monmux.telnet;

import java.util.function.Consumer;

/**
 * Turns terminal input bytes into {@link Key}s: UTF-8 characters, control keys and the ANSI/VT100
 * escape sequences of cursor keys. Stateful, so sequences may be split across reads.
 *
 * <p>Enter is {@code \r\n}, {@code \r\0}, {@code \r} or {@code \n} — one Enter each. Telnet
 * clients send {@code \r\0} or {@code \r\n}, {@code nc} sends {@code \n}; QEMU treats {@code \r}
 * and {@code \n} each as Enter and so answers {@code \r\n} with two prompts, which we do not copy.
 * Invalid UTF-8 becomes U+FFFD; other control bytes are ignored.
 */
public final class KeyDecoder {
    private static final int MAX_ESCAPE = 16;

    private enum State {
        NORMAL,
        ESC,
        CSI,
        CSI_DISCARD,
        SS3
    }

    private final Consumer<Key> out;
    private State state = State.NORMAL;
    private boolean afterCr;
    private final StringBuilder csiParams = new StringBuilder();
    private int utf8Needed;
    private int utf8Value;
    private int utf8Min;

    public KeyDecoder(Consumer<Key> out) {
        this.out = out;
    }

    public void feed(byte[] bytes, int off, int len) {
        for (int i = off; i < off + len; i++) {
            feed(bytes[i] & 0xFF);
        }
    }

    public void feed(int b) {
        if (afterCr) {
            afterCr = false;
            if (b == '\n' || b == 0) {
                return;
            }
        }
        if (utf8Needed > 0) {
            if ((b & 0xC0) == 0x80) {
                utf8Value = (utf8Value << 6) | (b & 0x3F);
                if (--utf8Needed == 0) {
                    int cp = utf8Value;
                    boolean valid = cp >= utf8Min && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
                    out.accept(Key.ch(valid ? cp : 0xFFFD));
                }
                return;
            }
            utf8Needed = 0;
            out.accept(Key.ch(0xFFFD));
        }
        switch (state) {
            case ESC -> escape(b);
            case CSI -> csi(b);
            case CSI_DISCARD -> {
                if (b < 0x20) {
                    // A control byte (Enter, Ctrl-C, ESC) ends a broken sequence and counts itself:
                    // no terminal puts one inside a sequence, and it must not swallow the line.
                    state = State.NORMAL;
                    normal(b);
                } else if (b >= 0x40 && b <= 0x7E) {
                    state = State.NORMAL;
                }
            }
            case SS3 -> ss3(b);
            default -> normal(b);
        }
    }

    private void normal(int b) {
        if (b >= 0x80) {
            utf8Start(b);
            return;
        }
        switch (b) {
            case '\r' -> {
                afterCr = true;
                out.accept(Key.of(Key.Type.ENTER));
            }
            case '\n' -> out.accept(Key.of(Key.Type.ENTER));
            case 0x1B -> state = State.ESC;
            case 0x7F, 0x08 -> out.accept(Key.of(Key.Type.BACKSPACE));
            case 0x09 -> out.accept(Key.of(Key.Type.TAB));
            case 0x01 -> out.accept(Key.of(Key.Type.HOME));
            case 0x05 -> out.accept(Key.of(Key.Type.END));
            case 0x02 -> out.accept(Key.of(Key.Type.LEFT));
            case 0x06 -> out.accept(Key.of(Key.Type.RIGHT));
            case 0x10 -> out.accept(Key.of(Key.Type.UP));
            case 0x0E -> out.accept(Key.of(Key.Type.DOWN));
            case 0x03 -> out.accept(Key.of(Key.Type.CTRL_C));
            case 0x04 -> out.accept(Key.of(Key.Type.CTRL_D));
            case 0x0B -> out.accept(Key.of(Key.Type.CTRL_K));
            case 0x0C -> out.accept(Key.of(Key.Type.CTRL_L));
            case 0x15 -> out.accept(Key.of(Key.Type.CTRL_U));
            case 0x17 -> out.accept(Key.of(Key.Type.CTRL_W));
            default -> {
                if (b >= 0x20) {
                    out.accept(Key.ch(b));
                }
            }
        }
    }

    private void utf8Start(int b) {
        if ((b & 0xE0) == 0xC0) {
            utf8Needed = 1;
            utf8Value = b & 0x1F;
            utf8Min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            utf8Needed = 2;
            utf8Value = b & 0x0F;
            utf8Min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            utf8Needed = 3;
            utf8Value = b & 0x07;
            utf8Min = 0x10000;
        } else {
            out.accept(Key.ch(0xFFFD));
        }
    }

    private void escape(int b) {
        if (b == '[') {
            state = State.CSI;
            csiParams.setLength(0);
        } else if (b == 'O') {
            state = State.SS3;
        } else {
            // Alt+key or a lone ESC: drop the ESC, keep the key.
            state = State.NORMAL;
            normal(b);
        }
    }

    private void csi(int b) {
        if ((b >= '0' && b <= '9') || b == ';') {
            if (csiParams.length() < MAX_ESCAPE) {
                csiParams.append((char) b);
            } else {
                state = State.CSI_DISCARD; // an absurd sequence: swallow it to its end
            }
            return;
        }
        state = State.NORMAL;
        if (b < 0x20) {
            normal(b); // as above: a control byte is never part of the sequence
            return;
        }
        if (b < 0x40 || b > 0x7E) {
            state = State.CSI_DISCARD; // intermediate bytes: a sequence we do not know, to its end
            return;
        }
        if (b == '~') {
            switch (csiParams.toString()) {
                case "1", "7" -> out.accept(Key.of(Key.Type.HOME));
                case "4", "8" -> out.accept(Key.of(Key.Type.END));
                case "3" -> out.accept(Key.of(Key.Type.DELETE));
                default -> {}
            }
            return;
        }
        cursorKey(b);
    }

    private void ss3(int b) {
        state = State.NORMAL;
        cursorKey(b);
    }

    private void cursorKey(int b) {
        switch (b) {
            case 'A' -> out.accept(Key.of(Key.Type.UP));
            case 'B' -> out.accept(Key.of(Key.Type.DOWN));
            case 'C' -> out.accept(Key.of(Key.Type.RIGHT));
            case 'D' -> out.accept(Key.of(Key.Type.LEFT));
            case 'H' -> out.accept(Key.of(Key.Type.HOME));
            case 'F' -> out.accept(Key.of(Key.Type.END));
            default -> {}
        }
    }
}
