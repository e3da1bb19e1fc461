package dev.monmux.tls;

import dev.monmux.net.ConnectionErrors;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the {@code SslHandler}. It holds back {@code channelActive} until the TLS
 * handshake is done, so the handlers behind it (telnet negotiation and its detection timeout, the
 * QMP greeting, the client certificate's user) start only once the connection is secure and the
 * peer known; a failed handshake closes the connection and the handlers behind never see it.
 * Afterwards it tells them when the client sends TLS {@code close_notify} (what {@code socat
 * OPENSSL:} does at the end of its input) as if the client had half-closed a plain connection:
 * monmux answers what it received, then closes.
 */
public final class TlsHandshakeGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeGate.class);

    private boolean active;
    private boolean open;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        if (open) {
            ctx.fireChannelActive();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                open = true;
                if (active) {
                    ctx.fireChannelActive();
                }
            } else {
                log.info(
                        "TLS handshake with {} failed: {}",
                        ctx.channel().remoteAddress(),
                        ConnectionErrors.describe(ConnectionErrors.unwrapped(done.cause())));
                ctx.close();
            }
            return;
        }
        if (evt instanceof SslCloseCompletionEvent closed && closed.isSuccess() && open) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open) {
            ctx.fireChannelRead(msg);
        } else {
            // Nothing is decrypted before the handshake completes.
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Behind the gate a connection that never became active never becomes inactive either.
        if (open) {
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (open) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        log.info("TLS connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
