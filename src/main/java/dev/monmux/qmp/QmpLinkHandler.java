package dev.monmux.qmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/** The last handler of a link's pipeline: forwards what the connection does to its {@link VmLink}. */
final class QmpLinkHandler extends SimpleChannelInboundHandler<ObjectNode> {
    private final VmLink link;

    QmpLinkHandler(VmLink link) {
        this.link = link;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        link.connected(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ObjectNode msg) {
        link.received(ctx.channel(), msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        link.disconnected(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        link.failed(ctx.channel(), cause);
        ctx.close();
    }
}
