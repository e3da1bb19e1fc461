package dev.monmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.acl.AccessControl;
import dev.monmux.acl.VmLocks;
import dev.monmux.auth.Authenticator;
import dev.monmux.auth.LoginThrottle;
import dev.monmux.auth.PasswordHash;
import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.auth.VmGlob;
import dev.monmux.command.ActivityListener;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.FallbackHmpPlanner;
import dev.monmux.command.QmpRequestPlanner;
import dev.monmux.config.LoginConfig;
import dev.monmux.testing.ScriptedVm;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What sessions report to the audit log and metrics ({@link ActivityListener}): logins that
 * succeed and fail (with the user and role in the actor), lock changes and messages. Runs real
 * sessions on a real event loop with a recording console, no sockets.
 */
class OperatorActivityTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final List<String> activity = new ArrayList<>();
    private final ActivityListener recorder = new ActivityListener() {
        @Override
        public void loginSucceeded(Actor a) {
            record("login " + a.user() + " " + a.role() + " " + a.remote());
        }

        @Override
        public void loginFailed(String user, String remote, String listener, String reason) {
            record("login-failed " + user + " " + remote + " " + listener + " " + reason);
        }

        @Override
        public void lockChanged(Actor a, String vm, String action, String previousHolder) {
            record("lock " + a.user() + " " + vm + " " + action + " " + previousHolder);
        }

        @Override
        public void said(Actor a, String vm, String text) {
            record("said " + a.user() + " " + vm + " " + text);
        }
    };
    private Authenticator auth;

    private synchronized void record(String s) {
        activity.add(s);
    }

    private synchronized List<String> activity() {
        return List.copyOf(activity);
    }

    /** Prints into a list; a question or an output counts as a prompt. */
    static final class RecordingConsole implements Console {
        final List<String> shown = new ArrayList<>();
        boolean closed;

        @Override
        public boolean interactive() {
            return false;
        }

        @Override
        public synchronized void output(String text) {
            shown.add(text + "(qemu) ");
        }

        @Override
        public synchronized void ask(String text, String question, boolean hidden) {
            shown.add(text + question);
        }

        @Override
        public synchronized void notice(String line, boolean droppable) {
            shown.add(line + "\n");
        }

        @Override
        public void pauseInput(boolean paused) {}

        @Override
        public synchronized void close() {
            closed = true;
        }

        synchronized String text() {
            return String.join("", shown);
        }
    }

    private SessionContext context() {
        PasswordHash alicePw = PasswordHash.create("alice-pw".toCharArray(), 1000);
        PasswordHash ottoPw = PasswordHash.create("otto-pw".toCharArray(), 1000);
        UserDirectory users = new UserDirectory(List.of(
                new User("alice", Role.OPERATOR, List.of(VmGlob.of("vm*")), alicePw),
                new User("otto", Role.ADMIN, List.of(VmGlob.of("*")), ottoPw)));
        auth = new Authenticator(
                users, new LoginThrottle(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(100)));
        VmLocks locks = new VmLocks();
        VmDirectory vms = new VmDirectory();
        vms.add(new SharedVm(new ScriptedVm("vm1"), new EventFormatter(ZoneId.of("UTC"))));
        return new SessionContext(
                vms,
                new SessionRegistry(),
                new BuiltinCommands(),
                dev.monmux.command.HmpPlanners.fixed(new FallbackHmpPlanner()),
                new QmpRequestPlanner(new FallbackHmpPlanner()),
                new AccessControl(users, locks, ZoneId.of("UTC")),
                CommandObserver.NONE,
                recorder,
                8,
                100,
                new Access(
                        auth,
                        new LoginConfig(
                                Duration.ofMillis(50),
                                Duration.ofMillis(200),
                                Duration.ofMillis(100),
                                3,
                                Duration.ofSeconds(30)),
                        locks,
                        true),
                dev.monmux.Version.get());
    }

    private OperatorSession session(SessionContext ctx, String id, RecordingConsole console) throws Exception {
        OperatorSession s =
                new OperatorSession(id, "10.0.0.7:4000" + id.length(), "telnet:test", ctx, null, console, loop);
        loop.submit(s::start).get(5, TimeUnit.SECONDS);
        return s;
    }

    private void lines(OperatorSession s, String... lines) throws Exception {
        loop.submit(() -> {
                    for (String l : lines) {
                        s.onLine(l);
                    }
                })
                .get(5, TimeUnit.SECONDS);
    }

    private static void await(Supplier<Boolean> condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out; " + what.get());
            }
            Thread.sleep(5);
        }
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (auth != null) {
            auth.close();
        }
    }

    @Test
    void loginsLocksAndMessagesAreReported() throws Exception {
        SessionContext ctx = context();
        RecordingConsole a = new RecordingConsole();
        OperatorSession alice = session(ctx, "s1", a);
        assertEquals("login: ", a.text());
        lines(alice, "alice", "not-it");
        await(() -> a.text().endsWith("Login incorrect\r\nlogin: "), a::text);
        assertEquals(List.of("login-failed alice 10.0.0.7:40002 telnet:test wrong password"), activity());
        lines(alice, "mallory", "x");
        await(() -> activity().size() == 2, () -> activity().toString());
        assertEquals(
                "login-failed unknown 10.0.0.7:40002 telnet:test unknown user",
                activity().get(1));
        // The third try waits out the throttle (scheduled, not slept) and succeeds.
        lines(alice, "alice", "alice-pw");
        await(() -> a.text().endsWith("(qemu) "), a::text);
        assertEquals("login alice operator 10.0.0.7:40002", activity().get(2));
        assertTrue(a.text().contains("monitor on VM 'vm1'"), a.text());

        // A script's lines sent ahead of the login's answer are kept in order and run after it.
        RecordingConsole o = new RecordingConsole();
        OperatorSession otto = session(ctx, "s22", o);
        lines(otto, "otto", "otto-pw", ".lock", ".say coffee?");
        await(() -> o.text().contains("said to 1 other operator"), o::text);
        assertTrue(o.text().contains("VM 'vm1' locked: others can only run queries"), o.text());
        // what others are told reaches them on their own event loop: it may come a little later
        await(() -> a.text().contains("[otto@10.0.0.7 says] coffee?\n"), a::text);
        assertTrue(
                a.text().contains("[monmux] otto@10.0.0.7 locked VM 'vm1'; only queries are allowed for others\n"),
                a.text());
        assertTrue(a.text().contains("[otto@10.0.0.7 says] coffee?\n"), a.text());
        assertEquals(
                List.of("login otto admin 10.0.0.7:40003", "lock otto vm1 lock null", "said otto vm1 coffee?"),
                activity().subList(3, 6));

        // The holder leaves: the lock is released and reported as such.
        loop.submit(otto::close).get(5, TimeUnit.SECONDS);
        await(() -> activity().size() == 7, () -> activity().toString());
        assertEquals("lock otto vm1 released otto@10.0.0.7", activity().get(6));
        await(() -> a.text().contains("[monmux] otto@10.0.0.7 left; VM 'vm1' is unlocked\n"), a::text);
    }

    @Test
    void aScriptWithAWrongPasswordNeverRunsItsCommands() throws Exception {
        SessionContext ctx = context();
        RecordingConsole c = new RecordingConsole();
        OperatorSession s = session(ctx, "s1", c);
        lines(s, "alice", "wrong", ".lock", "x", "y", "z", ".lock", ".say hi");
        await(() -> c.closed, c::text);
        // Lines still arriving before the connection is gone are ignored, not run as anyone.
        lines(s, ".lock", ".say hi", "info status");
        // The lines after the failed password were taken as further login attempts, never as commands.
        assertTrue(c.text().endsWith("too many failed logins; disconnecting\r\n"), c.text());
        assertTrue(!c.text().contains("locked") && !c.text().contains("said"), c.text());
        assertTrue(ctx.access().locks().holder("vm1").isEmpty());
        assertEquals(
                List.of(
                        "login-failed alice 10.0.0.7:40002 telnet:test wrong password",
                        // what was typed at login: is not recorded unless it names a user (it may be a password)
                        "login-failed unknown 10.0.0.7:40002 telnet:test unknown user",
                        "login-failed unknown 10.0.0.7:40002 telnet:test unknown user"),
                activity());
    }
}
