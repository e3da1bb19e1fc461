package dev.monmux.qmp;

import java.util.concurrent.CompletionException;

/** Small helpers for the futures the link's calls return. */
public final class Futures {
    private Futures() {}

    /** What a failed future failed with, without {@link CompletionException}'s wrapping. */
    public static Throwable cause(Throwable err) {
        return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    }
}
