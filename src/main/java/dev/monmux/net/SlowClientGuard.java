package dev.monmux.net;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Protects everyone else from one client. While the client's outbound buffer is over the high
 * water mark (it is not reading) monmux stops reading from it too, so it cannot pile up work;
 * if it stays stuck for {@code stuckTimeout} it is disconnected. Also closes a client that sent
 * nothing for the idle timeout (an {@link IdleStateEvent} from an upstream IdleStateHandler).
 */
public final class SlowClientGuard extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(SlowClientGuard.class);

    private final Duration stuckTimeout;
    private final Duration idleTimeout;
    private final Runnable onStuckDisconnect;
    private ScheduledFuture<?> stuckTimer;
    private boolean inputPaused;

    public SlowClientGuard(Duration stuckTimeout, Duration idleTimeout, Runnable onStuckDisconnect) {
        this.stuckTimeout = stuckTimeout;
        this.idleTimeout = idleTimeout;
        this.onStuckDisconnect = onStuckDisconnect;
    }

    /** Pauses or resumes reading for a reason of the session's (queued lines); see {@link InputPause}. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof InputPause p) {
            inputPaused = p.paused();
            updateAutoRead(ctx);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            String msg = "[monmux] no input for " + dev.monmux.config.Durations.format(idleTimeout) + "; closing\r\n";
            ctx.writeAndFlush(Unpooled.copiedBuffer(msg, StandardCharsets.UTF_8)).addListener(f -> ctx.close());
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            if (stuckTimer != null) {
                stuckTimer.cancel(false);
                stuckTimer = null;
            }
        } else if (stuckTimer == null) {
            stuckTimer = ctx.executor().schedule(() -> {
                if (!ctx.channel().isWritable()) {
                    log.warn("client {}: not reading for {}; disconnecting", ctx.channel().remoteAddress(),
                            dev.monmux.config.Durations.format(stuckTimeout));
                    onStuckDisconnect.run();
                    ctx.close();
                }
            }, stuckTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        updateAutoRead(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void updateAutoRead(ChannelHandlerContext ctx) {
        boolean read = ctx.channel().isWritable() && !inputPaused;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stuckTimer != null) {
            stuckTimer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    /** User event a session fires down its pipeline to stop or resume reading its client. */
    public record InputPause(boolean paused) {
    }
}
