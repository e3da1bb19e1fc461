package dev.monmux.telnet;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Collects a raw client's bytes into lines: Enter as {@link KeyDecoder} defines it, UTF-8
 * decoded, control characters dropped, a tab read as a space, backspace honoured. A line over
 * the byte limit is discarded whole and reported.
 */
final class RawLineAssembler {
    private final int maxBytes;
    private final Consumer<String> lineOut;
    private final IntConsumer tooLong;
    private final KeyDecoder keys;
    private final StringBuilder line = new StringBuilder();
    private int bytes;
    private boolean overflow;

    RawLineAssembler(int maxBytes, Consumer<String> lineOut, IntConsumer tooLong) {
        this.maxBytes = maxBytes;
        this.lineOut = lineOut;
        this.tooLong = tooLong;
        this.keys = new KeyDecoder(this::key);
    }

    void feed(int b) {
        keys.feed(b);
    }

    private void key(Key k) {
        switch (k.type()) {
            case CHAR -> append(k.codePoint());
            case TAB -> append(' ');
            case BACKSPACE -> {
                if (line.length() > 0 && !overflow) {
                    int cp = line.codePointBefore(line.length());
                    line.setLength(line.length() - Character.charCount(cp));
                    bytes -= new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                }
            }
            case ENTER -> {
                if (overflow) {
                    tooLong.accept(maxBytes);
                } else {
                    lineOut.accept(line.toString());
                }
                line.setLength(0);
                bytes = 0;
                overflow = false;
            }
            default -> {}
        }
    }

    private void append(int cp) {
        int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (overflow || bytes + n > maxBytes) {
            overflow = true;
            line.setLength(0);
            return;
        }
        line.appendCodePoint(cp);
        bytes += n;
    }
}
