package dev.monmux.control;

import dev.monmux.config.LimitsConfig;
import dev.monmux.net.BindErrors;
import dev.monmux.net.Transport;
import dev.monmux.net.UnixSocketFiles;
import dev.monmux.session.SharedVm;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket ({@code control.socket}): a unix socket for {@code monmux ctl}, its file given
 * the configured mode and group. Clients are known by the kernel's peer credentials, which only
 * the epoll transport reads: under {@code transport: nio} the socket is refused at start.
 */
public final class ControlListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);
    /** A request is one line; a QMP command in it is bounded as QEMU bounds one (1 MiB), plus the rest. */
    private static final int MAX_REQUEST_BYTES = (1 << 20) + (64 << 10);
    /** How long a client may take to send its request. */
    static final int FIRST_LINE_SECONDS = 10;

    private final Path path;
    private final ControlContext ctx;
    private final ControlConnections connections;
    private final ChannelGroup clients = new DefaultChannelGroup("control-clients", GlobalEventExecutor.INSTANCE);
    private final Set<EventFollower> followers = ConcurrentHashMap.newKeySet();
    /** The answers still to come (a {@code monmux ctl hmp} waiting for QEMU, say). */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

    private Channel channel;

    private ControlListener(Path path, ControlContext ctx, LimitsConfig limits) {
        this.path = path;
        this.ctx = ctx;
        this.connections = new ControlConnections(limits.maxClients(), limits.maxClientsPerAddress());
    }

    /** Binds the socket at {@code path}; fails with a one-line reason. */
    public static ControlListener bind(
            Path path,
            ControlContext ctx,
            Transport transport,
            EventLoopGroup acceptors,
            EventLoopGroup workers,
            LimitsConfig limits) {
        if (!transport.peerCredentials()) {
            throw new IllegalStateException("control.socket: needs the epoll transport to know who connects "
                    + "(its peer credentials), but the transport is " + transport.label()
                    + "; set transport: epoll (or auto, where epoll loads) or leave control.socket out");
        }
        ControlListener l = new ControlListener(path.toAbsolutePath(), ctx, limits);
        l.start(transport, acceptors, workers);
        return l;
    }

    private void start(Transport transport, EventLoopGroup acceptors, EventLoopGroup workers) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.unixServer())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        clients.add(ch);
                        ch.pipeline()
                                .addLast(new LineBasedFrameDecoder(MAX_REQUEST_BYTES, true, true))
                                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                                .addLast(new ControlHandler(
                                        ctx,
                                        new ControlHandler.Hooks(
                                                followers::add,
                                                followers::remove,
                                                ControlListener.this::track,
                                                connections),
                                        c -> ControlHandler.peerOf(c, ctx.accounts())));
                    }
                });
        try {
            channel = UnixSocketFiles.bind(
                    path,
                    UnixSocketFiles.permissions(ctx.config().get().modeBits()),
                    ctx.config().get().group(),
                    at -> b.bind(transport.unix(at)).sync().channel(),
                    Channel::close);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "control.socket: cannot listen on " + path + ": " + BindErrors.describe(e), e);
        }
        log.info("control socket on {} (mode {})", path, ctx.config().get().mode());
    }

    /** A reload gave the VM a new link ({@code fresh}) or removed it (null): its followers are told. */
    public void vmReplaced(String name, SharedVm fresh) {
        for (EventFollower f : followers) {
            if (f.vmName().equals(name)) {
                f.replaced(fresh);
            }
        }
    }

    private void track(CompletableFuture<?> answer) {
        inFlight.add(answer);
        answer.whenComplete((r, e) -> inFlight.remove(answer));
    }

    /** Completes once every answer still to come has come (monmux is stopping). */
    public CompletableFuture<Void> drain() {
        return CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                .handle((r, e) -> null);
    }

    /** The users or control.users were reloaded: each follower is checked again. */
    public void usersReloaded() {
        for (EventFollower f : followers) {
            f.usersReloaded();
        }
    }

    /** How many clients follow a VM's events now. */
    public int followers() {
        return followers.size();
    }

    /** Takes no more clients and deletes the socket file; those connected go on. */
    public void stopListening() {
        if (channel != null && channel.isOpen()) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("cannot delete the control socket {}: {}", path, e.getMessage());
            }
        }
    }

    /** Stops listening (the socket file deleted) and closes the clients. */
    @Override
    public void close() {
        stopListening();
        for (EventFollower f : followers) {
            f.monmuxStopping();
        }
        clients.forEach(ch -> ch.attr(ControlHandler.CLOSE_REASON).set("shutdown"));
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
