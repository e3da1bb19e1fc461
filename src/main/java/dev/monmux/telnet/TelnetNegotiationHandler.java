package dev.monmux.telnet;

import static dev.monmux.telnet.TelnetCodes.DO;
import static dev.monmux.telnet.TelnetCodes.DONT;
import static dev.monmux.telnet.TelnetCodes.IAC;
import static dev.monmux.telnet.TelnetCodes.OPT_BINARY;
import static dev.monmux.telnet.TelnetCodes.OPT_ECHO;
import static dev.monmux.telnet.TelnetCodes.OPT_NAWS;
import static dev.monmux.telnet.TelnetCodes.OPT_SGA;
import static dev.monmux.telnet.TelnetCodes.WILL;
import static dev.monmux.telnet.TelnetCodes.WONT;

import dev.monmux.config.TelnetMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * Option negotiation, server side. Offers what QEMU's own telnet monitor offers
 * ({@code WILL ECHO, WILL SGA, WILL BINARY, DO BINARY}: character mode with server echo), accepts
 * NAWS when the client offers it, and refuses everything else. It follows RFC 1143's rule of
 * answering only requests that change an option's state, so two peers can never loop.
 *
 * <p>In {@code auto} mode it also tells interactive clients from raw ones: a telnet client answers
 * the offers at once; {@code nc} or a script never does, and typically sends a line instead. The
 * verdict is fired once as a {@link ClientMode} event before any data is passed on.
 */
public final class TelnetNegotiationHandler extends ChannelInboundHandlerAdapter {
    private static final byte[] OFFERS = {
        (byte) IAC, (byte) WILL, OPT_ECHO,
        (byte) IAC, (byte) WILL, OPT_SGA,
        (byte) IAC, (byte) WILL, OPT_BINARY,
        (byte) IAC, (byte) DO, OPT_BINARY,
    };

    private final TelnetMode mode;
    private final Duration detectTimeout;
    /** Options enabled on our side (we WILL) and on the client's side (it WILL). */
    private final BitSet us = new BitSet(256);

    private final BitSet him = new BitSet(256);
    /** Requests we sent and await an answer for. */
    private final BitSet usPending = new BitSet(256);

    private final BitSet himPending = new BitSet(256);
    private boolean decided;
    private boolean interactive;
    private ScheduledFuture<?> detectTimer;

    public TelnetNegotiationHandler(TelnetMode mode, Duration detectTimeout) {
        this.mode = mode;
        this.detectTimeout = detectTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        if (mode == TelnetMode.RAW) {
            decide(ctx, false);
            return;
        }
        usPending.set(OPT_ECHO);
        usPending.set(OPT_SGA);
        usPending.set(OPT_BINARY);
        himPending.set(OPT_BINARY);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(OFFERS));
        if (mode == TelnetMode.TELNET) {
            decide(ctx, true);
        } else {
            detectTimer =
                    ctx.executor().schedule(() -> decide(ctx, false), detectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (detectTimer != null) {
            detectTimer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf data) {
            if (!decided) {
                decide(ctx, false);
            }
            ctx.fireChannelRead(data);
        } else if (msg instanceof TelnetFrame.Negotiation n) {
            if (!decided) {
                decide(ctx, true);
            }
            negotiate(ctx, n);
        } else if (msg instanceof TelnetFrame.Subnegotiation s) {
            if (s.option() == OPT_NAWS && s.data().length == 4 && him.get(OPT_NAWS)) {
                byte[] d = s.data();
                int w = ((d[0] & 0xFF) << 8) | (d[1] & 0xFF);
                int h = ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
                ctx.fireUserEventTriggered(new WindowSize(w, h));
            }
        } else if (msg instanceof TelnetFrame.Command c) {
            command(ctx, c.code());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void decide(ChannelHandlerContext ctx, boolean interactive) {
        if (decided) {
            return;
        }
        decided = true;
        this.interactive = interactive;
        if (detectTimer != null) {
            detectTimer.cancel(false);
        }
        ctx.fireUserEventTriggered(new ClientMode(interactive));
    }

    /**
     * {@link #HIDE_INPUT} from the console: a password is next. A telnet client that declined
     * our {@code WILL ECHO} would echo it locally; offer again, as login daemons do, so it stops.
     * Raw clients never get telnet bytes.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HIDE_INPUT) {
            if (decided && interactive && !us.get(OPT_ECHO) && !usPending.get(OPT_ECHO)) {
                usPending.set(OPT_ECHO);
                send(ctx, WILL, OPT_ECHO);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Telnet's editing commands, sent by clients in line mode, mapped to the keys they mean. */
    private static void command(ChannelHandlerContext ctx, int code) {
        byte key = switch (code) {
            case TelnetCodes.IP, TelnetCodes.BRK -> 0x03; // interrupt: Ctrl-C
            case TelnetCodes.EC -> 0x7F; // erase character
            case TelnetCodes.EL -> 0x15; // erase line: Ctrl-U
            default -> 0;
        };
        if (key != 0) {
            ctx.fireChannelRead(Unpooled.wrappedBuffer(new byte[] {key}));
        }
    }

    private void negotiate(ChannelHandlerContext ctx, TelnetFrame.Negotiation n) {
        int opt = n.option();
        switch (n.verb()) {
            case DO -> {
                if (supportedLocally(opt)) {
                    if (!us.get(opt)) {
                        us.set(opt);
                        if (!usPending.get(opt)) {
                            send(ctx, WILL, opt);
                        }
                        if (opt == OPT_ECHO) {
                            ctx.fireUserEventTriggered(EchoChange.ON);
                        }
                    }
                } else if (!usPending.get(opt)) {
                    send(ctx, WONT, opt);
                }
                usPending.clear(opt);
            }
            case DONT -> {
                if (us.get(opt) || usPending.get(opt)) {
                    boolean wasEnabled = us.get(opt);
                    us.clear(opt);
                    if (wasEnabled && !usPending.get(opt)) {
                        send(ctx, WONT, opt);
                    }
                    if (opt == OPT_ECHO) {
                        ctx.fireUserEventTriggered(EchoChange.OFF);
                    }
                }
                usPending.clear(opt);
            }
            case WILL -> {
                if (supportedRemotely(opt)) {
                    if (!him.get(opt)) {
                        him.set(opt);
                        if (!himPending.get(opt)) {
                            send(ctx, DO, opt);
                        }
                    }
                } else if (!himPending.get(opt)) {
                    send(ctx, DONT, opt);
                }
                himPending.clear(opt);
            }
            case WONT -> {
                if (him.get(opt)) {
                    him.clear(opt);
                    if (!himPending.get(opt)) {
                        send(ctx, DONT, opt);
                    }
                }
                himPending.clear(opt);
            }
            default -> {}
        }
    }

    private static boolean supportedLocally(int opt) {
        return opt == OPT_ECHO || opt == OPT_SGA || opt == OPT_BINARY;
    }

    private static boolean supportedRemotely(int opt) {
        return opt == OPT_BINARY || opt == OPT_NAWS || opt == OPT_SGA;
    }

    private static void send(ChannelHandlerContext ctx, int verb, int opt) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) IAC, (byte) verb, (byte) opt}));
    }

    /** User event: whether the server should echo what the client types. */
    public enum EchoChange {
        ON,
        OFF
    }

    /** User event towards this handler: the next line is a password (see {@link #userEventTriggered}). */
    public static final Object HIDE_INPUT = new Object() {
        @Override
        public String toString() {
            return "HIDE_INPUT";
        }
    };
}
