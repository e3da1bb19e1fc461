package dev.monmux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The "minimal proxy" anchor of P1: {@code socat UNIX-LISTEN:relay.sock UNIX-CONNECT:relay-qemu.sock},
 * relaying one client to QEMU's third QMP monitor byte for byte. Whatever any proxy in between
 * costs (two more socket hops, a process woken per message) shows in this row; monmux's QMP rows
 * are best read against it as well as against the direct path. One connection (no {@code fork}):
 * socat exits when it ends, and {@link #close} stops it in any case.
 */
final class SocatRelay implements AutoCloseable {
    final Path socket;
    private final Process process;

    private SocatRelay(Path socket, Process process) {
        this.socket = socket;
        this.process = process;
    }

    /** Fails the run at once, in one line, if socat is not on the PATH (before any phase runs). */
    static void requireInstalled() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "socat"))) {
                return;
            }
        }
        throw new BenchFailure(NOT_INSTALLED);
    }

    private static final String NOT_INSTALLED =
            "socat is not installed (apt-get install -y socat); P1's relay row needs it";

    static SocatRelay start(Path dir, Path target) throws IOException, InterruptedException {
        Path sock = dir.toAbsolutePath().resolve("relay.sock");
        Files.deleteIfExists(sock);
        Process p;
        try {
            p = new ProcessBuilder(List.of("socat", "UNIX-LISTEN:" + sock, "UNIX-CONNECT:" + target.toAbsolutePath()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("socat.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new BenchFailure(NOT_INSTALLED);
        }
        SocatRelay r = new SocatRelay(sock, p);
        for (int i = 0; i < 500 && !Files.exists(sock); i++) {
            if (!p.isAlive()) {
                throw new BenchFailure("socat exited (" + p.exitValue() + "): "
                        + Files.readString(dir.resolve("socat.log")).strip());
            }
            Thread.sleep(10);
        }
        if (!Files.exists(sock)) {
            r.close();
            throw new BenchFailure("socat did not create " + sock + " within 5 s");
        }
        return r;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, 5);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // a stale socket file is deleted before the next start anyway
        }
    }
}
