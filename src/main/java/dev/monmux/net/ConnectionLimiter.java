package dev.monmux.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the clients of one listener, in all and per remote address, so a connection flood cannot
 * exhaust file descriptors or memory. A refused client gets one line saying why; nothing else of
 * the pipeline runs for it. One instance per listener, shared by its connections.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("monmux.counted");

    private final int maxClients;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Runnable onRefused;

    public ConnectionLimiter(int maxClients, int maxPerAddress, Runnable onRefused) {
        this.maxClients = maxClients;
        this.maxPerAddress = maxPerAddress;
        this.onRefused = onRefused;
    }

    public int clients() {
        return total.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress addr = address(ctx);
        AtomicInteger mine = perAddress.computeIfAbsent(addr, a -> new AtomicInteger());
        int n = mine.incrementAndGet();
        int all = total.incrementAndGet();
        ctx.channel().attr(COUNTED).set(Boolean.TRUE);
        String refusal = null;
        if (all > maxClients) {
            refusal = "monmux: too many clients on this listener (limit " + maxClients + "); try later\r\n";
        } else if (n > maxPerAddress) {
            refusal = "monmux: too many clients from " + addr.getHostAddress() + " (limit " + maxPerAddress
                    + " per address); try later\r\n";
        }
        if (refusal != null) {
            onRefused.run();
            ctx.writeAndFlush(Unpooled.copiedBuffer(refusal, StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
            total.decrementAndGet();
            InetAddress addr = address(ctx);
            perAddress.computeIfPresent(addr, (a, c) -> c.decrementAndGet() == 0 ? null : c);
        }
        ctx.fireChannelInactive();
    }

    private static InetAddress address(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress isa) {
            return isa.getAddress();
        }
        return InetAddress.getLoopbackAddress();
    }
}
