package dev.monmux.qmpserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandPipeline;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.OrderedDispatch;
import dev.monmux.command.Outcome;
import dev.monmux.command.SendOrder;
import dev.monmux.net.SlowClientGuard;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpEvent;
import dev.monmux.qmp.QmpGreeting;
import dev.monmux.qmp.VmLinkListener;
import dev.monmux.qmp.json.QdictOrder;
import dev.monmux.qmp.json.QmpInput;
import dev.monmux.qmp.json.QmpRequestCheck;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QMP client of a VM, behaving as QEMU's own QMP monitor would towards it: QEMU's greeting,
 * its own capabilities negotiation, QEMU's errors for malformed input, in-band replies in
 * request order (pipelined), out-of-band replies as soon as they come, and every event once
 * negotiated. Commands go to the VM's shared link through the command contract (plan, gate,
 * observer); the link restores the client's own ids.
 *
 * <p>Confined to the channel's event loop; the link listener callbacks hop onto it.
 *
 * <p>One class for one QMP client's protocol state (greeting, negotiation, in-band order,
 * out-of-band, events), which all moves together.
 */
final class QmpClientSession implements VmLinkListener {
    private static final Logger log = LoggerFactory.getLogger(QmpClientSession.class);
    private static final String CAPS = "qmp_capabilities";
    /** Set on a client's channel by whoever closes it for a reason of its own (e.g. {@code shutdown}). */
    static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf("monmux.qmp.closeReason");

    private final Channel channel;
    private final QmpEndpoint link;
    private final QmpServerContext ctx;
    private final Actor actor;
    private final OrderedDispatch<QmpInput> queue;

    private boolean greeted;
    private boolean negotiated;
    private boolean oob;
    private boolean closed;
    private boolean inputEnded;
    private String closeReason = "client";
    private ScheduledFuture<?> greetingTimer;

    QmpClientSession(Channel channel, QmpEndpoint link, QmpServerContext ctx, Actor actor) {
        this.channel = channel;
        this.link = link;
        this.ctx = ctx;
        this.actor = actor;
        this.queue =
                new OrderedDispatch<>(new Requests(), channel.eventLoop(), ctx.commandsInFlight(), ctx.maxQueued());
    }

    Actor actor() {
        return actor;
    }

    /**
     * The client connected. With the VM up it gets QEMU's greeting at once. Otherwise monmux tries
     * the VM now (not at the end of its reconnect backoff) and the client waits for that attempt,
     * at most the greeting timeout: it gets QEMU's greeting as soon as the VM answers, and is
     * closed at once, with nothing sent, if the VM is not there (as QEMU's absent socket refuses
     * a client at once).
     */
    void open() {
        ctx.activity().sessionOpened(actor);
        link.addListener(this);
        if (link.state() == QmpEndpoint.State.UP && link.greeting() != null) {
            greet(link.greeting());
            return;
        }
        if (link.state() == QmpEndpoint.State.DOWN && !link.connectSoon()) {
            log.debug("QMP client {}: VM '{}' is down; closing", actor.remote(), link.name());
            closeWith("vm-down");
            return;
        }
        long ms = ctx.greetingTimeout().toMillis();
        greetingTimer = channel.eventLoop()
                .schedule(
                        () -> {
                            if (!greeted && !closed) {
                                log.info(
                                        "QMP client {}: VM '{}' not up within {} ms; closing",
                                        actor.remote(),
                                        link.name(),
                                        ms);
                                closeWith("vm-down");
                            }
                        },
                        ms,
                        TimeUnit.MILLISECONDS);
    }

    private void greet(QmpGreeting g) {
        if (greeted || closed) {
            return;
        }
        greeted = true;
        if (greetingTimer != null) {
            greetingTimer.cancel(false);
        }
        write(QmpWire.line(g.raw()));
        queue.advance();
    }

    /** A message (or a parse error) from the client. */
    void input(QmpInput in) {
        if (closed) {
            return;
        }
        if (greeted && negotiated && oob && in.value() instanceof ObjectNode req && QmpRequestCheck.isOob(req)) {
            // Out of band: not queued behind in-band requests; answered as soon as QEMU answers.
            handle(in, SendOrder.Turn.unordered())
                    .whenComplete((text, err) -> onLoop(() -> {
                        if (!closed) {
                            write(err == null ? text : internalError(err, req.get("id")));
                        }
                    }));
            return;
        }
        queue.add(in);
    }

