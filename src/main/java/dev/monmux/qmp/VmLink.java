package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.config.QmpAddress;
import dev.monmux.config.QmpLinkConfig;
import dev.monmux.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.json.JsonObjectDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single QMP connection to one VM, shared by every client of that VM.
 *
 * <p>It owns the connection's whole protocol state: the greeting, the capabilities handshake, the
 * proxy's own command ids and the map of commands awaiting replies. Commands are written as soon
 * as they are submitted (pipelining); QEMU answers in-band commands in order, but replies are
 * matched by id so out-of-band replies work too. When the connection drops, every pending command
 * fails with "connection lost" and the link reconnects with exponential backoff.
 *
 * <p>All mutable state is confined to one event loop; public methods may be called from any thread.
 *
 * <p>One class for the link's state machine (connection, pending ids, timeouts, reconnect); the
 * handshake is QmpHandshake.
 */
public final class VmLink implements QmpEndpoint {
    private static final Logger log = LoggerFactory.getLogger(VmLink.class);

    private final String name;
    private final QmpAddress address;
    private final QmpLinkConfig config;
    private final Duration commandTimeout;
    private final EventLoop loop;
    /** QEMU's address, in the form the transport's channels take. */
    private final SocketAddress remote;

    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private final PendingCommands pending = new PendingCommands();
    private final List<VmLinkListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    private volatile State state = State.DOWN;
    private volatile QmpGreeting greeting;
    private volatile Set<String> commands = Set.of();
    private volatile String lastError = "not connected yet";
    private volatile boolean closed;

    // confined to loop
    private Channel channel;
    /** The handshake of the current connection (null: none); once done, the link is up. */
    private QmpHandshake handshake;

    private boolean wasUp;
    private int consecutiveTimeouts;
    /** The next connection attempt, while the link waits out its backoff. */
    private ScheduledFuture<?> reconnectTimer;

    /** A link on a NIO event loop. */
    public VmLink(String name, QmpAddress address, QmpLinkConfig config, Duration commandTimeout, EventLoop loop) {
        this(name, address, config, commandTimeout, loop, Transport.NIO);
    }

