package dev.monmux.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.acl.VmLock;
import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandPipeline;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.OrderedDispatch;
import dev.monmux.command.Outcome;
import dev.monmux.command.Route;
import dev.monmux.command.SendOrder;
import dev.monmux.effect.Classification;
import dev.monmux.effect.Effect;
import dev.monmux.qmp.Futures;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpJson;
import dev.monmux.qmp.VmLinkException;
import io.netty.util.concurrent.EventExecutor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public final class OperatorSession {
    private static final Logger log = LoggerFactory.getLogger(OperatorSession.class);
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
    private Integer cpuIndex;
    private boolean eventsOn = true;
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
        return cpuIndex;
    }

    public boolean eventsOn() {
        return eventsOn;
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

    /** An event line for this session, on its event loop ({@link SharedVm} brings it); dropped when events are off. */
    void showEvent(String line) {
        if (!closed && eventsOn) {
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
        cpuIndex = null;
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
            cpuIndex = null;
        }
    }

    void setEvents(boolean on) {
        eventsOn = on;
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
            return in.text() != null && OperatorSession.isBarrier(in.text());
        }

        @Override
        public CompletableFuture<String> start(Input in, SendOrder.Turn turn) {
            return in.text() == null
                    ? done("line too long (max " + in.tooLongLimit() + " bytes)\r\n")
                    : dispatch(in.text(), turn);
        }

        @Override
        public String failed(Input in, Throwable err) {
            return errorText(err);
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

    /** `cpu N` changes what the following lines mean (their cpu-index): run it alone. */
    private static boolean isBarrier(String line) {
        String t = line.strip();
        return t.equals("cpu") || t.startsWith("cpu ") || t.startsWith("cpu\t");
    }

    private CompletableFuture<String> dispatch(String line, SendOrder.Turn turn) {
        if (drained != null) {
            return done("Error: monmux is shutting down\r\n");
        }
        String t = line.strip();
        if (t.isEmpty()) {
            return done("");
        }
        if (t.startsWith(".")) {
            return ctx.builtins().runAsync(this, t);
        }
        if (attached == null) {
            return done("Error: no VM attached; type '.attach NAME' ('.vms' lists them)\r\n");
        }
        if (t.startsWith("{")) {
            return rawQmp(t, turn);
        }
        return hmp(line, turn);
    }

    private CompletableFuture<String> hmp(String line, SendOrder.Turn turn) {
        Integer selected = parseCpu(line);
        return execute(ctx.hmp().forVm(attached.link()).plan(line, cpuIndex, attached.name()), turn)
                .thenApply(out -> {
                    if (selected != null && out.isEmpty()) {
                        // QEMU forgets `cpu N` after each human-monitor-command; remember it for later calls.
                        cpuIndex = selected;
                    }
                    return out;
                });
    }

    /** The user, role and address this session's commands are recorded under. */
    public Actor actor() {
        if (!authenticated) {
            return new Actor(id, "-", "-", remote, listener); // not logged in (yet): no role at all
        }
        Role role = attached == null ? user.role() : roleOn(attached).orElse(user.role());
        return new Actor(id, user.name(), role.label(), remote, listener);
    }

    /**
     * Gate, audit, send, audit, answer: the command is sent only once its start is recorded, and
     * its output is printed only once its outcome is.
     */
    private CompletableFuture<String> execute(CommandPlan plan, SendOrder.Turn turn) {
        SharedVm vm = attached;
        // Only commands known to be dangerous are confirmed: a typo ('unknown') or a command of a newer
        // QEMU that monmux has no class for goes to QEMU (admins only), as at QEMU's own prompt.
        if (plan.effect() == Effect.DANGEROUS
                && !"unknown".equals(plan.name())
                && !Classification.UNKNOWN.equals(plan.why())
                && ctx.access().confirmDangerous()
                && console.interactive()
                && ctx.gate().refuse(actor(), vm.name(), plan).isEmpty()) {
            CompletableFuture<Boolean> answer = confirmation.ask();
            String what = confirmName(plan);
            console.ask("", "Really " + what + " VM '" + vm.name() + "'? (yes/no) ", false);
            // Asked again after the answer: a lock may have been taken meanwhile.
            return answer.thenCompose(yes -> yes && !closed && attached == vm
                    ? gateAndRun(plan, vm, turn)
                    : done("'" + what + "' was not run\r\n"));
        }
        return gateAndRun(plan, vm, turn);
    }

    /** What the question names: the command, or the HMP command a raw {@code human-monitor-command} wraps. */
    private String confirmName(CommandPlan plan) {
        if ("human-monitor-command".equals(plan.qmpCommand())
                && plan.path() == Route.QMP
                && plan.qmpArguments() != null
                && plan.qmpArguments().path("command-line").isTextual()) {
            return ctx.hmp()
                    .forVm(attached.link())
                    .plan(plan.qmpArguments().path("command-line").asText(), null)
                    .name();
        }
        return plan.name();
    }

    private CompletableFuture<String> gateAndRun(CommandPlan plan, SharedVm vm, SendOrder.Turn turn) {
        return new CommandPipeline(ctx.gate(), ctx.observer())
                .run(actor(), vm.link(), plan, loop, HMP_WORDING, turn, p -> vm.announceCommand(who(), p, this));
    }

    /** monmux's own refusals, as one HMP-style line. */
    private static final CommandPipeline.Wording HMP_WORDING = new CommandPipeline.Wording() {
        @Override
        public CommandResult denied(String reason) {
            return new CommandResult(reason + "\r\n", Outcome.DENIED, null, reason);
        }

        @Override
        public CommandResult refused(String reason) {
            return CommandResult.refused(Outcome.REFUSED, reason);
        }
    };

    private static Integer parseCpu(String line) {
        String t = line.strip();
        if (!t.startsWith("cpu")) {
            return null; // the common case, without a regex split per line
        }
        String[] w = t.split("\\s+");
        if (w.length == 2 && w[0].equals("cpu")) {
            try {
                return Integer.valueOf(w[1]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private CompletableFuture<String> rawQmp(String text, SendOrder.Turn turn) {
        QmpEndpoint link = attached.link();
        RawQmpLine raw =
                RawQmpLine.read(text, link.greeting() != null && link.greeting().offers("oob"));
        if (raw.error() != null) {
            return done(raw.error());
        }
        return execute(
                ctx.qmp()
                        .plan(
                                raw.request(),
                                link,
                                req -> vm -> vm.execute(req).thenApply(OperatorSession::qmpResult),
                                OperatorSession::qmpResult),
                turn);
    }

    private static CommandResult qmpResult(ObjectNode reply) {
        return CommandResult.ofReply(QmpJson.pretty(reply) + "\r\n", reply);
    }

    private String errorText(Throwable err) {
        Throwable t = Futures.cause(err);
        if (t instanceof VmLinkException) {
            return "Error: " + t.getMessage() + "\r\n";
        }
        log.error("session {}: unexpected failure", id, t);
        return "Error: internal error in monmux; see the monmux log\r\n";
    }

    private static CompletableFuture<String> done(String s) {
        return CompletableFuture.completedFuture(s);
    }

    @Override
    public String toString() {
        return "session " + id + " from " + remote;
    }
}
