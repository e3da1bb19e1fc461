package dev.monmux;

import dev.monmux.acl.AccessControl;
import dev.monmux.acl.VmLocks;
import dev.monmux.auth.Authenticator;
import dev.monmux.auth.LoginThrottle;
import dev.monmux.auth.UserDirectory;
import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.QmpRequestPlanner;
import dev.monmux.config.AuthMode;
import dev.monmux.config.ConfigDiff;
import dev.monmux.config.ConfigException;
import dev.monmux.config.Durations;
import dev.monmux.config.MonmuxConfig;
import dev.monmux.config.TransportKind;
import dev.monmux.config.UserConfig;
import dev.monmux.config.VmConfig;
import dev.monmux.control.ControlContext;
import dev.monmux.control.ControlListener;
import dev.monmux.control.UnixAccounts;
import dev.monmux.effect.Confinement;
import dev.monmux.effect.EffectTable;
import dev.monmux.effect.QmpEffects;
import dev.monmux.hmp.HmpDialects;
import dev.monmux.hmp.HmpTables;
import dev.monmux.net.Transport;
import dev.monmux.qmp.VmLink;
import dev.monmux.qmpserver.QmpListeners;
import dev.monmux.qmpserver.QmpServerContext;
import dev.monmux.session.Access;
import dev.monmux.session.BuiltinCommands;
import dev.monmux.session.EventFormatter;
import dev.monmux.session.OperatorSession;
import dev.monmux.session.SessionContext;
import dev.monmux.session.SessionRegistry;
import dev.monmux.session.SharedVm;
import dev.monmux.session.VmDirectory;
import dev.monmux.telnet.TelnetListeners;
import dev.monmux.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running monmux: the VM links, the listeners and the sessions, wired from a config.
 *
 * <p>It is the wiring: building every part from the config, starting and stopping them in order;
 * the listeners are TelnetListeners and QmpListeners, a reload is the Reloader's.
 */
public final class Monmux implements AutoCloseable, Reloader.Target {
    private static final Logger log = LoggerFactory.getLogger(Monmux.class);

    private volatile MonmuxConfig config;
    private final Path configFile;
    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final VmDirectory vms = new VmDirectory();
    private final SessionRegistry sessions = new SessionRegistry();
    private final SessionContext sessionContext;
    private final HmpDialects hmp;
    /** The telnet listeners bound now, and the sessions that came in through each. */
    private final TelnetListeners telnetListeners;

    private final Reloader reloader;
    private final TlsContexts tls;
    private final EventFormatter events = new EventFormatter(ZoneId.systemDefault());
    private final Observability observability;
    private final UserDirectory users;
    private final Authenticator authenticator;
    private final QmpListeners qmpListeners;
    /** The control socket, or null when {@code control.socket} is not set. */
    private volatile ControlListener control;

    private volatile boolean closing;

