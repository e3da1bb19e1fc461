package dev.monmux.qmpserver;

import dev.monmux.config.LimitsConfig;
import dev.monmux.config.QmpListenerConfig;
import dev.monmux.net.BindErrors;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.net.Transport;
import dev.monmux.net.UnixSocketFiles;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.VmLink;
import dev.monmux.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QMP listeners of every VM: unix sockets (file mode set at bind, a stale socket file from a
 * dead process removed, the file deleted at close) and loopback TCP ports.
 */
public final class QmpListeners implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QmpListeners.class);

    /** One bound listener. */
    public record Bound(String vm, QmpListenerConfig config, Channel channel, ChannelGroup clients) {
        /** The TCP port actually bound (for port 0), or -1 for a unix socket. */
        public int port() {
            return channel.localAddress() instanceof InetSocketAddress i ? i.getPort() : -1;
        }
    }

    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final QmpServerContext ctx;
    private final LimitsConfig limits;
    private final List<Bound> bound = new CopyOnWriteArrayList<>();
    private final ChannelGroup clients = new DefaultChannelGroup("qmp-clients", GlobalEventExecutor.INSTANCE);

    public QmpListeners(
            Transport transport,
            EventLoopGroup acceptors,
            EventLoopGroup workers,
            QmpServerContext ctx,
            LimitsConfig limits) {
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
        this.ctx = ctx;
        this.limits = limits;
    }

    /** Binds one listener for {@code link}; fails with a one-line reason. */
    public Bound bind(QmpEndpoint link, QmpListenerConfig lc) {
        return bind(link, lc, null);
    }

    /** Binds one listener for {@code link}, with TLS when {@code tls} is not null. */
    public Bound bind(QmpEndpoint link, QmpListenerConfig lc, ServerTls tls) {
        QmpChannelInitializer init = new QmpChannelInitializer(
                link,
                ctx,
                limits,
                new ConnectionLimiter(
                        limits.maxClients(),
                        limits.maxClientsPerAddress(),
                        () -> ctx.activity().connectionRefused("qmp")),
                lc.role(),
                tls);
        ChannelGroup mine = new DefaultChannelGroup("qmp-clients-" + lc, GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap()
                // The clients live on the VM link's thread: no hand-over between threads per
                // command (see docs/benchmarks.md).
                .group(acceptors, link instanceof VmLink v ? v.eventLoop() : workers)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        clients.add(ch);
                        mine.add(ch);
                        ch.pipeline().addLast(init);
                    }
                });
        Channel ch;
        try {
            if (lc.unix() != null) {
                Path path = lc.unixPath().toAbsolutePath();
                // A client that half-closes (`printf ... | socat - UNIX-CONNECT:...`) gets every
                // answer first, as from QEMU. Netty's NIO unix channel cannot do that (it closes at
                // the end of input whatever is asked; AbstractNioByteChannel honours half-closure
                // for TCP only): with transport: nio such a client must keep its side open.
                b.channel(transport.unixServer());
                if (transport.unixHalfClose()) {
                    b.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                }
                ch = UnixSocketFiles.bind(
                        path,
                        PosixFilePermissions.fromString(lc.permissions()),
                        null,
                        at -> b.bind(transport.unix(at)).sync().channel(),
                        Channel::close);
            } else {
                b.channel(transport.tcpServer())
                        .option(ChannelOption.SO_REUSEADDR, true)
                        // `printf ... | nc` half-closes: answer what it sent, then close.
                        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .childOption(ChannelOption.TCP_NODELAY, true);
                ch = b.bind(lc.host(), lc.port()).sync().channel();
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "VM '" + link.name() + "': cannot listen for QMP on " + lc + ": " + BindErrors.describe(e), e);
        }
        Bound bd = new Bound(link.name(), lc, ch, mine);
        bound.add(bd);
        log.info(
                "QMP listener on {} (VM '{}', role {})",
                lc.unix() != null ? lc.unix() : ch.localAddress(),
                link.name(),
                lc.role());
        return bd;
    }

    /**
     * A reload removed the listener: it stops listening, its clients are disconnected (with reason
     * {@code reload}) and a unix socket file is deleted.
     */
    public void unbind(String vm, QmpListenerConfig lc) {
        for (Bound b : List.copyOf(bound)) {
            if (b.vm().equals(vm) && b.config().equals(lc)) {
                bound.remove(b);
                close(b, "reload");
                log.info("QMP listener on {} (VM '{}') closed", lc, vm);
            }
        }
    }

    /** A reload removed the VM: every QMP listener of it is closed with its clients. */
    public void unbindVm(String vm) {
        for (Bound b : bound) {
            if (b.vm().equals(vm)) {
                unbind(vm, b.config());
            }
        }
    }

    private static void close(Bound b, String reason) {
        b.channel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        b.clients().forEach(ch -> ch.attr(QmpClientSession.CLOSE_REASON).set(reason));
        b.clients().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (b.config().unix() != null) {
            try {
                Files.deleteIfExists(b.config().unixPath().toAbsolutePath());
            } catch (IOException e) {
                log.warn("cannot delete QMP socket {}: {}", b.config().unix(), e.getMessage());
            }
        }
    }

    public List<Bound> bound() {
        return List.copyOf(bound);
    }

    /** Stops listening, disconnects every QMP client and deletes the socket files. */
    @Override
    public void close() {
        for (Bound b : bound) {
            b.channel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            if (b.config().unix() != null) {
                try {
                    Files.deleteIfExists(b.config().unixPath().toAbsolutePath());
                } catch (IOException e) {
                    log.warn("cannot delete QMP socket {}: {}", b.config().unix(), e.getMessage());
                }
            }
        }
        bound.clear();
        clients.forEach(ch -> ch.attr(QmpClientSession.CLOSE_REASON).set("shutdown"));
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
