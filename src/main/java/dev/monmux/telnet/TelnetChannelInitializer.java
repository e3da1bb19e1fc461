package dev.monmux.telnet;

import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.net.SlowClientGuard;
import dev.monmux.tls.ServerTls;
import dev.monmux.tls.TlsHandshakeGate;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** The pipeline of one telnet connection, protocol first, behaviour last. */
public final class TelnetChannelInitializer extends ChannelInitializer<Channel> {
    private final TelnetMode mode;
    private final LimitsConfig limits;
    private final TelnetSessionHandler.SessionFactory sessions;
    private final TelnetSessionHandler.ConsoleSettings consoleSettings;
    private final ConnectionLimiter limiter;
    private final ServerTls tls;

    public TelnetChannelInitializer(
            TelnetMode mode,
            LimitsConfig limits,
            ConnectionLimiter limiter,
            TelnetSessionHandler.SessionFactory sessions,
            TelnetSessionHandler.ConsoleSettings consoleSettings) {
        this(mode, limits, limiter, sessions, consoleSettings, null);
    }

    /** @param tls implicit TLS for every connection (null: plain TCP) */
    public TelnetChannelInitializer(
            TelnetMode mode,
            LimitsConfig limits,
            ConnectionLimiter limiter,
            TelnetSessionHandler.SessionFactory sessions,
            TelnetSessionHandler.ConsoleSettings consoleSettings,
            ServerTls tls) {
        this.tls = tls;
        this.mode = mode;
        this.limits = limits;
        this.limiter = limiter;
        this.sessions = sessions;
        this.consoleSettings = consoleSettings;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config()
                .setWriteBufferWaterMark(
                        new WriteBufferWaterMark(limits.outboundLowWaterBytes(), limits.outboundHighWaterBytes()));
        ch.pipeline().addLast("limit", limiter);
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc())).addLast("tls-gate", new TlsHandshakeGate());
        }
        if (limits.idleTimeoutEnabled()) {
            ch.pipeline()
                    .addLast(
                            "idle", new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        }
        ch.pipeline()
                // The answers to requests read in one go (pipelined) leave in one write(2): flushes
                // made while reading are held until the read ends. Flushes made outside a read stay
                // immediate: deferring them would leave a channel that just took a large reply
                // unwritable when the next event is offered, and the event would be dropped.
                .addLast("flush", new FlushConsolidationHandler(256, false))
                .addLast("guard", new SlowClientGuard(limits.stuckClientTimeout(), limits.idleTimeout()))
                .addLast("telnet", new TelnetDecoder(limits.subnegotiationBytes()))
                .addLast("options", new TelnetNegotiationHandler(mode, limits.detectTimeout()))
                .addLast("session", new TelnetSessionHandler(sessions, consoleSettings));
    }
}
