package dev.monmux.telnet;

import java.util.concurrent.TimeUnit;

import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.net.SlowClientGuard;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.channel.Channel;

/** The pipeline of one telnet connection, protocol first, behaviour last. */
public final class TelnetChannelInitializer extends ChannelInitializer<Channel> {
    private final TelnetMode mode;
    private final LimitsConfig limits;
    private final TelnetSessionHandler.SessionFactory sessions;
    private final TelnetSessionHandler.ConsoleSettings consoleSettings;
    private final ConnectionLimiter limiter;
    private final Runnable onStuckDisconnect;

    public TelnetChannelInitializer(TelnetMode mode, LimitsConfig limits, ConnectionLimiter limiter,
                                    TelnetSessionHandler.SessionFactory sessions,
                                    TelnetSessionHandler.ConsoleSettings consoleSettings,
                                    Runnable onStuckDisconnect) {
        this.mode = mode;
        this.limits = limits;
        this.limiter = limiter;
        this.sessions = sessions;
        this.consoleSettings = consoleSettings;
        this.onStuckDisconnect = onStuckDisconnect;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(limits.outboundLowWaterBytes(),
                limits.outboundHighWaterBytes()));
        ch.pipeline().addLast("limit", limiter);
        if (limits.idleTimeoutEnabled()) {
            ch.pipeline().addLast("idle", new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0,
                    TimeUnit.MILLISECONDS));
        }
        ch.pipeline()
                .addLast("guard", new SlowClientGuard(limits.stuckClientTimeout(), limits.idleTimeout(), onStuckDisconnect))
                .addLast("telnet", new TelnetDecoder(limits.subnegotiationBytes()))
                .addLast("options", new TelnetNegotiationHandler(mode, limits.detectTimeout()))
                .addLast("session", new TelnetSessionHandler(sessions, consoleSettings));
    }
}
