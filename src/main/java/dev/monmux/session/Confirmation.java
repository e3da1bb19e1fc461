package dev.monmux.session;

import java.util.concurrent.CompletableFuture;

/**
 * The session's confirmation mode: a dangerous command asked {@code Really quit VM 'web1'?
 * (yes/no)} and the next line is the answer, not a command ({@code yes} runs it; anything else,
 * a line over the limit or the end of the session does not). Confined to the session's loop.
 */
final class Confirmation {
    private CompletableFuture<Boolean> pending;

    /** A question was asked; completes with the answer. */
    CompletableFuture<Boolean> ask() {
        pending = new CompletableFuture<>();
        return pending;
    }

    /** Whether the next line answers a question. */
    boolean waiting() {
        return pending != null;
    }

    /** The operator's answer: {@code yes} (spaces around it allowed) means yes. */
    void answer(String line) {
        CompletableFuture<Boolean> c = pending;
        pending = null;
        if (c != null) {
            c.complete(line != null && line.strip().equals("yes"));
        }
    }

    /** The session ends: a pending question is answered no. */
    void cancel() {
        answer(null);
    }
}
