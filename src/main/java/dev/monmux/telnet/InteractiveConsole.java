package dev.monmux.telnet;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayDeque;

/**
 * A character-mode telnet terminal. While a command runs the editor is suspended, as QEMU's
 * monitor is: keys typed meanwhile are kept (up to a limit) and replayed once the output and the
 * next prompt are shown. Events and notices are drawn above the prompt: the line is erased, the
 * notice printed, and the prompt and half-typed input redrawn with the cursor where it was.
 */
final class InteractiveConsole extends TelnetConsole {
    private final LineEditor editor;
    private final KeyDecoder keys;
    private final ArrayDeque<Key> typeAhead = new ArrayDeque<>();
    private final int maxTypeAhead;
    private final StringBuilder out = new StringBuilder();
    private boolean busy = true; // until the banner and first prompt are out

    InteractiveConsole(
            Channel channel, int maxLineBytes, int historySize, int maxTypeAhead, LineEditor.Completer completer) {
        super(channel);
        this.editor = new LineEditor(PROMPT, maxLineBytes, historySize, completer);
        this.keys = new KeyDecoder(this::key);
        this.maxTypeAhead = maxTypeAhead;
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public boolean hasPendingInput() {
        return !typeAhead.isEmpty();
    }

    @Override
    void setWidth(int columns) {
        editor.setWidth(columns);
    }

    @Override
    void setEcho(boolean on) {
        editor.setEcho(on);
    }

    @Override
    void input(ByteBuf data) {
        while (data.isReadable()) {
            keys.feed(data.readUnsignedByte());
        }
        flushOut();
    }

    private void key(Key k) {
        if (busy) {
            // Never drop a key: past the limit, stop reading from the client instead.
            typeAhead.add(k);
            if (typeAhead.size() >= maxTypeAhead) {
                pauseTypeAhead(true);
            }
            return;
        }
        LineEditor.Result r = editor.handle(k, out);
        if (r instanceof LineEditor.Result.Line line) {
            busy = true;
            flushOut();
            session.onLine(line.text());
        } else if (r instanceof LineEditor.Result.TooLong tl) {
            busy = true;
            flushOut();
            session.onLineTooLong(tl.maxBytes());
        } else if (r instanceof LineEditor.Result.EndOfInput) {
            busy = true;
            flushOut();
            close();
        }
    }

    @Override
    public void output(String text) {
        editor.endQuestion();
        showPrompt(text);
    }

    @Override
    public void ask(String text, String question, boolean hidden) {
        if (hidden) {
            channel.pipeline().fireUserEventTriggered(TelnetNegotiationHandler.HIDE_INPUT);
        }
        editor.ask(question, hidden);
        showPrompt(text);
    }

    private void showPrompt(String text) {
        out.append(text);
        editor.drawPromptAndLine(out);
        busy = false;
        // Replay what was typed while the command ran; it may submit the next line.
        while (!busy && !typeAhead.isEmpty()) {
            key(typeAhead.poll());
        }
        if (typeAhead.size() < maxTypeAhead / 2) {
            pauseTypeAhead(false);
        }
        flushOut();
    }

    @Override
    void printNotice(String line) {
        if (busy) {
            // The cursor sits at the start of an empty line (after Enter or the output).
            out.append(line).append("\r\n");
        } else {
            editor.erasePromptAndLine(out);
            out.append(line).append("\r\n");
            editor.drawPromptAndLine(out);
        }
        flushOut();
    }

    private void flushOut() {
        if (out.length() > 0) {
            write(out);
            out.setLength(0);
        }
    }
}
