package dev.monmux.session;

import dev.monmux.auth.Authenticator;
import dev.monmux.auth.LoginThrottle;
import dev.monmux.auth.User;
import dev.monmux.command.Actor;
import dev.monmux.config.Durations;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code login: } / {@code Password: } exchange in front of a session, on the connection's
 * event loop. The password check runs on the authenticator's pool; after failures the next
 * attempt is held back by a scheduled task (never a sleep), and the client is told how long
 * ({@code too many failed logins; wait 4 s}). Lines a script sends ahead (user, password,
 * commands) are kept in order and handed to the session once logged in. What was typed at
 * {@code login: } reaches the audit log only when it names a user (else {@code unknown}): it may
 * be a password typed at the wrong prompt.
 */
final class LoginDialog {
    private static final Logger log = LoggerFactory.getLogger(LoginDialog.class);

    private enum State {
        USER,
        PASSWORD,
        CHECKING,
        DONE
    }

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
    /** The attempt waiting for its turn to be checked (scheduled, not started), or null. */
    private LoginThrottle.Attempt waiting;

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
            // Counted from now, before the check: guesses sent at once over many connections queue.
            LoginThrottle.Attempt attempt = access.authenticator().throttle().begin(host, name);
            if (attempt == null) {
                Arrays.fill(password, '\0');
                state = State.DONE;
                timeout.cancel(false);
                Actor a = session.actor();
                session.context().activity().loginFailed(recordedName(), a.remote(), a.listener(), "too many waiting");
                console.ask("too many logins are waiting from " + host + "; try again later\r\n", "", false);
                console.close();
                return;
            }
            Duration wait = attempt.delay();
            if (wait.isZero()) {
                check(attempt, password);
            } else {
                if (attempt.newlyThrottled()) {
                    log.warn(
                            "logins from {} are held back after failed attempts ({} counted); the next in {}",
                            host,
                            access.authenticator().throttle().failures(host),
                            Durations.format(wait));
                }
                Actor a = session.actor();
                session.context().activity().loginDelayed(a.remote(), a.listener(), wait);
                console.ask("too many failed logins; wait " + seconds(wait) + "\r\n", "", false);
                waiting = attempt;
                pending = loop.schedule(() -> check(attempt, password), wait.toMillis(), TimeUnit.MILLISECONDS);
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
        withdrawWaiting();
    }

    /** The client left (or timed out) before its password was checked: the attempt does not count. */
    private void withdrawWaiting() {
        if (pending != null && pending.cancel(false) && waiting != null) {
            waiting.withdrawn();
        }
        pending = null;
        waiting = null;
    }

    private void check(LoginThrottle.Attempt attempt, char[] password) {
        pending = null;
        waiting = null;
        access.authenticator()
                .check(name, password)
                .whenComplete((v, err) -> loop.execute(() -> {
                    if (v instanceof Authenticator.Verdict.Accepted) {
                        attempt.succeeded();
                    } else if (v instanceof Authenticator.Verdict.Busy) {
                        attempt.withdrawn();
                    } else {
                        attempt.failed();
                    }
                    if (session.isClosed() || state != State.CHECKING) {
                        return;
                    }
                    if (v instanceof Authenticator.Verdict.Accepted a) {
                        succeed(a.user());
                    } else if (v instanceof Authenticator.Verdict.Busy) {
                        retry("monmux is busy checking other logins; try again\r\n", false, null);
                    } else {
                        String reason =
                                v instanceof Authenticator.Verdict.Rejected r ? r.reason() : "check failed: " + err;
                        retry("Login incorrect\r\n", true, reason);
                    }
                }));
    }

    /** {@code 4 s}, or {@code 0.3 s} under a second: rounded up, so nobody tries too early. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms >= 1000) {
            return ((ms + 999) / 1000) + " s";
        }
        return Math.ceil(ms / 100.0) / 10.0 + " s"; // up to the next tenth
    }

    /** What the audit log may name: a configured user, or {@code unknown} (never what was typed). */
    private String recordedName() {
        return name != null && access.authenticator().users().get(name).isPresent() ? name : "unknown";
    }

    private void succeed(User user) {
        state = State.DONE;
        timeout.cancel(false);
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
            session.context().activity().loginFailed(recordedName(), a.remote(), a.listener(), reason);
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
        withdrawWaiting();
        Actor a = session.actor();
        session.context()
                .activity()
                .loginFailed(name == null ? "" : recordedName(), a.remote(), a.listener(), "timeout");
        console.ask(
                "\r\nlogin timed out after " + Durations.format(access.login().timeout()) + "; disconnecting\r\n",
                "",
                false);
        console.close();
    }

    /** The address without the port: throttling counts per host, whatever port a retry comes from. */
    static String host(String remote) {
        int colon = remote.lastIndexOf(':');
        return colon > 0 ? remote.substring(0, colon) : remote;
    }
}
