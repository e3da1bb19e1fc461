package dev.monmux.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.monmux.telnet.Key.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyDecoderTest {
    private final List<Key> keys = new ArrayList<>();
    private final KeyDecoder d = new KeyDecoder(keys::add);

    private List<Key> feed(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        d.feed(b, 0, b.length);
        return keys;
    }

    private static Key k(Type t) {
        return Key.of(t);
    }

    @Test
    void everyEnterFormIsOneEnter() {
        assertEquals(
                List.of(
                        Key.ch('a'),
                        k(Type.ENTER),
                        Key.ch('b'),
                        k(Type.ENTER),
                        Key.ch('c'),
                        k(Type.ENTER),
                        Key.ch('d'),
                        k(Type.ENTER),
                        Key.ch('e')),
                feed("a\r\nb\r\0c\rd\ne"));
    }

    @Test
    void crLfSplitAcrossReadsIsStillOneEnter() {
        feed("x\r");
        feed("\n");
        assertEquals(List.of(Key.ch('x'), k(Type.ENTER)), keys);
    }

    @Test
    void twoNewlinesAreTwoEnters() {
        assertEquals(List.of(k(Type.ENTER), k(Type.ENTER)), feed("\n\n"));
    }

    @Test
    void cursorKeysInBothEncodings() {
        assertEquals(
                List.of(
                        k(Type.UP),
                        k(Type.DOWN),
                        k(Type.RIGHT),
                        k(Type.LEFT),
                        k(Type.HOME),
                        k(Type.END),
                        k(Type.UP),
                        k(Type.LEFT),
                        k(Type.HOME),
                        k(Type.END),
                        k(Type.HOME),
                        k(Type.END),
                        k(Type.DELETE)),
                feed("\033[A\033[B\033[C\033[D\033[H\033[F\033OA\033OD\033[1~\033[4~\033[7~\033[8~\033[3~"));
    }

    @Test
    void escapeSequenceSplitAcrossReads() {
        feed("\033");
        feed("[");
        feed("D");
        assertEquals(List.of(k(Type.LEFT)), keys);
    }

    @Test
    void controlKeys() {
        assertEquals(
                List.of(
                        k(Type.HOME),
                        k(Type.END),
                        k(Type.CTRL_K),
                        k(Type.CTRL_U),
                        k(Type.CTRL_W),
                        k(Type.CTRL_C),
                        k(Type.CTRL_D),
                        k(Type.TAB),
                        k(Type.BACKSPACE),
                        k(Type.BACKSPACE),
                        k(Type.CTRL_L)),
                feed("\001\005\013\025\027\003\004\t\177\010\014"));
    }

    @Test
    void utf8IsDecodedAndInvalidBytesBecomeReplacementChars() {
        byte[] e = "é€😀".getBytes(StandardCharsets.UTF_8);
        d.feed(e, 0, e.length);
        assertEquals(List.of(Key.ch('é'), Key.ch('€'), Key.ch(0x1F600)), keys);
        keys.clear();
        d.feed(new byte[] {(byte) 0xC3, 'a', (byte) 0x80, (byte) 0xC0, (byte) 0x80}, 0, 5);
        assertEquals(List.of(Key.ch(0xFFFD), Key.ch('a'), Key.ch(0xFFFD), Key.ch(0xFFFD)), keys);
    }

    @Test
    void nulAndOtherControlBytesAreIgnored() {
        assertEquals(List.of(Key.ch('a'), Key.ch('b')), feed("a\0\007\022b"));
    }

    @Test
    void overlongCsiIsAbandoned() {
        // The whole sequence, final byte included, is swallowed; what follows is typed normally.
        assertEquals(List.of(Key.ch('y')), feed("\033[" + "1".repeat(100) + "xy"));
    }

    @Test
    void aControlByteEndsABrokenSequenceAndStillCounts() {
        // Found by the fuzzer: an unterminated sequence swallowed Enter, Ctrl-C and the next key.
        assertEquals(
                List.of(k(Type.CTRL_C), k(Type.ENTER), Key.ch('i')), feed("\033[" + "2".repeat(40) + "+22\003\r\ni"));
        keys.clear();
        assertEquals(List.of(k(Type.ENTER), Key.ch('x')), feed("\033[12\rx"));
    }

    @Test
    void privateAndIntermediateSequencesAreSwallowedWhole() {
        // DECSET-style "ESC [ ? 25 h" and "ESC [ 1 SP q": nothing of them is typed.
        assertEquals(List.of(Key.ch('a')), feed("\033[?25h\033[1 qa"));
    }
}
