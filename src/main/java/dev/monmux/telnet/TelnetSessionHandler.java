package dev.monmux.telnet;

import dev.monmux.net.ConnectionErrors;
import dev.monmux.net.SlowClientGuard;
import dev.monmux.session.Console;
import dev.monmux.session.OperatorSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a telnet connection's pipeline: once {@link ClientMode} is known it builds the
 * matching console and the operator session, then feeds it the client's bytes.
 */
public final class TelnetSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TelnetSessionHandler.class);

    /** Creates the operator session for a new connection. */
    @FunctionalInterface
    public interface SessionFactory {
        OperatorSession create(Channel channel, Console console);
    }

    /** Tab completion that depends on the session (the VM it is attached to). */
    @FunctionalInterface
    public interface SessionCompleter {
        List<String> complete(OperatorSession session, String lineBeforeCursor);
    }

    /** Limits and completion for the consoles this handler builds. */
    public record ConsoleSettings(
            int maxLineBytes, int historySize, int maxTypeAheadKeys, SessionCompleter completer) {}

    private final SessionFactory factory;
    private final ConsoleSettings settings;
    private TelnetConsole console;
    private OperatorSession session;

    public TelnetSessionHandler(SessionFactory factory, ConsoleSettings settings) {
        this.factory = factory;
        this.settings = settings;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ClientMode mode && console == null) {
            console = mode.interactive()
                    ? new InteractiveConsole(
                            ctx.channel(),
                            settings.maxLineBytes(),
                            settings.historySize(),
                            settings.maxTypeAheadKeys(),
                            before -> settings.completer().complete(session, before))
                    : new RawConsole(ctx.channel(), settings.maxLineBytes());
            session = factory.create(ctx.channel(), console);
            console.bind(session);
            session.start();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            if (session != null) {
                session.endOfInput();
            } else {
                ctx.close();
            }
        } else if (evt instanceof SlowClientGuard.Disconnecting why) {
            if (session != null) {
                session.closingBecause(why.reason());
            }
        } else if (evt instanceof WindowSize ws && console != null) {
            console.setWidth(ws.width());
        } else if (evt instanceof TelnetNegotiationHandler.EchoChange echo && console != null) {
            console.setEcho(echo == TelnetNegotiationHandler.EchoChange.ON);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (console != null && session != null && !session.isClosed()) {
                console.input(data);
            }
        } finally {
            data.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (console != null) {
            console.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Never a stack trace to the client; the connection is closed and the others carry on.
        ConnectionErrors.log(log, "telnet client " + ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