    private Monmux(MonmuxConfig config, Path configFile, UnaryOperator<CommandObserver> observers) {
        this.config = config;
        this.configFile = configFile;
        try {
            this.tls = TlsContexts.load(config, baseDir());
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.transport = Transport.choose(config.transport());
        log.info(
                "transport: {}{}",
                transport.label(),
                config.transport() == TransportKind.AUTO ? " (transport: auto)" : "");
        this.acceptors = transport.newGroup(1);
        this.workers = transport.newGroup(0);
        this.observability = new Observability(config, sessions, workers);
        Confinement confinement = new Confinement(
                config.acl().mediaPaths(),
                config.acl().screendumpDir() == null
                        ? null
                        : Path.of(config.acl().screendumpDir()));
        this.hmp =
                new HmpDialects(HmpTables.shipped(), config.hmp().nativeMappings(), EffectTable.shipped(), confinement);
        this.users = new UserDirectory(
                config.users().stream().map(UserConfig::toUser).toList());
        this.authenticator = config.auth() == AuthMode.PASSWORD
                ? new Authenticator(
                        users,
                        new LoginThrottle(
                                config.login().failureDelay(),
                                config.login().maxFailureDelay(),
                                config.login().maxUserFailureDelay()))
                : null;
        VmLocks locks = new VmLocks();
        Access access = new Access(authenticator, config.login(), locks, config.confirmDangerous());
        this.reloader = new Reloader(this);
        this.sessionContext = new SessionContext(
                vms,
                sessions,
                new BuiltinCommands(who -> reloader.reload(who)),
                hmp,
                new QmpRequestPlanner(this.hmp, new QmpEffects(EffectTable.shipped(), confinement)),
                new AccessControl(users, locks, ZoneId.systemDefault()),
                observers.apply(observability.observer()),
                observability.activity(),
                config.limits().commandsInFlight(),
                config.limits().maxQueuedLines(),
                access,
                Version.get());
        this.qmpListeners = new QmpListeners(
                transport,
                acceptors,
                workers,
                new QmpServerContext(
                        sessionContext.qmp(),
                        sessionContext.gate(),
                        sessionContext.observer(),
                        sessionContext.activity(),
                        config.limits().commandsInFlight(),
                        config.limits().maxQueuedLines(),
                        config.qmp().handshakeTimeout(),
                        config.qmp().maxMessageBytes(),
                        sessions::nextId,
                        (vm, who, plan) -> vms.get(vm).ifPresent(v -> v.announceCommand(who, plan, null))),
                config.limits());
        this.telnetListeners =
                new TelnetListeners(transport, acceptors, workers, sessionContext, hmp, tls, config.limits());
    }

    /** Starts the VM links and binds every listener; fails if a port cannot be bound. */
    public static Monmux start(MonmuxConfig config) throws InterruptedException {
        return start(config, null);
    }

    /**
     * Starts from {@code config}, read from {@code file}, which SIGHUP and {@code .reload} read
     * again (null: nothing to reload).
     */
    public static Monmux start(MonmuxConfig config, Path file) throws InterruptedException {
        return start(config, file, UnaryOperator.identity());
    }

    /**
     * As {@link #start(MonmuxConfig, java.nio.file.Path)}, with the observer every command passes
     * through (audit log, then metrics) wrapped by {@code observers}: how the tests make the audit
     * log slow at random to check that commands still reach QEMU in the order typed.
     */
    public static Monmux start(MonmuxConfig config, Path file, UnaryOperator<CommandObserver> observers)
            throws InterruptedException {
        Monmux m = new Monmux(config, file, observers);
        try {
            m.startVms();
            m.bindListeners();
            m.bindControl();
            m.observability.startServer(m.vms, m.tls.get(config.metrics().tls()));
        } catch (RuntimeException | InterruptedException e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void startVms() {
        for (VmConfig vc : config.vms()) {
            addVm(vc);
        }
    }

    @Override
    public void addVm(VmConfig vc) {
        startVm(vc);
    }

    /** Starts linking to a VM (at start, and when a reload adds it). */
    private SharedVm startVm(VmConfig vc) {
        VmLink link = new VmLink(vc.name(), vc.qmp(), config.qmp(), vc.commandTimeout(), workers.next(), transport);
        hmp.watch(link);
        SharedVm vm = new SharedVm(link, events, sessionContext.activity());
        vms.add(vm);
        observability.watch(vm);
        link.start();
        return vm;
    }

    /**
     * A reload changed a VM's {@code qmp} or {@code commandTimeout}: a new link replaces the old
     * one under the same name; operators attached through a shared port move to it, those on its
     * own port and its QMP clients are disconnected (their listeners are bound again).
     */
    @Override
    public void replaceVm(VmConfig vc) {
        vms.get(vc.name()).ifPresent(old -> {
            qmpListeners.unbindVm(vc.name());
            sessionContext.access().locks().clear(vc.name());
            observability.unwatch(vc.name());
            try {
                // QEMU serves one QMP client: let go of it before the new link connects.
                old.link().close().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("VM '{}': the old QMP link did not close cleanly: {}", vc.name(), e.toString());
            }
            SharedVm fresh = startVm(vc);
            for (OperatorSession s : sessions.all()) {
                s.vmReplaced(old, fresh);
            }
            if (control != null) {
                control.vmReplaced(vc.name(), fresh);
            }
            log.info("VM '{}' reconnects with new settings ({})", vc.name(), vc.qmp());
        });
    }

    /**
     * A reload removed the VM: its operators are told (detached, or closed on its own port), its
     * QMP clients disconnected, its lock dropped and its link closed.
     */
    @Override
    public void removeVm(String name) {
        vms.remove(name).ifPresent(vm -> {
            qmpListeners.unbindVm(name);
            for (OperatorSession s : sessions.all()) {
                s.vmRemoved(vm);
            }
            if (control != null) {
                control.vmReplaced(name, null);
            }
            sessionContext.access().locks().clear(name);
            observability.forget(name);
            vm.link().close();
            log.info("VM '{}' removed", name);
        });
    }

    /** The control socket for {@code monmux ctl}, when {@code control.socket} is set. */
    private void bindControl() {
        if (!config.control().enabled()) {
            return;
        }
        ControlContext ctx = new ControlContext(
                sessionContext,
                users,
                authenticator != null,
                () -> this.config.control(),
                events,
                who -> reloader.reloadFor(who).thenApply(r -> new ControlContext.Reloaded(r.ok(), r.line())),
                UnixAccounts.system(),
                config.limits().lineBytes());
        control = ControlListener.bind(
                baseDir().resolve(config.control().socket()), ctx, transport, acceptors, workers, config.limits());
    }

    private void bindListeners() {
        for (ConfigDiff.Listener l : ConfigDiff.listeners(config)) {
            bind(l);
        }
    }

    /** Binds one listener; fails with a one-line reason. */
    @Override
    public void bind(ConfigDiff.Listener l) {
        if (l instanceof ConfigDiff.Listener.SharedTelnet t) {
            telnetListeners.bind(l, t.config(), null);
        } else if (l instanceof ConfigDiff.Listener.VmTelnet t) {
            telnetListeners.bind(l, t.config(), vms.get(t.vm()).orElseThrow());
        } else if (l instanceof ConfigDiff.Listener.VmQmp q) {
            qmpListeners.bind(
                    vms.get(q.vm()).orElseThrow().link(),
                    q.config(),
                    tls.get(q.config().tls()));
        }
    }

    /**
     * Stops listening. The clients that came in through it are told and closed, unless
     * {@code tell} is false: the listener was a removed or changed VM's own port, whose sessions
     * the VM's removal already told and closed.
     */
    @Override
    public void unbind(ConfigDiff.Listener l, boolean tell) {
        if (l instanceof ConfigDiff.Listener.VmQmp q) {
            qmpListeners.unbind(q.vm(), q.config());
            return;
        }
        telnetListeners.unbind(l, tell);
    }

    /** A reload changed the users: existing sessions take their account's current role. */
    @Override
    public void replaceUsers(List<UserConfig> list) {
        users.replace(list.stream().map(UserConfig::toUser).toList());
        for (OperatorSession s : sessions.all()) {
            s.usersReloaded(users);
        }
        if (control != null) {
            control.usersReloaded();
        }
    }

    @Override
    public void configure(MonmuxConfig effective) {
        this.config = effective;
    }

    @Override
    public Path configFile() {
        return configFile;
    }

    /** Where relative file names in the config (TLS files) are read from: the config file's directory. */
    @Override
    public Path baseDir() {
        return configFile == null ? Path.of("") : configFile.toAbsolutePath().getParent();
    }

    @Override
    public TlsContexts tls() {
        return tls;
    }

    @Override
    public ActivityListener activity() {
        return sessionContext.activity();
    }

    /** Re-reads the config file (SIGHUP, {@code .reload}); completes with the one-line result. */
    public CompletableFuture<Reloader.Result> reload() {
        return reloader.reload();
    }

    @Override
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
        List<ConfigDiff.Listener> telnet = ConfigDiff.listeners(config).stream()
                .filter(l -> !(l instanceof ConfigDiff.Listener.VmQmp))
                .toList();
        return telnetListeners.port(telnet.get(index));
    }

    /** The control socket's path, or null when there is none. */
    public Path controlSocket() {
        return config.control().enabled()
                ? baseDir().resolve(config.control().socket()).toAbsolutePath()
                : null;
    }

    /** How many control clients follow a VM's events now (0 without a control socket). */
    public int controlFollowers() {
        ControlListener c = control;
        return c == null ? 0 : c.followers();
    }

    /** The port of the metrics listener, or -1 when it is off. */
    public int metricsPort() {
        return observability.metricsPort();
    }

    /** SIGHUP: reopen the audit log (logrotate) and reload the configuration file. */
    public void hangup() {
        observability.reopenLogs();
        if (configFile != null) {
            reload();
        }
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
        stop();
    }

    /**
     * As {@link #close}; returns whether everything stopped in time (commands in flight finished
     * within {@code shutdownGrace}, links and threads closed), else the stop was unclean.
     */
    public boolean stop() {
        if (closing) {
            return true;
        }
        closing = true;
        boolean clean = true;
        observability.stopServer();
        reloader.close();
        if (control != null) {
            control.stopListening(); // no new clients; those in flight get their answers below
        }
        telnetListeners.closeAll();
        List<CompletableFuture<Void>> drains = new ArrayList<>();
        for (OperatorSession s : sessions.all()) {
            drains.add(s.drain());
        }
        if (control != null) {
            drains.add(control.drain());
        }
        try {
            CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new))
                    .get(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            clean = false;
            log.warn(
                    "shutdown: commands still in flight after {}; closing anyway",
                    Durations.format(config.shutdownGrace()));
        }
        for (OperatorSession s : sessions.all()) {
            s.console().close();
        }
        if (control != null) {
            control.close(); // after the drain: a `monmux ctl hmp` in flight had its answer
        }
        qmpListeners.close();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (SharedVm vm : vms.all()) {
            closing.add(vm.link().close());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            clean = false;
            log.warn("VM links did not close cleanly: {}", e.toString());
        }
        if (authenticator != null) {
            authenticator.close();
        }
        clean &= workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        observability.close();
        clean &= acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.info(clean ? "monmux stopped" : "monmux stopped, not cleanly (see above)");
        return clean;
    }
}
