package dev.monmux.telnet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The character-mode line editor of an interactive session, in the spirit of QEMU's readline:
 * echo, cursor movement, history and completion, drawn with plain VT100 sequences. It holds the
 * line as code points and appends what the terminal must show to a caller-supplied buffer; it
 * knows nothing about sockets.
 *
 * <p>One class for one state machine (the line, the cursor, history, what the terminal shows); its
 * keys are small methods of it.
 */
public final class LineEditor {
    /** What a key press amounted to. */
    public sealed interface Result {
        /** Still editing. */
        Result NONE = new None();

        /** Nothing to do but keep editing. */
        record None() implements Result {}

        /** Enter: the finished line. */
        record Line(String text) implements Result {}

        /** Enter on a line longer than the limit: it was discarded. */
        record TooLong(int maxBytes) implements Result {}

        /** Ctrl-D on an empty line. */
        record EndOfInput() implements Result {}
    }

    /** Offers completions for the word before the cursor. */
    @FunctionalInterface
    public interface Completer {
        /** Candidate full words for the last word of {@code lineBeforeCursor}, sorted. */
        List<String> complete(String lineBeforeCursor);
    }

    static final String ERASE_TO_END = "\033[K";

    private final String defaultPrompt;
    private String prompt;
    private boolean asking; // a one-off question (login, confirmation): no history, no completion
    private boolean hidden; // a password: nothing drawn while typing
    private final int maxBytes;
    private final int historySize;
    private final Completer completer;
    private final StringBuilder line = new StringBuilder();
    private int cursor; // in chars of `line` (UTF-16 units; we move by code point)
    private boolean overflow;
    private final List<String> history = new ArrayList<>();
    private int historyIndex; // == history.size() when editing a fresh line
    private String draft = "";
    private int width; // terminal columns from NAWS, 0 = unknown
    private boolean echo = true;

    public LineEditor(String prompt, int maxBytes, int historySize, Completer completer) {
        this.defaultPrompt = prompt;
        this.prompt = prompt;
        this.maxBytes = maxBytes;
        this.historySize = historySize;
        this.completer = completer;
    }

    public void setWidth(int columns) {
        this.width = columns;
    }

    /** With echo off (the client echoes locally) nothing is drawn while typing. */
    public void setEcho(boolean on) {
        this.echo = on;
    }

    /**
     * The next line answers a question: {@code prompt} replaces the usual one, the answer goes
     * to no history and gets no completion, and with {@code hidden} nothing typed is drawn (the
     * client, told {@code WILL ECHO} at connect, does not echo either). {@link #endQuestion}
     * goes back to the usual prompt.
     */
    public void ask(String question, boolean hide) {
        reset();
        this.prompt = question;
        this.asking = true;
        this.hidden = hide;
    }

    public void endQuestion() {
        this.prompt = defaultPrompt;
        this.asking = false;
        this.hidden = false;
    }

    public String text() {
        return line.toString();
    }

    public int cursor() {
        return cursor;
    }

    public List<String> history() {
        return List.copyOf(history);
    }

    /** The prompt and the current line, with the cursor put back where it was. */
    public void drawPromptAndLine(StringBuilder out) {
        out.append(prompt);
        if (echoing()) {
            out.append(line);
            moveLeft(out, codePoints(cursor, line.length()));
        }
    }

    /**
     * Moves to the start of the prompt's first row and clears from there to the end of the
     * screen, so a notice can be printed in its place. Knows about wrapped lines when the
     * terminal reported its width; otherwise clears the current row only.
     */
    public void erasePromptAndLine(StringBuilder out) {
        if (width > 0 && echoing()) {
            int col = prompt.length() + codePoints(0, cursor);
            int rowsUp = col / width;
            if (rowsUp > 0) {
                out.append("\033[").append(rowsUp).append('A');
            }
            out.append("\r\033[J");
        } else {
            out.append('\r').append(ERASE_TO_END);
        }
    }

    public Result handle(Key key, StringBuilder out) {
        switch (key.type()) {
            case CHAR -> insert(key.codePoint(), out);
            case ENTER -> {
                return enter(out);
            }
            case BACKSPACE -> {
                if (cursor > 0) {
                    int start = line.offsetByCodePoints(cursor, -1);
                    moveLeft(out, 1);
                    line.delete(start, cursor);
                    cursor = start;
                    redrawTail(out, 1);
                }
            }
            case DELETE -> deleteUnderCursor(out);
            case CTRL_D -> {
                if (line.length() == 0) {
                    return new Result.EndOfInput();
                }
                deleteUnderCursor(out);
            }
            case LEFT -> {
                if (cursor > 0) {
                    cursor = line.offsetByCodePoints(cursor, -1);
                    moveLeft(out, 1);
                }
            }
            case RIGHT -> {
                if (cursor < line.length()) {
                    cursor = line.offsetByCodePoints(cursor, 1);
                    moveRight(out, 1);
                }
            }
            case HOME -> {
                moveLeft(out, codePoints(0, cursor));
                cursor = 0;
            }
            case END -> {
                moveRight(out, codePoints(cursor, line.length()));
                cursor = line.length();
            }
            case CTRL_K -> {
                line.setLength(cursor);
                if (echoing()) {
                    out.append(ERASE_TO_END);
                }
                overflow = false;
            }
            case CTRL_U -> {
                int n = codePoints(0, cursor);
                moveLeft(out, n);
                line.delete(0, cursor);
                cursor = 0;
                redrawTail(out, n);
                overflow = false;
            }
            case CTRL_W -> deleteWordBefore(out);
            case CTRL_C -> {
                if (echo) {
                    out.append("^C\r\n");
                }
                reset();
                drawPromptAndLine(out);
            }
            case CTRL_L -> {
                out.append("\033[H\033[2J");
                drawPromptAndLine(out);
            }
            case UP -> {
                if (!asking) {
                    recall(historyIndex - 1, out);
                }
            }
            case DOWN -> {
                if (!asking) {
                    recall(historyIndex + 1, out);
                }
            }
            case TAB -> {
                if (!asking) {
                    complete(out);
                }
            }
            default -> {}
        }
        return Result.NONE;
    }

