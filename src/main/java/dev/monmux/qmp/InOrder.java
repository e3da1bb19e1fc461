package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Keeps a client's replies in their place among the link's events. QEMU sends {@code STOP}
 * before the reply to {@code stop}; a front end that hops events onto its own thread must hop the
 * reply the same way, from the link's thread, or a reply whose callback happened to be attached
 * late (after QEMU answered) runs at once on the client's thread and overtakes the event still
 * queued for it. Here the request is sent from the link's thread (so the callback is attached
 * before any reply can be read) and the reply is queued to the client's thread from there.
 */
public final class InOrder {
    private InOrder() {}

    /**
     * A question sent to QEMU just before a command, in the same turn on the link (nothing else
     * can come between them), whose answer may veto the command's reply: {@code qom-get} of a
     * secret object's property by someone who may not read secrets.
     */
    @FunctionalInterface
    public interface Precheck {
        /** Sends the question; completes normally to let the reply through, exceptionally to veto it. */
        CompletableFuture<Void> ask(QmpCaller link, CompletableFuture<?> command);
    }

    /** A caller for {@code link} whose futures complete on {@code home}, in the link's order. */
    public static QmpCaller caller(QmpEndpoint link, Executor home) {
        return caller(link, home, null);
    }

    /**
     * As {@link #caller(QmpEndpoint, Executor)}; each command is preceded by {@code precheck}'s
     * question (null: none), and its reply is released only if the precheck lets it through.
     */
    public static QmpCaller caller(QmpEndpoint link, Executor home, Precheck precheck) {
        return new QmpCaller() {
            @Override
            public CompletableFuture<JsonNode> call(String command, ObjectNode arguments) {
                return via(link, home, precheck, () -> link.call(command, arguments));
            }

            @Override
            public CompletableFuture<ObjectNode> execute(ObjectNode request) {
                return via(link, home, precheck, () -> link.execute(request));
            }
        };
    }

    /** {@link QmpEndpoint#execute}, completing on {@code home} in the link's order. */
    public static CompletableFuture<ObjectNode> execute(QmpEndpoint link, ObjectNode request, Executor home) {
        return via(link, home, null, () -> link.execute(request));
    }

    private static <T> CompletableFuture<T> via(
            QmpEndpoint link, Executor home, Precheck precheck, Supplier<CompletableFuture<T>> send) {
        CompletableFuture<T> result = new CompletableFuture<>();
        link.linkExecutor().execute(() -> {
            CompletableFuture<T> f;
            CompletableFuture<Void> allowed = null;
            CompletableFuture<T> sent = new CompletableFuture<>();
            try {
                if (precheck != null) {
                    allowed = precheck.ask(link, sent);
                }
                f = send.get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((r, err) -> {
                if (err != null) {
                    sent.completeExceptionally(err);
                } else {
                    sent.complete(r);
                }
            });
            CompletableFuture<T> released = allowed == null ? f : allowed.thenCompose(ok -> sent);
            released.whenComplete((r, err) -> home.execute(() -> {
                if (err == null) {
                    result.complete(r);
                } else {
                    result.completeExceptionally(err);
                }
            }));
        });
        return result;
    }
}
