package dev.monmux.session;

import dev.monmux.acl.VmLock;
import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.command.Actor;
import dev.monmux.command.OrderedDispatch;
import dev.monmux.command.SendOrder;
import dev.monmux.qmp.QmpEndpoint;
import io.netty.util.concurrent.EventExecutor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One operator's conversation with monmux, whatever the transport: the attached VM, HMP state
 * QEMU forgets between calls (the selected CPU), and the order of things.
 *
 * <p>Lines are dispatched in the order typed, up to {@code commandsInFlight} at once (further
 * lines wait; none is lost), and their outputs are printed strictly in that order. A line that
 * changes session state the next lines depend on ({@code cpu N}) waits for the lines before it
 * and holds back the lines after it.
 *
 * <p>Confined to the connection's event loop; {@link #notice} may be called
 * from any thread.
 *
 * <p>Its length is the session's life: login, attaching and leaving (locks given back), what a
 * reload or a removed VM does to it, notices, the shutdown drain. What a line does is
 * {@link SessionCommands}; the input modes are {@link LoginDialog} and {@link Confirmation}.
 */
public final class OperatorSession {
    /** A raw QMP line is bounded by the telnet line limit first; this bounds the parser's work. */
    private record Input(String text, int tooLongLimit) {}

    private final String id;
    private final String remote;
    private final String listener;
    private final Instant since = Instant.now();
    private final SessionContext ctx;
    private final SharedVm fixedVm;
    private final Console console;
    private final EventExecutor loop;

    private final OrderedDispatch<Input> queue;

    private SharedVm attached;
    private EventFilter events = EventFilter.ALL;
    /** Why the connection ended, unless monmux was shutting down: the client's doing by default. */
    private String closeReason = "client";

    private volatile boolean closed;
    private boolean inputEnded;
    private CompletableFuture<Void> drained;
    private volatile Instant lastInput = Instant.now();
    private volatile User user = User.ANONYMOUS;
    private volatile Instant attachedSince = Instant.now();
    private LoginDialog login;
    private volatile boolean authenticated;
    private final Confirmation confirmation = new Confirmation();
    private final SessionCommands commands;
    private final String certificateName;

    public OperatorSession(
            String id,
            String remote,
            String listener,
            SessionContext ctx,
            SharedVm fixedVm,
            Console console,
            EventExecutor loop) {
        this(id, remote, listener, ctx, fixedVm, console, loop, null);
    }

    /**
     * @param certificateName the common name of the client's verified TLS certificate, or null;
     *                        when it names a configured user, that user is logged in without a password
     */
    public OperatorSession(
            String id,
            String remote,
            String listener,
            SessionContext ctx,
            SharedVm fixedVm,
            Console console,
            EventExecutor loop,
            String certificateName) {
        this.certificateName = certificateName;
        this.id = id;
        this.remote = remote;
        this.listener = listener;
        this.ctx = ctx;
        this.fixedVm = fixedVm;
        this.console = console;
        this.loop = loop;
        this.commands = new SessionCommands(this, ctx, confirmation);
        this.queue = new OrderedDispatch<>(new Lines(), loop, ctx.commandsInFlight(), ctx.maxQueuedLines());
    }

    public String id() {
        return id;
    }

    public String remote() {
        return remote;
    }

    public String listener() {
        return listener;
    }

    public Instant since() {
        return since;
    }

    public Instant lastInput() {
        return lastInput;
    }

    /** The logged-in user ({@link User#ANONYMOUS} when authentication is off). */
    public User user() {
        return user;
    }

    /** When this session attached to its current VM. */
    public Instant attachedSince() {
        return attachedSince;
    }

    /** How other operators see this one: {@code alice@10.0.0.5}, or the address alone without login. */
    public String who() {
        return user.anonymous() ? remote : user.name() + "@" + LoginDialog.host(remote);
    }

    /** This session's role on {@code vm}, empty when its user has no grant there. */
    public Optional<Role> roleOn(SharedVm vm) {
        return user.roleOn(vm.name());
    }

    public SharedVm attached() {
        return attached;
    }

    public Integer cpuIndex() {
        return commands.cpuIndex();
    }

    /** Which events this session shows ({@code .events}). */
    EventFilter eventFilter() {
        return events;
    }

    public Console console() {
        return console;
    }

    SessionContext context() {
        return ctx;
    }

    /** Asks for a login when authentication is on, then attaches and prints the banner and first prompt. */
    public void start() {
        ctx.sessions().add(this);
        authenticated = !ctx.access().loginRequired();
        user = authenticated ? User.ANONYMOUS : User.NOBODY;
        ctx.activity().sessionOpened(actor());
        if (!authenticated && certificateName != null) {
            Optional<User> certified = ctx.access().authenticator().users().get(certificateName);
            if (certified.isPresent()) {
                loggedIn(certified.get());
                return;
            }
            console.notice(
                    "[monmux] client certificate '" + SharedVm.printable(certificateName)
                            + "' names no user; log in with a password",
                    false);
        }
        if (!authenticated) {
            login = new LoginDialog(this, console, loop, ctx.access(), this::loggedIn);
            login.begin();
            return;
        }
        enter();
    }

