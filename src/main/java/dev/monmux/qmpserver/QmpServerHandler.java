package dev.monmux.qmpserver;

import dev.monmux.command.Actor;
import dev.monmux.net.Addresses;
import dev.monmux.net.ConnectionErrors;
import dev.monmux.net.SlowClientGuard;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.json.QmpInput;
import dev.monmux.tls.TlsPeer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of a QMP client's pipeline: creates its {@link QmpClientSession} and feeds it. */
public final class QmpServerHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(QmpServerHandler.class);

    private final QmpEndpoint link;
    private final QmpServerContext ctx;
    private final String role;
    private QmpClientSession session;

    /** @param role the role of the listener's clients ({@code viewer}, {@code operator}, {@code admin}) */
    public QmpServerHandler(QmpEndpoint link, QmpServerContext ctx, String role) {
        this.link = link;
        this.ctx = ctx;
        this.role = role;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        // A verified client certificate names the client: its CN is the user recorded, and when that
        // is a configured user, the ACL applies the user's own role and grants instead of the listener's.
        String user = TlsPeer.commonName(c.channel()).orElse("-");
        Actor actor = new Actor(ctx.sessionIds().get(), user, role, remote(c), "qmp");
        session = new QmpClientSession(c.channel(), link, ctx, actor);
        session.open();
        c.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        if (msg instanceof QmpInput in && session != null) {
            session.input(in);
        } else {
            c.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && session != null) {
            session.endOfInput();
            return;
        }
        if (evt instanceof SlowClientGuard.Disconnecting why && session != null) {
            session.closingBecause(why.reason());
            return;
        }
        c.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        if (session != null) {
            session.closed();
        }
        c.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        // Never a stack trace to the client; the connection ends and the others carry on.
        ConnectionErrors.log(log, "QMP client " + c.channel().remoteAddress(), cause);
        c.close();
    }

    private static String remote(ChannelHandlerContext c) {
        if (c.channel().remoteAddress() instanceof InetSocketAddress i) {
            return Addresses.hostPort(i);
        }
        return "unix";
    }
}
