package dev.monmux.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.config.MetricsConfig;
import dev.monmux.net.Addresses;
import dev.monmux.net.BindErrors;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpJson;
import dev.monmux.session.SharedVm;
import dev.monmux.session.VmDirectory;
import dev.monmux.tls.ServerTls;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP listener for {@code /metrics} and {@code /healthz}, on its own event loop. */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final EventLoopGroup group;
    private final Channel channel;

    private MetricsServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    public static MetricsServer start(
            MetricsConfig c, PrometheusMeterRegistry registry, MonmuxMetrics metrics, VmDirectory vms)
            throws InterruptedException {
        return start(c, registry, metrics, vms, null);
    }

    /** @param tls HTTPS (null: plain HTTP) */
    public static MetricsServer start(
            MetricsConfig c, PrometheusMeterRegistry registry, MonmuxMetrics metrics, VmDirectory vms, ServerTls tls)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast(
                                        new ReadTimeoutHandler(60, TimeUnit.SECONDS),
                                        new HttpServerCodec(4096, 8192, 8192),
                                        new HttpObjectAggregator(64 * 1024),
                                        new MetricsHttpHandler(
                                                () -> {
                                                    metrics.refresh();
                                                    return registry.scrape();
                                                },
                                                () -> health(vms)));
                    }
                });
        try {
            Channel ch = b.bind(c.bind(), c.port()).sync().channel();
            log.info("metrics on {}://{}/metrics (health: /healthz)", tls == null ? "http" : "https", describe(ch));
            return new MetricsServer(group, ch);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(
                    "cannot listen for metrics on " + c.bind() + ":" + c.port() + ": " + BindErrors.describe(e), e);
        }
    }

    static MetricsHttpHandler.Health health(VmDirectory vms) {
        ObjectNode body = QmpJson.object();
        body.put("status", "ok");
        ObjectNode states = body.putObject("vms");
        ArrayNode down = QmpJson.MAPPER.createArrayNode();
        for (SharedVm vm : vms.all()) {
            QmpEndpoint.State s = vm.link().state();
            states.put(vm.name(), s.name());
            if (s != QmpEndpoint.State.UP) {
                down.add(vm.name());
            }
        }
        body.put("status", down.isEmpty() ? "ok" : "down");
        body.set("down", down);
        return new MetricsHttpHandler.Health(down.isEmpty(), body);
    }

    private static String describe(Channel ch) {
        return Addresses.hostPort(ch.localAddress());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
