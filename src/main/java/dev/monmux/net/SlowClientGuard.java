package dev.monmux.net;

import dev.monmux.config.Durations;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protects everyone else from one client. While the client's outbound buffer is over the high
 * water mark (it is not reading) monmux stops reading from it too, so it cannot pile up work;
 * if it stays stuck for {@code stuckTimeout} it is disconnected. Also closes a client that sent
 * nothing for the idle timeout (an {@link IdleStateEvent} from an upstream IdleStateHandler).
 * Before it closes a client it fires {@link Disconnecting} up the pipeline, so the session
 * records why it ended ({@code stuck}, {@code idle}) in the log, the metrics and the audit log.
 */
public final class SlowClientGuard extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(SlowClientGuard.class);

    private final Duration stuckTimeout;
    private final Duration idleTimeout;
    private ScheduledFuture<?> stuckTimer;
    private boolean inputPaused;

    public SlowClientGuard(Duration stuckTimeout, Duration idleTimeout) {
        this.stuckTimeout = stuckTimeout;
        this.idleTimeout = idleTimeout;
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
            String msg = "[monmux] no input for " + Durations.format(idleTimeout) + "; closing\r\n";
            ctx.fireUserEventTriggered(Disconnecting.IDLE);
            ctx.writeAndFlush(Unpooled.copiedBuffer(msg, StandardCharsets.UTF_8))
                    .addListener(f -> ctx.close());
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
            stuckTimer = ctx.executor()
                    .schedule(
                            () -> {
                                if (!ctx.channel().isWritable()) {
                                    log.warn(
                                            "client {}: not reading for {}; disconnecting",
                                            ctx.channel().remoteAddress(),
                                            Durations.format(stuckTimeout));
                                    ctx.fireUserEventTriggered(Disconnecting.STUCK);
                                    ctx.close();
                                }
                            },
                            stuckTimeout.toMillis(),
                            TimeUnit.MILLISECONDS);
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

    /** Fired up the pipeline just before the guard closes the client: why it does. */
    public enum Disconnecting {
        /** The client stopped reading for {@code limits.stuckClientTimeout}. */
        STUCK,
        /** The client sent nothing for {@code limits.idleTimeout}. */
        IDLE;

        /** The close reason as the log, the metrics and the audit log name it. */
        public String reason() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** User event a session fires down its pipeline to stop or resume reading its client. */
    public record InputPause(boolean paused) {}
}
