package dev.monmux.telnet;

import dev.monmux.config.ConfigDiff;
import dev.monmux.config.LimitsConfig;
import dev.monmux.config.ListenerConfig;
import dev.monmux.hmp.HmpCompleter;
import dev.monmux.hmp.HmpDialects;
import dev.monmux.hmp.HmpTable;
import dev.monmux.hmp.HmpTables;
import dev.monmux.net.Addresses;
import dev.monmux.net.BindErrors;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.net.Transport;
import dev.monmux.qmp.VmLink;
import dev.monmux.session.BuiltinCommands;
import dev.monmux.session.OperatorSession;
import dev.monmux.session.SessionContext;
import dev.monmux.session.SharedVm;
import dev.monmux.tls.TlsContexts;
import dev.monmux.tls.TlsPeer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telnet listeners bound now (shared ones and VMs' own ports), and the sessions that came in
 * through each: binding (where the clients live, their pipeline, their completion), closing one
 * when a reload drops it, and closing them all at shutdown. The QMP front end's counterpart is
 * {@code qmpserver.QmpListeners}.
 */
public final class TelnetListeners {
    private static final Logger log = LoggerFactory.getLogger(TelnetListeners.class);

    private record Bound(Channel channel, Set<OperatorSession> sessions) {}

    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final SessionContext ctx;
    private final HmpDialects hmp;
    private final TlsContexts tls;
    private final LimitsConfig limits;
    private final Map<ConfigDiff.Listener, Bound> bound = new ConcurrentHashMap<>();

    public TelnetListeners(
            Transport transport,
            EventLoopGroup acceptors,
            EventLoopGroup workers,
            SessionContext ctx,
            HmpDialects hmp,
            TlsContexts tls,
            LimitsConfig limits) {
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
        this.ctx = ctx;
        this.hmp = hmp;
        this.tls = tls;
        this.limits = limits;
    }

    /**
     * Binds {@code lc} as {@code key}; its clients are attached to {@code fixedVm} (a VM's own
     * port) or choose (null: a shared port). Fails with a one-line reason.
     */
    public void bind(ConfigDiff.Listener key, ListenerConfig lc, SharedVm fixedVm) {
        String name = "telnet:" + lc.bind() + ":" + lc.port();
        Set<OperatorSession> came = ConcurrentHashMap.newKeySet();
        TelnetSessionHandler.SessionFactory factory = (ch, console) -> {
            OperatorSession s = new OperatorSession(
                    ctx.sessions().nextId(),
                    Addresses.hostPort(ch.remoteAddress()),
                    name,
                    ctx,
                    fixedVm,
                    console,
                    ch.eventLoop(),
                    TlsPeer.commonName(ch).orElse(null));
            came.removeIf(OperatorSession::isClosed);
            came.add(s);
            return s;
        };
        var consoleSettings = new TelnetSessionHandler.ConsoleSettings(
                limits.lineBytes(), limits.historySize(), limits.typeAheadKeys(), completer());
        ServerBootstrap b = new ServerBootstrap()
                .group(
                        acceptors,
                        clientLoops(fixedVm != null ? fixedVm : ctx.vms().only().orElse(null)))
                .channel(transport.tcpServer())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A script's `printf 'info status\n' | nc` half-closes: answer before closing.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new TelnetChannelInitializer(
                        lc.mode(),
                        limits,
                        new ConnectionLimiter(
                                limits.maxClients(),
                                limits.maxClientsPerAddress(),
                                () -> ctx.activity().connectionRefused("telnet")),
                        factory,
                        consoleSettings,
                        tls.get(lc.tls())));
        try {
            Channel ch = b.bind(lc.bind(), lc.port()).sync().channel();
            log.info(
                    "telnet listener on {}{}",
                    ch.localAddress(),
                    fixedVm == null ? "" : " (VM '" + fixedVm.name() + "')");
            bound.put(key, new Bound(ch, came));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + lc.bind() + ":" + lc.port(), e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot listen on " + lc.bind() + ":" + lc.port() + ": " + BindErrors.describe(e), e);
        }
    }

    /**
     * Stops listening on {@code key}. The clients that came in through it are told and closed,
     * unless {@code tell} is false (a removed VM's own port, whose sessions its removal told).
     */
    public void unbind(ConfigDiff.Listener key, boolean tell) {
        Bound b = bound.remove(key);
        if (b != null) {
            b.channel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            if (tell) {
                for (OperatorSession s : b.sessions()) {
                    s.listenerRemoved();
                }
            }
            log.info("{} closed", key);
        }
    }

    /** The TCP port {@code key} is bound to. */
    public int port(ConfigDiff.Listener key) {
        return ((InetSocketAddress) bound.get(key).channel().localAddress()).getPort();
    }

    /** Stops accepting on every listener (shutdown; the sessions are closed by their owner). */
    public void closeAll() {
        for (Bound b : bound.values()) {
            b.channel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /**
     * Where a listener's clients live. When they all talk to one VM (its dedicated port, or the
     * only VM), on that VM's link thread: a command then goes client → QEMU → client without
     * being handed between threads (2 context switches per command instead of 6, and a p50
     * latency ratio to direct QMP about 0.1 lower; docs/benchmarks.md). Decided when the listener
     * is bound: VMs added later by a reload do not move the shared port's clients off the first
     * VM's thread (correct, but one thread for them all until the listener is rebound).
     */
    private EventLoopGroup clientLoops(SharedVm vm) {
        return vm != null && vm.link() instanceof VmLink link ? link.eventLoop() : workers;
    }

    /**
     * Builtin commands and {@code .attach} VM names, then HMP commands from the table of the QEMU
     * the session's VM runs now.
     */
    private TelnetSessionHandler.SessionCompleter completer() {
        return (session, before) -> {
            String word = before.substring(before.lastIndexOf(' ') + 1);
            if (before.stripLeading().startsWith(".")) {
                if (!before.equals(word)) {
                    if (before.startsWith(".attach ")) {
                        return ctx.vms().names().stream()
                                .filter(n -> n.startsWith(word))
                                .sorted()
                                .toList();
                    }
                    if (before.startsWith(".lock ") && "force".startsWith(word)) {
                        return List.of("force");
                    }
                    return List.of();
                }
                return BuiltinCommands.NAMES.stream()
                        .filter(n -> n.startsWith(word))
                        .toList();
            }
            SharedVm vm = session.attached();
            HmpTable table = vm != null
                    ? hmp.forVm(vm.link()).table()
                    : HmpTable.of(HmpTables.shipped().newest());
            return new HmpCompleter(table).complete(before);
        };
    }
}
