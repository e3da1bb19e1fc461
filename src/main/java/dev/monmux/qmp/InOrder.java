package dev.monmux.qmp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keeps a client's replies in their place among the link's events. QEMU sends {@code STOP}
 * before the reply to {@code stop}; a front end that hops events onto its own thread must hop the
 * reply the same way, from the link's thread, or a reply whose callback happened to be attached
 * late (after QEMU answered) runs at once on the client's thread and overtakes the event still
 * queued for it. Here the request is sent from the link's thread (so the callback is attached
 * before any reply can be read) and the reply is queued to the client's thread from there.
 */
public final class InOrder {
    private InOrder() {
    }

    /** A caller for {@code link} whose futures complete on {@code home}, in the link's order. */
    public static QmpCaller caller(QmpEndpoint link, Executor home) {
        return (command, arguments) -> via(link, home, () -> link.call(command, arguments));
    }

    /** {@link QmpEndpoint#execute}, completing on {@code home} in the link's order. */
    public static CompletableFuture<ObjectNode> execute(QmpEndpoint link, ObjectNode request, Executor home) {
        return via(link, home, () -> link.execute(request));
    }

    private static <T> CompletableFuture<T> via(QmpEndpoint link, Executor home, Supplier<CompletableFuture<T>> send) {
        CompletableFuture<T> result = new CompletableFuture<>();
        link.linkExecutor().execute(() -> {
            CompletableFuture<T> f;
            try {
                f = send.get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((r, err) -> home.execute(() -> {
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
