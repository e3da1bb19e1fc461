package dev.monmux;

import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.monmux.acl.AccessControl;
import dev.monmux.acl.VmLocks;
import dev.monmux.auth.Authenticator;
import dev.monmux.auth.LoginThrottle;
import dev.monmux.auth.UserDirectory;
import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.QmpRequestPlanner;
import dev.monmux.config.AuthMode;
import dev.monmux.config.ListenerConfig;
import dev.monmux.config.MonmuxConfig;
import dev.monmux.config.UserConfig;
import dev.monmux.config.VmConfig;
import dev.monmux.hmp.HmpCompleter;
import dev.monmux.hmp.HmpEngine;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.qmp.VmLink;
import dev.monmux.session.Access;
import dev.monmux.qmpserver.QmpListeners;
import dev.monmux.qmpserver.QmpServerContext;
import dev.monmux.session.BuiltinCommands;
import dev.monmux.session.EventFormatter;
import dev.monmux.session.OperatorSession;
import dev.monmux.session.SessionContext;
import dev.monmux.session.SessionRegistry;
import dev.monmux.session.SharedVm;
import dev.monmux.session.VmDirectory;
import dev.monmux.telnet.LineEditor;
import dev.monmux.telnet.TelnetChannelInitializer;
import dev.monmux.telnet.TelnetSessionHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** A running monmux: the VM links, the listeners and the sessions, wired from a config. */
public final class Monmux implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Monmux.class);

    private final MonmuxConfig config;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final VmDirectory vms = new VmDirectory();
    private final SessionRegistry sessions = new SessionRegistry();
    private final SessionContext sessionContext;
    private final HmpCompleter hmpCompleter;
    private final List<Channel> listeners = new ArrayList<>();
    private final EventFormatter events = new EventFormatter(ZoneId.systemDefault());
    private final Observability observability;
    private final UserDirectory users;
    private final Authenticator authenticator;
    private final QmpListeners qmpListeners;
    private volatile boolean closing;

    private Monmux(MonmuxConfig config) {
        this.config = config;
        this.acceptors = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        this.observability = new Observability(config, sessions, workers);
        HmpEngine hmp = HmpEngine.from(config.hmp());
        this.hmpCompleter = new HmpCompleter(hmp.table());
        this.users = new UserDirectory(config.users().stream().map(UserConfig::toUser).toList());
        this.authenticator = config.auth() == AuthMode.PASSWORD ? new Authenticator(users,
                new LoginThrottle(config.login().failureDelay(), config.login().maxFailureDelay())) : null;
        VmLocks locks = new VmLocks();
        Access access = new Access(authenticator, config.login(), locks, config.confirmDangerous());
        this.sessionContext = new SessionContext(vms, sessions, new BuiltinCommands(), hmp,
                new QmpRequestPlanner(hmp), new AccessControl(users, locks, ZoneId.systemDefault()),
                observability.observer(), observability.activity(),
                config.limits().commandsInFlight(), config.limits().maxQueuedLines(), access);
        this.qmpListeners = new QmpListeners(acceptors, workers, new QmpServerContext(sessionContext.qmp(),
                sessionContext.gate(), sessionContext.observer(), sessionContext.activity(),
                config.limits().commandsInFlight(), config.limits().maxQueuedLines(), config.qmp().handshakeTimeout(),
                config.qmp().maxMessageBytes(), sessions::nextId), config.limits());
    }

    /** Starts the VM links and binds every listener; fails if a port cannot be bound. */
    public static Monmux start(MonmuxConfig config) throws InterruptedException {
        Monmux m = new Monmux(config);
        try {
            m.startVms();
            m.bindListeners();
            m.observability.startServer(m.vms);
        } catch (RuntimeException | InterruptedException e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void startVms() {
        for (VmConfig vc : config.vms()) {
            VmLink link = new VmLink(vc.name(), vc.qmp(), config.qmp(), vc.commandTimeout(), workers.next());
            SharedVm vm = new SharedVm(link, events, sessionContext.activity());
            vms.add(vm);
            observability.watch(vm);
            link.start();
        }
    }

    private void bindListeners() throws InterruptedException {
        for (ListenerConfig lc : config.listeners().telnet()) {
            listeners.add(bindTelnet(lc, null));
        }
        for (VmConfig vc : config.vms()) {
            if (vc.telnet() != null) {
                listeners.add(bindTelnet(vc.telnet(), vms.get(vc.name()).orElseThrow()));
            }
            for (var qc : vc.qmpListen()) {
                qmpListeners.bind(vms.get(vc.name()).orElseThrow().link(), qc);
            }
        }
    }

    private Channel bindTelnet(ListenerConfig lc, SharedVm fixedVm) throws InterruptedException {
        String name = "telnet:" + lc.bind() + ":" + lc.port();
        TelnetSessionHandler.SessionFactory factory = (ch, console) -> new OperatorSession(sessions.nextId(),
                describe(ch.remoteAddress()), name, sessionContext, fixedVm, console, ch.eventLoop());
        var consoleSettings = new TelnetSessionHandler.ConsoleSettings(config.limits().lineBytes(),
                config.limits().historySize(), config.limits().typeAheadKeys(), completer());
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, clientLoops(fixedVm != null ? fixedVm : vms.only().orElse(null)))
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A script's `printf 'info status\n' | nc` half-closes: answer before closing.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new TelnetChannelInitializer(lc.mode(), config.limits(),
                        new ConnectionLimiter(config.limits().maxClients(), config.limits().maxClientsPerAddress(),
                                () -> { }),
                        factory, consoleSettings, () -> { }));
        try {
            Channel ch = b.bind(lc.bind(), lc.port()).sync().channel();
            log.info("telnet listener on {}{}", ch.localAddress(),
                    fixedVm == null ? "" : " (VM '" + fixedVm.name() + "')");
            return ch;
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + lc.bind() + ":" + lc.port() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where a listener's clients live. When they all talk to one VM (its dedicated port, or the
     * only VM), on that VM's link thread: a command then goes client → QEMU → client without
     * being handed between threads (2 context switches per command instead of 6, and a p50
     * latency ratio to direct QMP about 0.1 lower; docs/benchmarks.md).
     */
    private EventLoopGroup clientLoops(SharedVm vm) {
        return vm != null && vm.link() instanceof VmLink link ? link.eventLoop() : workers;
    }

    /** Builtin commands and {@code .attach} VM names, then HMP commands from QEMU's table. */
    private LineEditor.Completer completer() {
        return before -> {
            String word = before.substring(before.lastIndexOf(' ') + 1);
            if (before.stripLeading().startsWith(".")) {
                if (!before.equals(word)) {
                    if (before.startsWith(".attach ")) {
                        return vms.names().stream().filter(n -> n.startsWith(word)).sorted().toList();
                    }
                    if (before.startsWith(".lock ") && "force".startsWith(word)) {
                        return List.of("force");
                    }
                    return List.of();
                }
                return BuiltinCommands.NAMES.stream().filter(n -> n.startsWith(word)).toList();
            }
            return hmpCompleter.complete(before);
        };
    }

    private static String describe(java.net.SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    public MonmuxConfig config() {
        return config;
    }

    public VmDirectory vms() {
        return vms;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** The port a telnet listener is bound to, in config order (shared listeners first). */
    public int telnetPort(int index) {
        return ((InetSocketAddress) listeners.get(index).localAddress()).getPort();
    }

    /** The port of the metrics listener, or -1 when it is off. */
    public int metricsPort() {
        return observability.metricsPort();
    }

    /** SIGHUP: reopen the audit log (logrotate). */
    public void hangup() {
        observability.reopenLogs();
    }

    /** The QMP listeners, in config order. */
    public QmpListeners qmpListeners() {
        return qmpListeners;
    }

    /**
     * Stops gracefully: no new clients, every operator is told, commands in flight may finish
     * (up to {@code shutdownGrace}), then connections and VM links are closed.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        observability.stopServer();
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        List<CompletableFuture<Void>> drains = new ArrayList<>();
        for (OperatorSession s : sessions.all()) {
            drains.add(s.drain());
        }
        try {
            CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new))
                    .get(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("shutdown: commands still in flight after {}; closing anyway",
                    dev.monmux.config.Durations.format(config.shutdownGrace()));
        }
        for (OperatorSession s : sessions.all()) {
            s.console().close();
        }
        qmpListeners.close();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (SharedVm vm : vms.all()) {
            closing.add(vm.link().close());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("VM links did not close cleanly: {}", e.toString());
        }
        if (authenticator != null) {
            authenticator.close();
        }
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        observability.close();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.info("monmux stopped");
    }
}
