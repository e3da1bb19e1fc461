package dev.monmux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Minimal QMP servers for the scale test (P4): 500 real QEMUs do not fit two cores. Every
 * connection to the one TCP port is a separate fake VM that speaks just enough QMP: QEMU
 * 7.2.22's greeting, {@code qmp_capabilities}, {@code query-status},
 * {@code human-monitor-command "info status"}; anything else gets {@code CommandNotFound}.
 */
final class FakeQmpFleet implements AutoCloseable {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, "
            + "\"package\": \"bench fake\"}, \"capabilities\": [\"oob\"]}}\r\n";

    private final Channel server;

    FakeQmpFleet(EventLoopGroup group) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(1 << 20), new Vm());
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    String address() {
        return "tcp:127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    private static final class Vm extends SimpleChannelInboundHandler<ByteBuf> {
        private boolean negotiated;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(GREETING, StandardCharsets.UTF_8));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) throws Exception {
            JsonNode req = QmpSync.JSON.readTree(line.toString(StandardCharsets.UTF_8));
            String cmd = req.path("execute").asText();
            ObjectNode reply = QmpSync.JSON.createObjectNode();
            if (cmd.equals("qmp_capabilities") && !negotiated) {
                negotiated = true;
                reply.putObject("return");
            } else if (negotiated && cmd.equals("query-status")) {
                reply.putObject("return")
                        .put("status", "running")
                        .put("singlestep", false)
                        .put("running", true);
            } else if (negotiated
                    && cmd.equals("human-monitor-command")
                    && req.path("arguments").path("command-line").asText().equals("info status")) {
                reply.put("return", QmpSync.INFO_STATUS);
            } else {
                reply.putObject("error")
                        .put("class", "CommandNotFound")
                        .put("desc", "The command " + cmd + " has not been found");
            }
            if (req.has("id")) {
                reply.set("id", req.get("id"));
            }
            ctx.writeAndFlush(Unpooled.copiedBuffer(reply.toString() + "\r\n", StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
    }
}
