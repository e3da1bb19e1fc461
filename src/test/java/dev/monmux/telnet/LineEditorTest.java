package dev.monmux.telnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.monmux.telnet.Key.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineEditorTest {
    private final LineEditor ed = new LineEditor(
            "(qemu) ",
            32,
            10,
            before -> List.of("info", "info-x", "stop", "system_powerdown", "system_reset").stream()
                    .filter(w -> w.startsWith(before.substring(before.lastIndexOf(' ') + 1)))
                    .toList());
    private final StringBuilder out = new StringBuilder();

    private LineEditor.Result type(String s) {
        LineEditor.Result r = LineEditor.Result.NONE;
        for (int cp : s.codePoints().toArray()) {
            r = ed.handle(Key.ch(cp), out);
        }
        return r;
    }

    private LineEditor.Result key(Type t) {
        return ed.handle(Key.of(t), out);
    }

    private String take() {
        String s = out.toString();
        out.setLength(0);
        return s;
    }

    @Test
    void typingEchoesAndEnterReturnsTheLine() {
        type("info status");
        assertEquals("info status", take());
        LineEditor.Result r = key(Type.ENTER);
        assertEquals(new LineEditor.Result.Line("info status"), r);
        assertEquals("\r\n", take());
        assertEquals("", ed.text());
    }

    @Test
    void backspaceAtEndAndInTheMiddle() {
        type("stopp");
        take();
        key(Type.BACKSPACE);
        assertEquals("\033[1D\033[K", take());
        assertEquals("stop", ed.text());
        key(Type.LEFT);
        key(Type.LEFT);
        take();
        key(Type.BACKSPACE); // removes 's'... no: cursor after "st", removes 't'
        assertEquals("sop", ed.text());
        assertEquals("\033[1Dop\033[K\033[2D", take());
    }

    @Test
    void insertInTheMiddleRedrawsTheTail() {
        type("sop");
        key(Type.LEFT);
        key(Type.LEFT);
        take();
        type("t");
        assertEquals("stop", ed.text());
        assertEquals("top\033[2D", take());
        assertEquals(2, ed.cursor());
    }

    @Test
    void homeEndAndDelete() {
        type("xstop");
        key(Type.HOME);
        assertEquals("\033[5D", take().substring(5));
        key(Type.DELETE);
        assertEquals("stop", ed.text());
        assertEquals("stop\033[K\033[4D", take());
        key(Type.END);
        assertEquals("\033[4C", take());
        assertEquals(4, ed.cursor());
    }

    @Test
    void ctrlKCutsToTheEndAndCtrlUToTheStart() {
        type("info status");
        for (int i = 0; i < 7; i++) {
            key(Type.LEFT);
        }
        take();
        key(Type.CTRL_K);
        assertEquals("info", ed.text());
        assertEquals("\033[K", take());
        type(" version");
        key(Type.LEFT);
        take();
        key(Type.CTRL_U);
        assertEquals("n", ed.text());
        assertEquals(0, ed.cursor());
    }

    @Test
    void ctrlWDeletesTheWordBeforeTheCursor() {
        type("info status  ");
        key(Type.CTRL_W);
        assertEquals("info ", ed.text());
        key(Type.CTRL_W);
        assertEquals("", ed.text());
    }

    @Test
    void ctrlCClearsTheLineAndRedrawsThePrompt() {
        type("system_reset");
        take();
        key(Type.CTRL_C);
        assertEquals("", ed.text());
        assertEquals("^C\r\n(qemu) ", take());
    }

    @Test
    void ctrlDClosesOnlyOnAnEmptyLine() {
        type("ab");
        key(Type.HOME);
        assertEquals(LineEditor.Result.NONE, key(Type.CTRL_D));
        assertEquals("b", ed.text());
        key(Type.CTRL_U);
        key(Type.END);
        key(Type.BACKSPACE);
        assertInstanceOf(LineEditor.Result.EndOfInput.class, key(Type.CTRL_D));
    }

    @Test
    void historyUpAndDownKeepsTheDraft() {
        type("info status");
        key(Type.ENTER);
        type("stop");
        key(Type.ENTER);
        type("dra");
        take();
        key(Type.UP);
        assertEquals("stop", ed.text());
        assertEquals("\033[3Dstop\033[K", take());
        key(Type.UP);
        assertEquals("info status", ed.text());
        key(Type.UP);
        assertEquals("info status", ed.text(), "stays at the oldest entry");
        key(Type.DOWN);
        key(Type.DOWN);
        assertEquals("dra", ed.text());
        assertEquals(List.of("info status", "stop"), ed.history());
    }

    @Test
    void historySkipsBlankAndRepeatedLinesAndIsBounded() {
        for (int i = 0; i < 15; i++) {
            type("c" + i);
            key(Type.ENTER);
            key(Type.ENTER);
            type("c" + i);
            key(Type.ENTER);
        }
        assertEquals(10, ed.history().size());
        assertEquals("c14", ed.history().get(9));
    }

    @Test
    void tabCompletesAUniqueWordAndExtendsACommonPrefix() {
        type("sto");
        take();
        key(Type.TAB);
        assertEquals("stop ", ed.text());
        key(Type.CTRL_U);
        type("sys");
        key(Type.TAB);
        assertEquals("system_", ed.text());
    }

    @Test
    void tabListsCandidatesWhenAmbiguous() {
        type("system_");
        take();
        key(Type.TAB);
        assertEquals("\r\nsystem_powerdown  system_reset\r\n(qemu) system_", take());
    }

    @Test
    void overlongLineIsDiscardedAtEnter() {
        type("x".repeat(40));
        assertEquals(32, ed.text().length());
        assertEquals(new LineEditor.Result.TooLong(32), key(Type.ENTER));
        assertEquals("", ed.text());
        type("info status");
        assertEquals(new LineEditor.Result.Line("info status"), key(Type.ENTER));
    }

    @Test
    void multiByteCharactersCountAsOneColumn() {
        type("é€x");
        key(Type.LEFT);
        key(Type.LEFT);
        take();
        key(Type.BACKSPACE);
        assertEquals("€x", ed.text());
        assertEquals("\033[1D€x\033[K\033[2D", take());
    }

    @Test
    void eraseAndRedrawForNotices() {
        type("info");
        key(Type.LEFT);
        take();
        ed.erasePromptAndLine(out);
        out.append("[event]\r\n");
        ed.drawPromptAndLine(out);
        assertEquals("\r\033[K[event]\r\n(qemu) info\033[1D", take());
        ed.setWidth(10); // "(qemu) inf" fills a row: the cursor is on the second row
        ed.erasePromptAndLine(out);
        assertEquals("\033[1A\r\033[J", take());
    }
}