    /** The client half-closed: answer what it sent, then close. */
    void endOfInput() {
        inputEnded = true;
        queue.advance();
    }

    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        if (greetingTimer != null) {
            greetingTimer.cancel(false);
        }
        link.removeListener(this);
        String reason = channel.attr(CLOSE_REASON).get();
        ctx.activity().sessionClosed(actor, reason != null ? reason : closeReason);
    }

    void closeWith(String reason) {
        closeReason = reason;
        channel.close();
    }

    /** The connection is about to be closed for {@code reason} (by the slow-client guard). */
    void closingBecause(String reason) {
        closeReason = reason;
    }

    // ---- VM link events (link's event loop) ----

    @Override
    public void onEvent(QmpEndpoint l, QmpEvent event) {
        String text = event.wire(QmpWire::line); // encoded once for all of the VM's QMP clients
        // Always queued (never inline), like replies: both leave the link's thread in the order
        // QEMU sent them and are written in that order (see InOrder).
        channel.eventLoop().execute(() -> {
            if (closed || !negotiated) {
                return;
            }
            if (!channel.isWritable()) {
                // The client is not reading: drop the event rather than queue without bound;
                // replies are never dropped. The guard disconnects a client that stays stuck.
                ctx.activity().eventsDropped(link.name(), 1);
                return;
            }
            write(text);
        });
    }

    @Override
    public void onUp(QmpEndpoint l, QmpGreeting greeting) {
        onLoop(() -> greet(greeting));
    }

    @Override
    public void onDown(QmpEndpoint l, String reason) {
        // The QEMU this client talked to (or waited for) is gone: like QEMU's own socket, the
        // connection ends.
        onLoop(() -> {
            if (!closed) {
                closeWith("vm-down");
            }
        });
    }

    @Override
    public void onReconnectScheduled(QmpEndpoint l, long delayMillis) {
        // the attempt this client waited for failed: it is closed, as by a QEMU that is not there
        onLoop(() -> {
            if (!greeted && !closed) {
                closeWith("vm-down");
            }
        });
    }

    // ---- ordered dispatch ----

    /** This client's in-band requests as {@link OrderedDispatch} runs them. */
    private final class Requests implements OrderedDispatch.Client<QmpInput> {
        @Override
        public boolean ready() {
            return greeted && !closed;
        }

        @Override
        public CompletableFuture<String> start(QmpInput in, SendOrder.Turn turn) {
            return handle(in, turn);
        }

        @Override
        public String failed(QmpInput in, Throwable err) {
            return internalError(err, in.value() instanceof ObjectNode o ? o.get("id") : null);
        }

        @Override
        public void write(String reply) {
            if (!closed) {
                QmpClientSession.this.write(reply);
            }
        }

        @Override
        public void pauseInput(boolean paused) {
            channel.pipeline().fireUserEventTriggered(new SlowClientGuard.InputPause(paused));
        }

        @Override
        public void settled() {
            if (inputEnded && queue.idle() && !closed) {
                channel.close();
            }
        }
    }

    /** What QEMU's monitor does with one message; completes with the reply line. */
    private CompletableFuture<String> handle(QmpInput in, SendOrder.Turn turn) {
        if (in.error() != null) {
            return reply(QmpReplies.error(QmpReplies.GENERIC, in.error(), null));
        }
        if (!(in.value() instanceof ObjectNode req)) {
            return reply(QmpReplies.error(QmpReplies.GENERIC, "QMP input must be a JSON object", null));
        }
        JsonNode id = req.get("id");
        String problem = QmpRequestCheck.problem(req, negotiated && oob);
        if (problem != null) {
            return reply(QmpReplies.error(QmpReplies.GENERIC, problem, id));
        }
        boolean inBand = req.has("execute");
        String command =
                inBand ? req.get("execute").textValue() : req.get("exec-oob").textValue();
        if (inBand && command.equals(CAPS)) {
            return reply(capabilities(req, id));
        }
        if (!negotiated) {
            return reply(QmpReplies.error(
                    QmpReplies.NOT_FOUND, "Expecting capabilities negotiation with 'qmp_capabilities'", id));
        }
        return forward(req, id, turn);
    }

    /** qmp_capabilities (monitor/qmp-cmds-control.c): arguments first, then the state. */
    private ObjectNode capabilities(ObjectNode req, JsonNode id) {
        JsonNode args = req.get("arguments");
        boolean wantOob = false;
        if (args != null) {
            JsonNode enable = args.get("enable");
            if (enable != null) {
                if (!enable.isArray()) {
                    return QmpReplies.error(
                            QmpReplies.GENERIC, "Invalid parameter type for 'enable', expected: array", id);
                }
                for (int i = 0; i < enable.size(); i++) {
                    JsonNode cap = enable.get(i);
                    if (!cap.isTextual()) {
                        return QmpReplies.error(
                                QmpReplies.GENERIC,
                                "Invalid parameter type for 'enable[" + i + "]', expected: string",
                                id);
                    }
                    if (!cap.textValue().equals("oob")) {
                        // sic: QEMU 7.2 names list elements 'null' here.
                        return QmpReplies.error(
                                QmpReplies.GENERIC,
                                "Parameter 'null' does not accept value '" + cap.textValue() + "'",
                                id);
                    }
                    wantOob = true;
                }
            }
            for (var e : QdictOrder.ordered((ObjectNode) args)) {
                if (!e.getKey().equals("enable")) {
                    return QmpReplies.error(QmpReplies.GENERIC, "Parameter '" + e.getKey() + "' is unexpected", id);
                }
            }
        }
        if (negotiated) {
            return QmpReplies.error(
                    QmpReplies.NOT_FOUND, "Capabilities negotiation is already complete, command ignored", id);
        }
        QmpGreeting g = link.greeting();
        if (wantOob && (g == null || !g.offers("oob"))) {
            return QmpReplies.error(QmpReplies.GENERIC, "Capability oob not available", id);
        }
        negotiated = true;
        oob = wantOob;
        return QmpReplies.emptyReturn(id);
    }

    /** Plan, then the command contract (gate, observer, send, observer, reply). */
    private CompletableFuture<String> forward(ObjectNode req, JsonNode id, SendOrder.Turn turn) {
        CommandPlan plan = ctx.planner()
                .plan(
                        req,
                        link,
                        request -> caller -> caller.execute(request)
                                .thenApply(QmpClientSession::result)
                                .exceptionally(err -> linkFailure(err, id)),
                        QmpClientSession::result);
        return new CommandPipeline(ctx.gate(), ctx.observer())
                .run(
                        actor,
                        link,
                        plan,
                        channel.eventLoop(),
                        new CommandPipeline.Wording() {
                            @Override
                            public CommandResult denied(String reason) {
                                return new CommandResult(
                                        QmpWire.line(QmpReplies.error(QmpReplies.GENERIC, reason, id)),
                                        Outcome.DENIED,
                                        null,
                                        reason);
                            }

                            @Override
                            public CommandResult refused(String reason) {
                                return new CommandResult(
                                        QmpWire.line(QmpReplies.error(QmpReplies.GENERIC, reason, id)),
                                        Outcome.REFUSED,
                                        null,
                                        reason);
                            }
                        },
                        turn,
                        p -> ctx.announcer().announce(link.name(), who(), p));
    }

    /** How the telnet operators see this client in notices: {@code alice@10.0.0.5}, {@code qmp@unix}. */
    private String who() {
        String user = "-".equals(actor.user()) ? "qmp" : actor.user();
        int colon = actor.remote().lastIndexOf(':');
        return user + "@" + (colon > 0 ? actor.remote().substring(0, colon) : actor.remote());
    }

    private static CommandResult result(ObjectNode reply) {
        return CommandResult.ofReply(QmpWire.line(reply), reply);
    }

    /** The link could not answer (down, lost, timeout, overloaded): a GenericError with monmux's reason. */
    private static CommandResult linkFailure(Throwable err, JsonNode id) {
        CommandResult mapped = CommandResult.fromFailure(err);
        if (mapped == null) {
            throw err instanceof CompletionException ce ? ce : new CompletionException(err);
        }
        return new CommandResult(
                QmpWire.line(QmpReplies.error(QmpReplies.GENERIC, mapped.errorText(), id)),
                mapped.outcome(),
                null,
                mapped.errorText());
    }

    private String internalError(Throwable err, JsonNode id) {
        log.error("QMP session {}: unexpected failure", actor.sessionId(), err);
        return QmpWire.line(QmpReplies.error(QmpReplies.GENERIC, "internal error in monmux; see the monmux log", id));
    }

    private static CompletableFuture<String> reply(ObjectNode msg) {
        return CompletableFuture.completedFuture(QmpWire.line(msg));
    }

    private void write(String text) {
        channel.writeAndFlush(ByteBufUtil.writeAscii(channel.alloc(), text), channel.voidPromise());
    }

    private void onLoop(Runnable r) {
        if (channel.eventLoop().inEventLoop()) {
            r.run();
        } else {
            channel.eventLoop().execute(r);
        }
    }
}