    /** A link on {@code loop}, which belongs to a group of {@code transport}. */
    public VmLink(
            String name,
            QmpAddress address,
            QmpLinkConfig config,
            Duration commandTimeout,
            EventLoop loop,
            Transport transport) {
        this.name = name;
        this.address = address;
        this.config = config;
        this.commandTimeout = commandTimeout != null ? commandTimeout : config.commandTimeout();
        this.loop = loop;
        this.remote = transport.remote(address.socketAddress());
        this.backoff = new Backoff(config.reconnectInitial(), config.reconnectMax());
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(address.isUnix() ? transport.unixClient() : transport.tcpClient())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast("flush", new FlushConsolidationHandler(256, true))
                                .addLast("frame", new JsonObjectDecoder(config.maxMessageBytes()))
                                .addLast("json", new QmpMessageDecoder())
                                .addLast("link", new QmpLinkHandler(VmLink.this));
                    }
                });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QmpAddress address() {
        return address;
    }

    @Override
    public State state() {
        return state;
    }

    /** The greeting of the current (or last) QEMU, or null if none was ever received. */
    @Override
    public QmpGreeting greeting() {
        return greeting;
    }

    /** Why the link is not up, for {@code .vms}. */
    @Override
    public String lastError() {
        return lastError;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public Executor linkExecutor() {
        return loop;
    }

    @Override
    public void addListener(VmLinkListener l) {
        listeners.add(l);
    }

    @Override
    public void removeListener(VmLinkListener l) {
        listeners.remove(l);
    }

    /** Starts connecting; returns at once. */
    public void start() {
        loop.execute(this::connect);
    }

    /** How many commands were sent and await their reply (read on the link's event loop). */
    public CompletableFuture<Integer> pendingCount() {
        return CompletableFuture.supplyAsync(pending::size, loop);
    }

    /** Closes the connection for good; pending commands fail with "connection lost". */
    @Override
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closed = true;
            state = State.DOWN;
            pending.failAll(VmLinkException.lost(name));
            if (channel != null) {
                channel.close().addListener(f -> done.complete(null));
            } else {
                done.complete(null);
            }
            state = State.DOWN;
        });
        return done;
    }

    @Override
    public CompletableFuture<JsonNode> call(String command, ObjectNode arguments) {
        ObjectNode msg = QmpJson.object().put("execute", command);
        if (arguments != null) {
            msg.set("arguments", arguments);
        }
        return execute(msg).thenApply(reply -> {
            JsonNode err = reply.get("error");
            if (err != null) {
                throw new QmpErrorException(
                        err.path("class").asText("GenericError"),
                        err.path("desc").asText(""));
            }
            return reply.path("return");
        });
    }

    /**
     * Sends a complete QMP request ({@code execute} or {@code exec-oob}, optional {@code arguments}
     * and {@code id}) and completes with QEMU's whole reply, carrying the caller's own {@code id}
     * (or none, if the request had none).
     */
    @Override
    public CompletableFuture<ObjectNode> execute(ObjectNode request) {
        JsonNode cmd = request.hasNonNull("execute") ? request.get("execute") : request.get("exec-oob");
        if (cmd == null || !cmd.isTextual()) {
            throw new IllegalArgumentException("QMP request needs 'execute' or 'exec-oob'");
        }
        CompletableFuture<ObjectNode> reply = new CompletableFuture<>();
        if (state != State.UP) {
            reply.completeExceptionally(VmLinkException.down(name));
            return reply;
        }
        ObjectNode wire = QmpJson.object();
        request.properties().forEach(f -> {
            if (!f.getKey().equals("id")) {
                wire.set(f.getKey(), f.getValue());
            }
        });
        // (the caller's id stays here: whatever it holds never reaches QEMU)
        String unreadable = QmpStrings.unreadable(wire);
        if (unreadable != null) {
            // QEMU's JSON parser would answer without an id, and the reply could not be matched
            reply.completeExceptionally(new QmpErrorException(
                    "GenericError", "the request holds " + unreadable + ", which QEMU's JSON parser refuses"));
            return reply;
        }
        long id = ids.incrementAndGet();
        wire.put("id", id);
        PendingCommands.Entry entry =
                new PendingCommands.Entry(id, cmd.asText(), request.get("id"), reply, request.has("exec-oob"));
        Duration timeout = timeoutFor(cmd.asText(), request.path("arguments"));
        // Serialise on the caller's thread: spreads the JSON work over the client event loops.
        ByteBuf bytes = QmpJson.encodeLine(ByteBufAllocator.DEFAULT, wire);
        if (loop.inEventLoop()) {
            send(entry, bytes, timeout);
        } else {
            loop.execute(() -> send(entry, bytes, timeout));
        }
        return reply;
    }

    private void send(PendingCommands.Entry entry, ByteBuf bytes, Duration timeout) {
        if (!up() || channel == null) {
            bytes.release();
            entry.reply.completeExceptionally(VmLinkException.down(name));
            return;
        }
        if (pending.size() >= config.maxPending()) {
            bytes.release();
            entry.reply.completeExceptionally(VmLinkException.overloaded(name, config.maxPending()));
            return;
        }
        pending.add(entry);
        long ms = timeout.toMillis();
        entry.timeout = loop.schedule(() -> timedOut(entry, ms), ms, TimeUnit.MILLISECONDS);
        channel.writeAndFlush(bytes, channel.voidPromise());
    }

    private Duration timeoutFor(String command, JsonNode arguments) {
        List<String> slow = config.slowCommands();
        if (slow.contains(command)) {
            return config.slowCommandTimeout();
        }
        if (command.equals("human-monitor-command")) {
            String line = arguments.path("command-line").asText("").trim();
            int sp = line.indexOf(' ');
            String first = sp < 0 ? line : line.substring(0, sp);
            if (slow.contains(first)) {
                return config.slowCommandTimeout();
            }
        }
        return commandTimeout;
    }

    private void timedOut(PendingCommands.Entry entry, long ms) {
        if (pending.remove(entry.id) == null) {
            return;
        }
        entry.reply.completeExceptionally(VmLinkException.timeout(name, entry.command, ms));
        consecutiveTimeouts++;
        if (consecutiveTimeouts >= config.maxConsecutiveTimeouts() && channel != null) {
            log.warn(
                    "VM '{}': {} commands in a row timed out; recycling the QMP connection", name, consecutiveTimeouts);
            lastError = consecutiveTimeouts + " commands in a row timed out";
            channel.close();
        }
    }

    // ---- connection lifecycle (event loop) ----

    private void connect() {
        if (closed || channel != null) {
            return;
        }
        state = State.CONNECTING;
        // An unresolved TCP address is resolved by the bootstrap's resolver, off the event loop.
        ChannelFuture f = bootstrap.connect(remote);
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                if (channel == f.channel()) {
                    channel = null;
                }
                String why = "cannot connect to " + address + ": " + withoutAddress(describe(done.cause()));
                // Said once at warn (the first failure, or a new reason); the retries that fail alike at debug.
                if (why.equals(lastError)) {
                    log.debug("VM '{}': {}", name, why);
                } else {
                    log.warn("VM '{}': {} (retrying)", name, why);
                }
                lastError = why;
                linkGone();
            }
        });
    }

    void connected(Channel ch) {
        if (ch != channel) {
            ch.close();
            return;
        }
        handshake = new QmpHandshake(name, address, ch, config.handshakeTimeout(), new QmpHandshake.Outcome() {
            @Override
            public void greeted(QmpGreeting g) {
                if (ch == channel) {
                    greeting = g; // the current (or last) QEMU's, even if the rest fails
                }
            }

            @Override
            public void up(QmpGreeting g, Set<String> names) {
                if (ch == channel) {
                    linkUp(g, names);
                }
            }

            @Override
            public void failed(String reason) {
                if (ch == channel) {
                    lastError = reason;
                }
            }
        });
    }

    private boolean up() {
        return handshake != null && handshake.done() && state == State.UP;
    }

    void received(Channel ch, ObjectNode msg) {
        if (ch != channel || handshake == null) {
            return;
        }
        if (up()) {
            dispatch(msg);
        } else {
            handshake.received(msg);
        }
    }

    private void linkUp(QmpGreeting g, Set<String> names) {
        greeting = g;
        commands = names;
        backoff.reset();
        consecutiveTimeouts = 0;
        wasUp = true;
        lastError = null;
        state = State.UP;
        log.info("VM '{}': QMP link up ({}, QEMU {})", name, address, g.version());
        for (VmLinkListener l : listeners) {
            l.onUp(this, g);
        }
    }

    @Override
    public Set<String> commands() {
        return commands;
    }

    private void dispatch(ObjectNode msg) {
        if (msg.has("event")) {
            QmpEvent event = QmpEvent.from(msg);
            for (VmLinkListener l : listeners) {
                l.onEvent(this, event);
            }
            return;
        }
        JsonNode id = msg.get("id");
        PendingCommands.Entry e;
        if (id == null && msg.has("error") && pending.oldestInBand() != null) {
            // QEMU answers a request it could not read without an id, in its place among the
            // in-band replies: it is the oldest one's. (monmux checks what it writes, so this means
            // QEMU's parser refused something monmux's did not expect it to.)
            e = pending.remove(pending.oldestInBand().id);
            log.warn(
                    "VM '{}': QEMU could not read the request for '{}': {}",
                    name,
                    e.command,
                    msg.path("error").path("desc").asText());
        } else if (id == null || !id.canConvertToLong()) {
            log.warn("VM '{}': reply without a monmux id: {}", name, QmpJson.compact(msg));
            return;
        } else {
            e = pending.remove(id.asLong());
        }
        if (e == null) {
            log.debug("VM '{}': late reply for id {} (timed out earlier)", name, id);
            return;
        }
        consecutiveTimeouts = 0;
        if (e.callerId != null) {
            msg.set("id", e.callerId);
        } else {
            msg.remove("id");
        }
        e.reply.complete(msg);
    }

    void failed(Channel ch, Throwable cause) {
        if (ch != channel) {
            return;
        }
        if (cause instanceof TooLongFrameException) {
            lastError = "QEMU sent a message over " + config.maxMessageBytes() + " bytes";
        } else if (cause instanceof CorruptedFrameException) {
            lastError = "QEMU sent data that is not QMP JSON (" + cause.getMessage() + ")";
        } else {
            lastError = describe(cause);
        }
        log.warn("VM '{}': closing QMP connection: {}", name, lastError);
    }

    void disconnected(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        if (closed) {
            lastError = "monmux is stopping";
        } else if (up() && lastError == null) {
            lastError = "QEMU closed the QMP connection";
        } else if (handshake != null && !handshake.greeted() && lastError == null) {
            lastError = "connection closed before the QMP greeting";
        }
        if (handshake != null) {
            handshake.cancel();
            handshake = null;
        }
        // State first: a caller woken by the failures below must already see the link down.
        state = State.DOWN;
        pending.failAll(VmLinkException.lost(name));
        linkGone();
    }

    private void linkGone() {
        if (wasUp) {
            wasUp = false;
            state = State.DOWN;
            if (closed) {
                log.info("VM '{}': QMP link closed", name);
                return;
            }
            log.warn("VM '{}': QMP link down: {}", name, lastError);
            for (VmLinkListener l : listeners) {
                l.onDown(this, lastError);
            }
        } else {
            state = State.DOWN;
        }
        if (closed) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        for (VmLinkListener l : listeners) {
            l.onReconnectScheduled(this, delay);
        }
        reconnectTimer = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Someone wants this VM now (a QMP client connected while it is down): if the link is
     * waiting out its backoff, it tries at once instead of in up to {@code reconnectMax}. The
     * outcome is told to the listeners as usual (up, or the next reconnect scheduled).
     *
     * @return false when the link is closed (no attempt will come)
     */
    @Override
    public boolean connectSoon() {
        if (closed) {
            return false;
        }
        loop.execute(() -> {
            if (!closed && channel == null && state == State.DOWN) {
                if (reconnectTimer != null) {
                    reconnectTimer.cancel(false);
                }
                connect();
            }
        });
        return true;
    }

    /** "No such file or directory: /run/x.qmp" after "cannot connect to unix:/run/x.qmp" says it twice. */
    /**
     * The connect error without the address at its end, which the message names already (and which
     * {@code .vms} and {@code monmux ctl list} hide from non-admins by that one spelling): Netty adds
     * a socket's path, or for TCP {@code host/ip:port}.
     */
    private String withoutAddress(String message) {
        int cut = message.lastIndexOf(": ");
        if (cut <= 0) {
            return message;
        }
        String tail = message.substring(cut + 2);
        boolean names = address.toString().endsWith(tail)
                || (address.socketAddress() instanceof InetSocketAddress in && tail.endsWith(":" + in.getPort()));
        return names ? message.substring(0, cut) : message;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String m = t.getMessage();
        if (m != null) {
            return m;
        }
        return t instanceof ClosedChannelException ? "connection closed" : "connection failed";
    }

    @Override
    public String toString() {
        return "VmLink[" + name + " " + address + " " + state + "]";
    }
}