    private void loggedIn(User u) {
        user = u;
        authenticated = true;
        ctx.activity().loginSucceeded(actor());
        enter();
    }

    private void enter() {
        SharedVm vm = fixedVm != null ? fixedVm : ctx.vms().only().orElse(null);
        if (vm != null && roleOn(vm).isEmpty()) {
            if (fixedVm != null) {
                console.ask(
                        "permission denied: user '" + user.name() + "' has no access to VM '" + vm.name() + "'\r\n",
                        "",
                        false);
                console.close();
                return;
            }
            vm = null;
        }
        if (vm == null && fixedVm == null) {
            // A user whose grants name exactly one of the VMs has nothing to choose: attached to it.
            List<SharedVm> mine =
                    ctx.vms().all().stream().filter(v -> roleOn(v).isPresent()).toList();
            if (mine.size() == 1) {
                vm = mine.get(0);
            }
        }
        if (vm != null) {
            attach(vm);
        }
        console.output(banner() + "\r\n");
    }

    private String banner() {
        if (attached != null) {
            String state = attached.link().state() == QmpEndpoint.State.UP ? "" : " (VM is down, reconnecting)";
            return "monmux " + ctx.monmuxVersion() + " \u2014 " + attached.describeQemu() + " monitor on VM '"
                    + attached.name() + "'" + state + " - type 'help' for more information";
        }
        return "monmux " + ctx.monmuxVersion() + " \u2014 VMs: " + String.join(", ", visibleVmNames())
                + " - type '.attach NAME' to pick one, '.help' for monmux commands";
    }

    /** The VMs this session's user has a grant on, in config order. */
    List<String> visibleVmNames() {
        return ctx.vms().all().stream()
                .filter(v -> roleOn(v).isPresent())
                .map(SharedVm::name)
                .toList();
    }

    /** A line the operator entered. */
    public void onLine(String line) {
        lastInput = Instant.now();
        if (!authenticated) {
            // Until a login succeeds every line belongs to the login dialog; after it gave up, to no one.
            if (login != null && !login.done()) {
                login.onLine(line);
            }
            return;
        }
        if (confirmation.waiting()) {
            confirmation.answer(line);
            return;
        }
        queue.add(new Input(line, 0));
    }

    /** The operator entered a line over the limit; it was discarded. */
    public void onLineTooLong(int maxBytes) {
        lastInput = Instant.now();
        if (!authenticated) {
            if (login != null && !login.done()) {
                login.onLineTooLong();
            }
            return;
        }
        if (confirmation.waiting()) {
            confirmation.answer("");
            return;
        }
        queue.add(new Input(null, maxBytes));
    }

    /**
     * The client closed its sending side (e.g. {@code printf 'info status\n' | nc}): finish the
     * lines already received, print their output, then close.
     */
    public void endOfInput() {
        if (!authenticated) {
            if (login != null && !login.done()) {
                login.endOfInput();
            } else {
                console.close();
            }
            return;
        }
        inputEnded = true;
        queue.advance();
    }

