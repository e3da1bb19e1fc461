package dev.monmux.telnet;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * A client that does not do telnet ({@code nc}, scripts): no echo, no escape sequences, just
 * {@code (qemu) } prompts and output lines. Several lines may be in flight at once.
 */
final class RawConsole extends TelnetConsole {
    private final RawLineAssembler lines;
    private boolean promptShown;

    RawConsole(Channel channel, int maxLineBytes) {
        super(channel);
        this.lines = new RawLineAssembler(maxLineBytes, this::line, this::tooLong);
    }

    private void line(String text) {
        session.onLine(text);
    }

    private void tooLong(int max) {
        session.onLineTooLong(max);
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    void input(ByteBuf data) {
        while (data.isReadable()) {
            lines.feed(data.readUnsignedByte());
        }
    }

    @Override
    public void output(String text) {
        write(text + PROMPT);
        promptShown = true;
    }

    /** The question without a line end, like the prompt; nothing can be hidden from a raw client. */
    @Override
    public void ask(String text, String question, boolean hidden) {
        write(text + question);
        promptShown = true;
    }

    @Override
    void printNotice(String line) {
        // No escape sequences here. A carriage return lets the notice overwrite a prompt on a
        // terminal; the prompt is not repeated, so a script still sees exactly one prompt per
        // command (plus the first one after the banner) and can split output on it.
        write(promptShown ? "\r" + line + "\r\n" : line + "\r\n");
        promptShown = false;
    }
}
