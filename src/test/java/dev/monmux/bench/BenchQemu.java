package dev.monmux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A disk-less QEMU with <em>two</em> QMP monitors on the same process: {@code mux.sock} for
 * monmux and {@code direct.sock} for the load generator's direct client. QEMU serves each
 * monitor to one client; with two, the direct path and the monmux path hit the very same
 * QEMU (same main loop, same guest) without one having to disconnect the other. Phases
 * alternate, so only one of the two is busy at a time.
 */
final class BenchQemu implements AutoCloseable {
    final Path dir;
    final Path muxSocket;
    final Path directSocket;
    private final Process process;

    private BenchQemu(Path dir, Process process) {
        this.dir = dir;
        this.muxSocket = dir.resolve("mux.sock");
        this.directSocket = dir.resolve("direct.sock");
        this.process = process;
    }

    static BenchQemu start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path mux = dir.resolve("mux.sock");
        Path direct = dir.resolve("direct.sock");
        Files.deleteIfExists(mux);
        Files.deleteIfExists(direct);
        Process p = new ProcessBuilder(List.of("qemu-system-x86_64", "-M", "pc", "-m", "64", "-nodefaults",
                "-display", "none", "-name", "bench",
                "-qmp", "unix:" + mux + ",server=on,wait=off",
                "-qmp", "unix:" + direct + ",server=on,wait=off"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        BenchQemu q = new BenchQemu(dir, p);
        for (int i = 0; i < 2000 && !(Files.exists(mux) && Files.exists(direct)); i++) {
            if (!p.isAlive()) {
                throw new IOException("QEMU exited: " + Files.readString(dir.resolve("qemu.log")));
            }
            Thread.sleep(10);
        }
        if (!Files.exists(direct)) {
            q.close();
            throw new IOException("QEMU did not create its QMP sockets in " + dir);
        }
        return q;
    }

    long pid() {
        return process.pid();
    }

    static String version() {
        try {
            Process p = new ProcessBuilder("qemu-system-x86_64", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("?");
            p.waitFor(10, TimeUnit.SECONDS);
            return out.strip();
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
