package dev.monmux.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.QmpJson;
import dev.monmux.session.EventFilter;
import dev.monmux.session.SharedVm;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the control socket: who the client is (its peer credentials, then
 * {@code control.users}, decided as it connects: a stranger is answered and closed before monmux
 * reads a byte of it), its one request, the answer, and the end of the connection.
 */
final class ControlHandler extends SimpleChannelInboundHandler<String> {
    private static final Logger log = LoggerFactory.getLogger(ControlHandler.class);
    /** Why monmux closed the connection ({@code shutdown}); unset: the client's doing. */
    static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf("monmux.control.closeReason");

    /** What the handler tells the listener. */
    record Hooks(
            Consumer<EventFollower> following,
            Consumer<EventFollower> unfollowing,
            Consumer<CompletableFuture<?>> inFlight,
            ControlConnections connections) {}

    private final ControlContext ctx;
    private final Hooks hooks;
    private final Function<Channel, LocalPeer> peers;
    private LocalPeer peer;
    private boolean admitted;
    private ControlClient client;
    private SharedVm vm;
    /** Refuses the client if its request has not come by then (counted from the connection, not reset by input). */
    private ScheduledFuture<?> deadline;

    private EventFollower follower;
    private boolean requested;
    /** Whether the audit log has this client's {@code session.open} (then it gets its close). */
    private boolean opened;
    /** How long a refused stranger waits for its answer. */
    static final long STRANGER_WAIT_MS = 1000;

    /** @param peers who the client of a channel is (its peer credentials), or null if unknown */
    ControlHandler(ControlContext ctx, Hooks hooks, Function<Channel, LocalPeer> peers) {
        this.ctx = ctx;
        this.hooks = hooks;
        this.peers = peers;
    }

    @Override
    public void channelActive(ChannelHandlerContext c) throws Exception {
        super.channelActive(c);
        peer = peers.apply(c.channel());
        if (peer == null) {
            refuse(c, "monmux cannot tell who this client is (no peer credentials)");
            return;
        }
        if (!hooks.connections().admit(peer.uid())) {
            ctx.sessions().activity().connectionRefused(ControlClient.LISTENER);
            refuse(c, "too many control connections; try again when some have ended");
            return;
        }
        admitted = true;
        ControlIdentity.Resolved who = identity();
        if (who.refusal() != null) {
            refuseStranger(c, who.refusal());
            return;
        }
        client = new ControlClient(ctx.sessions().sessions().nextId(), peer, who.user());
        deadline = c.executor()
                .schedule(
                        () -> {
                            if (!requested) {
                                refuse(c, "no request within " + ControlListener.FIRST_LINE_SECONDS + " seconds");
                            }
                        },
                        ControlListener.FIRST_LINE_SECONDS,
                        TimeUnit.SECONDS);
    }

    /** The client of an epoll unix channel, by the kernel's peer credentials; null for any other. */
    static LocalPeer peerOf(Channel ch, UnixAccounts accounts) {
        if (ch instanceof EpollDomainSocketChannel e) {
            try {
                PeerCredentials cred = e.peerCredentials();
                int[] gids = cred.gids();
                return accounts.peer(cred.uid(), gids.length > 0 ? gids[0] : -1);
            } catch (IOException ex) {
                log.warn("control socket: cannot read a client's peer credentials: {}", ex.getMessage());
            }
        }
        return null;
    }

    /**
     * A client whose Unix user is no monmux user: nothing it sends is read; it is recorded at
     * once and answered after {@link #STRANGER_WAIT_MS}, as a failed telnet login waits, with at most
     * {@link ControlConnections#STRANGERS_PER_USER} of one Unix user waiting at once. One more is
     * closed at once and only counted (monmux_connections_refused_total): a local user who may
     * open the socket cannot write refusals into the audit log faster than three a second.
     */
    private void refuseStranger(ChannelHandlerContext c, String why) {
        c.channel().config().setAutoRead(false);
        requested = true;
        if (!hooks.connections().admitRefusal(peer.uid())) {
            ctx.sessions().activity().connectionRefused(ControlClient.LISTENER);
            refuse(c, "too many refused connections of this Unix user at once; " + why);
            return;
        }
        // Recorded now (a stop within the second must not lose it); the place is held for the
        // second, which is what bounds the records to three a second per Unix user.
        ctx.sessions().activity().loginFailed("unknown", "unix:" + peer.describe(), ControlClient.LISTENER, why);
        log.debug("control socket: refused {}: {}", peer.describe(), why);
        c.executor()
                .schedule(
                        () -> {
                            hooks.connections().releaseRefusal(peer.uid());
                            refuse(c, why);
                        },
                        STRANGER_WAIT_MS,
                        TimeUnit.MILLISECONDS);
    }

