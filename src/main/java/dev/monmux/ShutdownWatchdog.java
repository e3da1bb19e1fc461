package dev.monmux;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Makes sure a stop ends. Started when monmux starts, so that nothing it needs has to be loaded
 * once the stop begins (the jar may have been rebuilt in place under the running process, and
 * classes not loaded yet are then gone): once {@link #stopping} is called, if the process has not
 * exited within the deadline it says so and halts with exit status 1.
 */
final class ShutdownWatchdog {
    private final CountDownLatch begun = new CountDownLatch(1);
    private final long deadlineMillis;
    private final PrintStream err;
    private final String message;

    ShutdownWatchdog(Duration deadline, PrintStream err) {
        this.deadlineMillis = deadline.toMillis();
        this.err = err;
        this.message = "monmux: the stop did not finish within " + deadline.toSeconds()
                + " s (shutdownGrace + 30 s); exiting uncleanly (status 1)";
        Thread t = new Thread(this::watch, "monmux-shutdown-watchdog");
        t.setDaemon(true);
        t.start();
    }

    /** The stop began: the deadline runs from now. */
    void stopping() {
        begun.countDown();
    }

    private void watch() {
        try {
            begun.await();
            Thread.sleep(deadlineMillis);
        } catch (InterruptedException e) {
            return;
        }
        err.println(message);
        err.flush();
        Runtime.getRuntime().halt(Main.FAILURE);
    }

    static Duration deadline(Duration shutdownGrace) {
        return shutdownGrace.plusSeconds(30);
    }
}