    /**
     * monmux is stopping: tell the operator, let commands in flight finish, answer lines not yet
     * started with an error. Completes once nothing is in flight (call from any thread).
     */
    public CompletableFuture<Void> drain() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            drained = done;
            if (!closed) {
                console.notice("[monmux] shutting down", false);
            }
            queue.advance();
        });
        return done;
    }

    /**
     * The connection is about to be closed by monmux for {@code reason} ({@code stuck}: the client
     * stopped reading; {@code idle}: it sent nothing): recorded when it is gone.
     */
    public void closingBecause(String reason) {
        closeReason = reason;
    }

    /** The connection is gone. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (login != null) {
            login.cancel();
        }
        confirmation.cancel();
        detach();
        ctx.sessions().remove(this);
        ctx.activity().sessionClosed(actor(), drained != null ? "shutdown" : closeReason);
        if (drained != null) {
            drained.complete(null);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * An event line for this session, on its event loop ({@link SharedVm} brings it); not shown
     * when {@code .events} leaves it out.
     */
    void showEvent(String line, String name) {
        if (!closed && events.shows(name)) {
            console.notice(line, true);
        }
    }

    /** The event loop the session is confined to. */
    public EventExecutor loop() {
        return loop;
    }

    /** A monmux notice for this session (any thread); always shown. */
    public void notice(String line) {
        loop.execute(() -> {
            if (!closed) {
                console.notice(line, false);
            }
        });
    }

    /**
     * The VM was removed from the configuration (any thread): a session attached to it through a
     * shared listener is told and detached; one on the VM's own port is told and closed.
     */
    public void vmRemoved(SharedVm vm) {
        vmReplaced(vm, null);
    }

    /**
     * A reload changed the VM's QMP address or timeout, so it has a new link (any thread): a
     * session attached through a shared listener moves to {@code replacement}; one on the VM's own
     * port is closed (its port is bound again). With a null replacement the VM is gone.
     */
    public void vmReplaced(SharedVm vm, SharedVm replacement) {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            String notice = "[monmux] VM '" + vm.name() + "' was "
                    + (replacement == null ? "removed from" : "changed in") + " the configuration";
            if (fixedVm == vm) {
                console.notice(notice + "; disconnecting", false);
                console.close();
            } else if (attached == vm && replacement != null) {
                console.notice(notice + "; reattached (" + replacement.describeQemu() + ")", false);
                attach(replacement);
            } else if (attached == vm) {
                console.notice(notice + "; detached ('.vms' lists the others)", false);
                detach();
            }
        });
    }

    /** The listener this session came in through was removed from the configuration (any thread). */
    public void listenerRemoved() {
        loop.execute(() -> {
            if (!closed) {
                console.notice(
                        "[monmux] listener " + listener + " was removed from the configuration; disconnecting", false);
                console.close();
            }
        });
    }

    /**
     * The users were reloaded (any thread): a logged-in session keeps its login and takes the
     * account's current role and grants; a session whose account is gone is closed, and one whose
     * account lost the attached VM is detached (closed on the VM's own port).
     */
    public void usersReloaded(UserDirectory users) {
        loop.execute(() -> {
            if (closed || !authenticated || user.anonymous()) {
                return;
            }
            Optional<User> now = users.get(user.name());
            if (now.isEmpty()) {
                console.notice(
                        "[monmux] user '" + user.name() + "' was removed from the configuration; disconnecting", false);
                console.close();
                return;
            }
            user = now.get();
            if (attached != null && roleOn(attached).isEmpty()) {
                String notice =
                        "[monmux] user '" + user.name() + "' no longer has access to VM '" + attached.name() + "'";
                if (fixedVm != null) {
                    console.notice(notice + "; disconnecting", false);
                    console.close();
                } else {
                    console.notice(notice + "; detached", false);
                    detach();
                }
            }
        });
    }

    /**
     * The console did not deliver {@code count} events because the client is not reading (for
     * the metrics; the operator is told by the console).
     */
    public void eventsDropped(int count) {
        SharedVm vm = attached;
        ctx.activity().eventsDropped(vm == null ? "-" : vm.name(), count);
    }

    void attach(SharedVm vm) {
        detach();
        attached = vm;
        attachedSince = Instant.now();
        commands.forgetCpu();
        vm.join(this);
    }

    /** Leaves the VM; a lock this session holds on it is released and the others are told. */
    void detach() {
        if (attached != null) {
            SharedVm vm = attached;
            vm.leave(this);
            Optional<VmLock> released = ctx.access().locks().release(vm.name(), id);
            if (released.isPresent()) {
                vm.broadcast("[monmux] " + who() + " left; VM '" + vm.name() + "' is unlocked", this);
                ctx.activity().lockChanged(actor(), vm.name(), "released", who());
            }
            attached = null;
            commands.forgetCpu();
        }
    }

    void setEvents(EventFilter filter) {
        events = filter;
    }

    // ---- ordered, bounded dispatch ----

    /** This session's lines as {@link OrderedDispatch} runs them. */
    private final class Lines implements OrderedDispatch.Client<Input> {
        @Override
        public boolean ready() {
            return !closed;
        }

        @Override
        public boolean isBarrier(Input in) {
            return in.text() != null && SessionCommands.isBarrier(in.text());
        }

        @Override
        public CompletableFuture<String> start(Input in, SendOrder.Turn turn) {
            return in.text() == null
                    ? CompletableFuture.completedFuture("line too long (max " + in.tooLongLimit() + " bytes)\r\n")
                    : commands.run(in.text(), turn, drained != null);
        }

        @Override
        public String failed(Input in, Throwable err) {
            return commands.failed(err);
        }

        @Override
        public void write(String output) {
            if (!closed) {
                console.output(output);
            }
        }

        @Override
        public void pauseInput(boolean paused) {
            console.pauseInput(paused);
        }

        @Override
        public void settled() {
            if (drained != null && queue.idle()) {
                drained.complete(null);
            }
            if (inputEnded && queue.idle() && !console.hasPendingInput() && !closed) {
                console.close();
            }
        }
    }

    /** The user, role and address this session's commands are recorded under. */
    public Actor actor() {
        if (!authenticated) {
            return new Actor(id, "-", "-", remote, listener); // not logged in (yet): no role at all
        }
        Role role = attached == null ? user.role() : roleOn(attached).orElse(user.role());
        return new Actor(id, user.name(), role.label(), remote, listener);
    }

    @Override
    public String toString() {
        return "session " + id + " from " + remote;
    }
}
