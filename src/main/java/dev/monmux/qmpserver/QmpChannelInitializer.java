package dev.monmux.qmpserver;

import dev.monmux.config.LimitsConfig;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.net.SlowClientGuard;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.tls.ServerTls;
import dev.monmux.tls.TlsHandshakeGate;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;

/** The pipeline of one QMP client connection: limits, back-pressure, QEMU's JSON streamer, session. */
public final class QmpChannelInitializer extends ChannelInitializer<Channel> {
    private final QmpEndpoint link;
    private final QmpServerContext ctx;
    private final LimitsConfig limits;
    private final ConnectionLimiter limiter;
    private final String role;
    private final ServerTls tls;

    public QmpChannelInitializer(
            QmpEndpoint link, QmpServerContext ctx, LimitsConfig limits, ConnectionLimiter limiter, String role) {
        this(link, ctx, limits, limiter, role, null);
    }

    /** @param tls TLS for every connection (null: plain) */
    public QmpChannelInitializer(
            QmpEndpoint link,
            QmpServerContext ctx,
            LimitsConfig limits,
            ConnectionLimiter limiter,
            String role,
            ServerTls tls) {
        this.tls = tls;
        this.link = link;
        this.ctx = ctx;
        this.limits = limits;
        this.limiter = limiter;
        this.role = role;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.config()
                .setWriteBufferWaterMark(
                        new WriteBufferWaterMark(limits.outboundLowWaterBytes(), limits.outboundHighWaterBytes()));
        QmpServerHandler session = new QmpServerHandler(link, ctx, role);
        // No idle timeout: QMP clients (monitoring agents) legitimately sit silent, waiting for events.
        ch.pipeline().addLast("limit", limiter);
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc())).addLast("tls-gate", new TlsHandshakeGate());
        }
        ch.pipeline()
                // The answers to requests read in one go (pipelined) leave in one write(2): flushes
                // made while reading are held until the read ends. Flushes made outside a read stay
                // immediate: deferring them would leave a channel that just took a large reply
                // unwritable when the next event is offered, and the event would be dropped.
                .addLast("flush", new FlushConsolidationHandler(256, false))
                .addLast("guard", new SlowClientGuard(limits.stuckClientTimeout(), limits.idleTimeout()))
                .addLast("json", new QmpInputDecoder(ctx.maxMessageBytes()))
                .addLast("session", session);
    }
}
