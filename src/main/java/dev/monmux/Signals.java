package dev.monmux;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * POSIX signals. The JVM's own handling of SIGTERM runs shutdown hooks but exits with 143; an
 * orderly stop should exit 0, so monmux handles TERM and INT itself.
 */
final class Signals {
    private Signals() {
    }

    /**
     * Runs {@code action} on its own thread when SIGTERM or SIGINT arrives; the returned
     * {@code Runnable} puts the previous handlers back.
     */
    static Runnable onTerminate(Runnable action) {
        SignalHandler term = Signal.handle(new Signal("TERM"), sig -> start(action, "monmux-" + sig.getName()));
        SignalHandler intr = Signal.handle(new Signal("INT"), sig -> start(action, "monmux-" + sig.getName()));
        return () -> {
            Signal.handle(new Signal("TERM"), term);
            Signal.handle(new Signal("INT"), intr);
        };
    }

    /** Runs {@code action} on its own thread when SIGHUP arrives. */
    static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), sig -> start(action, "monmux-HUP"));
    }

    private static void start(Runnable action, String name) {
        Thread t = new Thread(action, name);
        t.setDaemon(false);
        t.start();
    }
}
