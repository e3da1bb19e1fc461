package dev.monmux.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.command.ActivityListener;
import dev.monmux.qmp.QmpJson;
import dev.monmux.session.EventFilter;
import dev.monmux.session.SharedVm;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the control socket: who the client is (its peer credentials, then
 * {@code control.users}), its one request, the answer, and the end of the connection. A
 * client that is not known, or whose request does not parse, gets one {@code refused} answer.
 */
final class ControlHandler extends SimpleChannelInboundHandler<String> {
    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);
    static final String FIRST_LINE_TIMEOUT = "first-line-timeout";

    private final ControlContext ctx;
    private final Consumer<EventFollower> following;
    private final Consumer<EventFollower> unfollowing;
    private final Consumer<CompletableFuture<?>> inFlight;
    private LocalPeer peer;
    private ControlClient client;
    private SharedVm vm;
    private EventFollower follower;
    private boolean requested;

    /**
     * @param following   told of a client that follows a VM's events (so a reload can move it)
     * @param unfollowing told when it stops
     * @param inFlight    told of each answer still to come (a stop waits for them)
     */
    ControlHandler(
            ControlContext ctx,
            Consumer<EventFollower> following,
            Consumer<EventFollower> unfollowing,
            Consumer<CompletableFuture<?>> inFlight) {
        this.ctx = ctx;
        this.following = following;
        this.unfollowing = unfollowing;
        this.inFlight = inFlight;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) throws Exception {
        peer = peerOf(c.channel());
        super.channelActive(c);
    }

    private LocalPeer peerOf(Channel ch) {
        if (ch instanceof EpollDomainSocketChannel e) {
            try {
                PeerCredentials cred = e.peerCredentials();
                int[] gids = cred.gids();
                return ctx.accounts().peer(cred.uid(), gids.length > 0 ? gids[0] : -1);
            } catch (IOException ex) {
                log.warn("control socket: cannot read a client's peer credentials: {}", ex.getMessage());
            }
        }
        return null;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext c, String line) {
        if (requested) {
            return; // one request per connection; what follows (while following events) is ignored
        }
        if (line.isBlank()) {
            return;
        }
        requested = true;
        if (c.pipeline().get(FIRST_LINE_TIMEOUT) != null) {
            c.pipeline().remove(FIRST_LINE_TIMEOUT);
        }
        ControlRequest req;
        try {
            req = ControlRequest.parse(line);
        } catch (IllegalArgumentException e) {
            finish(c, ControlCommands.refused(e.getMessage()));
            return;
        }
        if (peer == null) {
            finish(c, ControlCommands.refused("monmux cannot tell who this client is (no peer credentials)"));
            return;
        }
        ControlIdentity.Resolved who = ControlIdentity.resolve(peer, ctx.config(), ctx.users(), ctx.authRequired());
        ActivityListener activity = ctx.sessions().activity();
        if (who.refusal() != null) {
            activity.loginFailed("unknown", "unix:" + peer.describe(), ControlClient.LISTENER, "not in control.users");
            log.info("control socket: refused {}: {}", peer.describe(), who.refusal());
            finish(c, ControlCommands.refused(who.refusal()));
            return;
        }
        client = new ControlClient(ctx.sessions().sessions().nextId(), peer, who.user());
        ControlCommands commands = new ControlCommands(ctx, client, c.channel().eventLoop());
        vm = req.vm() == null ? null : commands.vm(req.vm()).orElse(null);
        activity.sessionOpened(client.actor(vm));
        switch (req.command()) {
            case "list" -> finish(c, commands.list());
            case "who" -> finish(c, commands.who(req.vm()));
            case "hmp" -> finish(c, commands.hmp(req.vm(), req.line()));
            case "qmp" -> finish(c, commands.qmp(req.vm(), req.qmp()));
            case "reload" -> finish(c, commands.reload());
            case "events" -> follow(c, req);
            default -> finish(c, ControlCommands.refused("unknown command '" + req.command() + "'"));
        }
    }

    private void follow(ChannelHandlerContext c, ControlRequest req) {
        if (vm == null) {
            finish(c, ControlCommands.noSuchVm(req.vm()));
            return;
        }
        EventFilter filter = EventFilter.ALL;
        if (!req.events().isEmpty()) {
            filter = EventFilter.parse(String.join(",", req.events()));
            if (filter == null) {
                finish(c, ControlCommands.refused("--event takes event names or globs (STOP, BLOCK_*)"));
                return;
            }
        }
        ObjectNode started = QmpJson.object().put("status", ControlCommands.OK).put("following", vm.name());
        c.writeAndFlush(QmpJson.encodeLine(c.alloc(), started));
        follower = new EventFollower(
                c.channel(), vm, filter, ctx.events(), ctx.sessions().activity());
        following.accept(follower);
        follower.start();
    }

    private void finish(ChannelHandlerContext c, CompletableFuture<ObjectNode> answer) {
        if (!answer.isDone()) {
            inFlight.accept(answer);
        }
        answer.whenComplete((a, err) -> {
            ObjectNode o = a;
            if (err != null) {
                log.error("control socket: unexpected failure", err);
                o = ControlCommands.refused("internal error in monmux; see the monmux log");
            }
            ObjectNode last = o;
            c.executor().execute(() -> finish(c, last));
        });
    }

    private static void finish(ChannelHandlerContext c, ObjectNode answer) {
        c.writeAndFlush(QmpJson.encodeLine(c.alloc(), answer)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) throws Exception {
        if (follower != null) {
            follower.stop();
            unfollowing.accept(follower);
        }
        if (client != null) {
            ctx.sessions().activity().sessionClosed(client.actor(vm), "client");
        }
        super.channelInactive(c);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        if (cause instanceof TooLongFrameException && !requested) {
            requested = true;
            finish(c, ControlCommands.refused("the request is too long"));
            return;
        }
        if (cause instanceof ReadTimeoutException) {
            finish(c, ControlCommands.refused("no request within 30 seconds"));
            return;
        }
        log.debug(
                "control socket client: {}",
                Optional.ofNullable(cause.getMessage()).orElse(cause.toString()));
        c.close();
    }
}
