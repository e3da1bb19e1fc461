package dev.monmux.session;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.monmux.auth.Authenticator;
import dev.monmux.auth.User;
import dev.monmux.command.Actor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The {@code login: } / {@code Password: } exchange in front of a session, on the connection's
 * event loop. The password check runs on the authenticator's pool; after failures the next
 * attempt is held back by a scheduled task (never a sleep). Lines a script sends ahead (user,
 * password, commands) are kept in order and handed to the session once logged in.
 */
final class LoginDialog {
    private enum State { USER, PASSWORD, CHECKING, DONE }

    private final OperatorSession session;
    private final Console console;
    private final EventExecutor loop;
    private final Access access;
    private final Consumer<User> onSuccess;
    private final ArrayDeque<String> ahead = new ArrayDeque<>();
    private State state = State.USER;
    private String name;
    private int failures;
    private boolean inputEnded;
    private boolean inputPaused;
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> pending;

    LoginDialog(OperatorSession session, Console console, EventExecutor loop, Access access, Consumer<User> onSuccess) {
        this.session = session;
        this.console = console;
        this.loop = loop;
        this.access = access;
        this.onSuccess = onSuccess;
    }

    void begin() {
        timeout = loop.schedule(this::timedOut, access.login().timeout().toMillis(), TimeUnit.MILLISECONDS);
        console.ask("", "login: ", false);
    }

    boolean done() {
        return state == State.DONE;
    }

    void onLine(String line) {
        if (state == State.CHECKING) {
            ahead.add(line);
            if (!inputPaused && ahead.size() >= 1000) {
                inputPaused = true;
                console.pauseInput(true);
            }
            return;
        }
        if (state == State.USER) {
            String n = line.strip();
            if (n.isEmpty()) {
                console.ask("", "login: ", false);
                return;
            }
            name = n;
            state = State.PASSWORD;
            console.ask("", "Password: ", true);
            return;
        }
        if (state == State.PASSWORD) {
            state = State.CHECKING;
            char[] password = line.toCharArray();
            String host = host(session.remote());
            Duration wait = access.authenticator().throttle().delayBefore(host, name);
            if (wait.isZero()) {
                check(host, password);
            } else {
                pending = loop.schedule(() -> check(host, password), wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** A line over the limit while logging in counts as a wrong answer, not as a command. */
    void onLineTooLong() {
        onLine(state == State.PASSWORD || state == State.CHECKING ? "\0" : "");
    }

    void endOfInput() {
        inputEnded = true;
        if (state != State.CHECKING && ahead.isEmpty()) {
            console.close();
        }
    }

    void cancel() {
        state = State.DONE;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void check(String host, char[] password) {
        pending = null;
        access.authenticator().check(name, password).whenComplete((v, err) -> loop.execute(() -> {
            if (session.isClosed() || state != State.CHECKING) {
                return;
            }
            if (v instanceof Authenticator.Verdict.Accepted a) {
                succeed(a.user());
            } else if (v instanceof Authenticator.Verdict.Busy) {
                retry("monmux is busy checking other logins; try again\r\n", false, null);
            } else {
                String reason = v instanceof Authenticator.Verdict.Rejected r ? r.reason()
                        : "check failed: " + err;
                access.authenticator().throttle().failed(host, name);
                retry("Login incorrect\r\n", true, reason);
            }
        }));
    }

    private void succeed(User user) {
        state = State.DONE;
        timeout.cancel(false);
        access.authenticator().throttle().succeeded(user.name());
        onSuccess.accept(user);
        if (inputPaused) {
            inputPaused = false;
            console.pauseInput(false);
        }
        while (!ahead.isEmpty() && !session.isClosed()) {
            session.onLine(ahead.poll());
        }
        if (inputEnded) {
            session.endOfInput();
        }
    }

    private void retry(String message, boolean counts, String reason) {
        if (counts) {
            failures++;
            Actor a = session.actor();
            session.context().activity().loginFailed(name, a.remote(), a.listener(), reason);
        }
        if (failures >= access.login().attempts()) {
            state = State.DONE;
            timeout.cancel(false);
            console.ask(message + "too many failed logins; disconnecting\r\n", "", false);
            console.close();
            return;
        }
        state = State.USER;
        name = null;
        console.ask(message, "login: ", false);
        if (inputPaused && ahead.size() < 500) {
            inputPaused = false;
            console.pauseInput(false);
        }
        while (state != State.CHECKING && !ahead.isEmpty() && !session.isClosed()) {
            onLine(ahead.poll());
        }
        if (inputEnded && state != State.CHECKING && ahead.isEmpty()) {
            console.close();
        }
    }

    private void timedOut() {
        if (state == State.DONE || session.isClosed()) {
            return;
        }
        state = State.DONE;
        if (pending != null) {
            pending.cancel(false);
        }
        Actor a = session.actor();
        session.context().activity().loginFailed(name == null ? "" : name, a.remote(), a.listener(), "timeout");
        console.ask("\r\nlogin timed out after " + dev.monmux.config.Durations.format(access.login().timeout())
                + "; disconnecting\r\n",
                "", false);
        console.close();
    }

    /** The address without the port: throttling counts per host, whatever port a retry comes from. */
    static String host(String remote) {
        int colon = remote.lastIndexOf(':');
        return colon > 0 ? remote.substring(0, colon) : remote;
    }
}
