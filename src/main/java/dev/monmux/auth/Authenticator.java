package dev.monmux.auth;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks passwords off the event loops: PBKDF2 takes a deliberate fraction of a second of CPU,
 * so it runs on a small pool of its own with a bounded queue (past it, a login is answered
 * "busy" rather than queued without end).
 */
public final class Authenticator implements AutoCloseable {
    /** The outcome of one check. */
    public sealed interface Verdict {
        record Accepted(User user) implements Verdict {}

        /** @param reason for the audit log only ({@code unknown user}, {@code wrong password}) */
        record Rejected(String reason) implements Verdict {}

        record Busy() implements Verdict {}
    }

    private final UserDirectory users;
    private final LoginThrottle throttle;
    private final ThreadPoolExecutor pool;

    public Authenticator(UserDirectory users, LoginThrottle throttle) {
        this.users = users;
        this.throttle = throttle;
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "monmux-password-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    public UserDirectory users() {
        return users;
    }

    public LoginThrottle throttle() {
        return throttle;
    }

    /** Checks {@code password} for {@code name}; the array is wiped afterwards. Completes off the caller's thread. */
    public CompletableFuture<Verdict> check(String name, char[] password) {
        CompletableFuture<Verdict> f = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    f.complete(verify(name, password));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                } finally {
                    Arrays.fill(password, '\0');
                }
            });
        } catch (RejectedExecutionException e) {
            Arrays.fill(password, '\0');
            f.complete(new Verdict.Busy());
        }
        return f;
    }

    private Verdict verify(String name, char[] password) {
        Optional<User> user = users.get(name);
        if (user.isEmpty() || user.get().password() == null) {
            users.decoy().matches(password);
            return new Verdict.Rejected("unknown user");
        }
        return user.get().password().matches(password)
                ? new Verdict.Accepted(user.get())
                : new Verdict.Rejected("wrong password");
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