    /** Who the client is now, by the configuration in force. */
    private ControlIdentity.Resolved identity() {
        return ControlIdentity.resolve(peer, ctx.config().get(), ctx.users(), ctx.authRequired());
    }

    /** Answers {@code refused} at once and closes; nothing the client sent is read. */
    private void refuse(ChannelHandlerContext c, String why) {
        requested = true;
        c.channel().config().setAutoRead(false);
        finish(c, ControlCommands.refused(why));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext c, String line) {
        if (requested || line.isBlank()) {
            return; // one request per connection; what follows (while following events) is ignored
        }
        requested = true;
        deadline.cancel(false);
        ControlRequest req;
        try {
            req = ControlRequest.parse(line);
        } catch (IllegalArgumentException e) {
            finish(c, ControlCommands.refused(e.getMessage()));
            return;
        }
        // Who the client is, again, now: a reload since it connected may have removed or
        // demoted its user, or its Unix user from control.users.
        ControlIdentity.Resolved now = identity();
        if (now.refusal() != null) {
            ctx.sessions()
                    .activity()
                    .loginFailed("unknown", "unix:" + peer.describe(), ControlClient.LISTENER, now.refusal());
            finish(c, ControlCommands.refused(now.refusal()));
            return;
        }
        client = new ControlClient(client.id(), peer, now.user());
        ControlCommands commands = new ControlCommands(ctx, client, c.channel().eventLoop());
        vm = req.vm() == null ? null : commands.vm(req.vm()).orElse(null);
        ctx.sessions().activity().sessionOpened(client.actor(vm));
        opened = true;
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
                c.channel(), vm, filter, ctx.events(), ctx.sessions().activity(), this::whyNotAllowed);
        hooks.following().accept(follower);
        follower.start();
        // A reload that replaced or removed the VM just now did not see this follower yet.
        SharedVm now = ctx.sessions().vms().get(vm.name()).orElse(null);
        if (now != vm) {
            follower.replaced(now);
        }
    }

    /**
     * Whether the client may still follow {@code v}'s events (after a reload of the users): its
     * Unix user still maps to a user, and that user still has a grant on the VM. Null if so, else
     * why not.
     */
    private String whyNotAllowed(SharedVm v) {
        ControlIdentity.Resolved who = identity();
        if (who.refusal() != null) {
            return who.refusal();
        }
        if (who.user().roleOn(v.name()).isEmpty()) {
            return "user '" + who.user().name() + "' no longer has access to VM '" + v.name() + "'";
        }
        return null;
    }

    private void finish(ChannelHandlerContext c, CompletableFuture<ObjectNode> answer) {
        if (!answer.isDone()) {
            hooks.inFlight().accept(answer);
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
    public void userEventTriggered(ChannelHandlerContext c, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && !requested) {
            refuse(c, "no request (a request is one line of JSON, ending in a newline)");
            return;
        }
        super.userEventTriggered(c, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) throws Exception {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (follower != null) {
            follower.stop();
            hooks.unfollowing().accept(follower);
        }
        if (opened) {
            String reason = c.channel().attr(CLOSE_REASON).get();
            ctx.sessions().activity().sessionClosed(client.actor(vm), reason == null ? "client" : reason);
        }
        if (admitted) {
            hooks.connections().release(peer.uid());
        }
        // A waiting refusal keeps its place until it is recorded, even if its client has left:
        // connecting and closing at once must not buy a faster stream of records.
        super.channelInactive(c);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        if (cause instanceof TooLongFrameException && !requested) {
            refuse(c, "the request is too long");
            return;
        }
        log.debug(
                "control socket client: {}",
                Optional.ofNullable(cause.getMessage()).orElse(cause.toString()));
        c.close();
    }
}