    private void insert(int cp, StringBuilder out) {
        if (overflow || utf8Length(line) + utf8Length(cp) > maxBytes) {
            // Keep taking keys so a pasted long line is discarded whole at Enter.
            overflow = true;
            return;
        }
        String s = new String(Character.toChars(cp));
        line.insert(cursor, s);
        cursor += s.length();
        if (!echoing()) {
            return;
        }
        out.append(s);
        if (cursor < line.length()) {
            redrawTail(out, 0);
        }
    }

    private Result enter(StringBuilder out) {
        out.append("\r\n");
        String text = line.toString();
        boolean tooLong = overflow;
        reset();
        if (tooLong) {
            return new Result.TooLong(maxBytes);
        }
        if (!asking) {
            addHistory(text);
        }
        return new Result.Line(text);
    }

    private void reset() {
        line.setLength(0);
        cursor = 0;
        overflow = false;
        historyIndex = history.size();
        draft = "";
    }

    private void addHistory(String text) {
        if (historySize == 0 || text.isBlank()) {
            return;
        }
        if (history.isEmpty() || !history.get(history.size() - 1).equals(text)) {
            history.add(text);
            if (history.size() > historySize) {
                history.remove(0);
            }
        }
        historyIndex = history.size();
    }

    private void recall(int index, StringBuilder out) {
        if (index < 0 || index > history.size()) {
            return;
        }
        if (historyIndex == history.size()) {
            draft = line.toString();
        }
        historyIndex = index;
        String text = index == history.size() ? draft : history.get(index);
        replaceLine(text, out);
    }

    private void replaceLine(String text, StringBuilder out) {
        moveLeft(out, codePoints(0, cursor));
        line.setLength(0);
        line.append(text);
        cursor = line.length();
        overflow = false;
        if (echoing()) {
            out.append(line).append(ERASE_TO_END);
        }
    }

    private void deleteUnderCursor(StringBuilder out) {
        if (cursor < line.length()) {
            int end = line.offsetByCodePoints(cursor, 1);
            line.delete(cursor, end);
            redrawTail(out, 1);
        }
    }

    private void deleteWordBefore(StringBuilder out) {
        int start = cursor;
        while (start > 0 && line.charAt(start - 1) == ' ') {
            start--;
        }
        while (start > 0 && line.charAt(start - 1) != ' ') {
            start--;
        }
        int n = codePoints(start, cursor);
        moveLeft(out, n);
        line.delete(start, cursor);
        cursor = start;
        redrawTail(out, n);
    }

    /** Redraws from the cursor to the end of line after {@code removed} chars went away. */
    private void redrawTail(StringBuilder out, int removed) {
        if (!echoing()) {
            return;
        }
        String tail = line.substring(cursor);
        out.append(tail);
        if (removed > 0) {
            out.append(ERASE_TO_END);
        }
        moveLeft(out, tail.codePointCount(0, tail.length()));
    }

    private void complete(StringBuilder out) {
        String before = line.substring(0, cursor);
        int wordStart = before.lastIndexOf(' ') + 1;
        String word = before.substring(wordStart);
        List<String> candidates = completer.complete(before);
        if (candidates.isEmpty()) {
            return;
        }
        if (candidates.size() == 1) {
            insertText(
                    candidates
                                    .get(0)
                                    .substring(Math.min(
                                            word.length(), candidates.get(0).length())) + " ",
                    out);
            return;
        }
        String common = commonPrefix(candidates);
        if (common.length() > word.length()) {
            insertText(common.substring(word.length()), out);
            return;
        }
        listCandidates(candidates, out);
    }

    private void insertText(String s, StringBuilder out) {
        s.codePoints().forEach(cp -> insert(cp, out));
    }

    /** Like QEMU: the candidates in columns below the line, then the prompt again. */
    private void listCandidates(List<String> candidates, StringBuilder out) {
        int max = candidates.stream().mapToInt(String::length).max().orElse(0) + 2;
        int cols = Math.max(1, (width > 0 ? width : 80) / max);
        out.append("\r\n");
        for (int i = 0; i < candidates.size(); i++) {
            String c = candidates.get(i);
            out.append(c);
            boolean lastInRow = (i + 1) % cols == 0 || i == candidates.size() - 1;
            if (lastInRow) {
                out.append("\r\n");
            } else {
                out.append(" ".repeat(max - c.length()));
            }
        }
        drawPromptAndLine(out);
    }

    private static String commonPrefix(List<String> words) {
        String p = words.get(0);
        for (String w : words) {
            int i = 0;
            while (i < p.length() && i < w.length() && p.charAt(i) == w.charAt(i)) {
                i++;
            }
            p = p.substring(0, i);
        }
        return p;
    }

    private void moveLeft(StringBuilder out, int n) {
        if (echoing() && n > 0) {
            out.append("\033[").append(n).append('D');
        }
    }

    private void moveRight(StringBuilder out, int n) {
        if (echoing() && n > 0) {
            out.append("\033[").append(n).append('C');
        }
    }

    private int codePoints(int from, int to) {
        return line.codePointCount(from, to);
    }

    private boolean echoing() {
        return echo && !hidden;
    }

    private static int utf8Length(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
}
