package dev.monmux.bench;

import java.util.concurrent.TimeUnit;

/** Stopping the bench's child processes (QEMU, socat, monmux): politely, then for sure. */
final class ChildProcesses {
    private ChildProcesses() {}

    /** SIGTERM, up to {@code graceSeconds} to exit, then SIGKILL; keeps an interrupt for the caller. */
    static void stop(Process process, long graceSeconds) {
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
