package dev.monmux.telnet;

import dev.monmux.net.SlowClientGuard;
import dev.monmux.session.Console;
import dev.monmux.session.OperatorSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;

/**
 * What interactive and raw telnet clients share: turning input bytes into lines for the session,
 * writing text, and dropping events (never command output) for a client that stopped reading.
 * Event-loop confined.
 */
abstract class TelnetConsole implements Console {
    static final String PROMPT = "(qemu) ";

    protected final Channel channel;
    protected OperatorSession session;
    private long droppedEvents;
    private boolean sessionPaused;
    private boolean typeAheadPaused;

    TelnetConsole(Channel channel) {
        this.channel = channel;
    }

    void bind(OperatorSession s) {
        this.session = s;
    }

    /** Bytes typed by the client (telnet sequences already removed). */
    abstract void input(ByteBuf data);

    void setWidth(int columns) {}

    void setEcho(boolean on) {}

    /** Events dropped since the client last caught up. */
    long droppedEvents() {
        return droppedEvents;
    }

    @Override
    public final void notice(String line, boolean droppable) {
        if (droppable && !channel.isWritable()) {
            droppedEvents++;
            if (session != null) {
                session.eventsDropped(1);
            }
            return;
        }
        if (droppedEvents > 0) {
            long n = droppedEvents;
            droppedEvents = 0;
            printNotice("[monmux] " + n + " events dropped (this client was not reading fast enough)");
        }
        printNotice(line);
    }

    /** The client caught up: tell it what it missed. */
    void writabilityChanged() {
        if (channel.isWritable() && droppedEvents > 0) {
            long n = droppedEvents;
            droppedEvents = 0;
            printNotice("[monmux] " + n + " events dropped (this client was not reading fast enough)");
        }
    }

    abstract void printNotice(String line);

    protected void write(CharSequence text) {
        if (text.length() == 0) {
            return;
        }
        // UTF-8 never contains 0xFF, so nothing here needs telnet's IAC doubling.
        ByteBuf buf = ByteBufUtil.writeUtf8(channel.alloc(), text);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    @Override
    public void pauseInput(boolean paused) {
        sessionPaused = paused;
        firePause();
    }

    /** The console's own reason to stop reading: its type-ahead buffer is full. */
    protected void pauseTypeAhead(boolean paused) {
        if (typeAheadPaused != paused) {
            typeAheadPaused = paused;
            firePause();
        }
    }

    private void firePause() {
        channel.pipeline().fireUserEventTriggered(new SlowClientGuard.InputPause(sessionPaused || typeAheadPaused));
    }

    @Override
    public void close() {
        channel.close();
    }
}
