package dev.monmux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, disk-less QEMU started for a test: {@code qemu-system-x86_64 -M pc -m 64 -nodefaults
 * -display none -qmp unix:PATH,server=on,wait=off}. Tests that need one call {@link #start}; when
 * QEMU is not installed the test is skipped, unless {@code MONMUX_REQUIRE_QEMU=1} is set (as
 * {@code .ci/run} does), in which case it fails.
 */
public final class QemuProcess implements AutoCloseable {
    public static final String BINARY = "qemu-system-x86_64";

    private final Process process;
    private final Path qmpSocket;
    private final Path directSocket;
    private final Path dir;
    private final Path log;
    private final QemuBuild build;

    private QemuProcess(Process process, Path qmpSocket, Path directSocket, Path dir, Path log, QemuBuild build) {
        this.process = process;
        this.qmpSocket = qmpSocket;
        this.directSocket = directSocket;
        this.dir = dir;
        this.log = log;
        this.build = build;
    }

    /** Starts QEMU running (not paused) with no extra arguments. */
    public static QemuProcess start() throws IOException {
        return start(List.of());
    }

    /** Starts QEMU with extra command-line arguments (e.g. {@code -S}, {@code -drive ...}). */
    public static QemuProcess start(List<String> extraArgs) throws IOException {
        return start(QemuBuild.v72(), extraArgs);
    }

    /** Starts {@code build} with extra command-line arguments. */
    public static QemuProcess start(QemuBuild build, List<String> extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("monmux-qemu");
        return startAt(build, dir.resolve("qmp.sock"), extraArgs, false);
    }

    /**
     * Starts {@code build} with a second QMP monitor at {@link #directSocket()}, for a test that
     * asks QEMU itself what monmux asks through the first.
     */
    public static QemuProcess startWithDirectMonitor(QemuBuild build, List<String> extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("monmux-qemu");
        return startAt(build, dir.resolve("qmp.sock"), extraArgs, true);
    }

    /** Starts QEMU whose QMP socket is at {@code socket} (to restart a VM on the same path). */
    public static QemuProcess startAt(Path socket, List<String> extraArgs) throws IOException {
        return startAt(QemuBuild.v72(), socket, extraArgs, false);
    }

    /** Starts {@code build} with its QMP socket at {@code socket} (a VM upgraded and restarted in place). */
    public static QemuProcess startAt(QemuBuild build, Path socket, List<String> extraArgs) throws IOException {
        return startAt(build, socket, extraArgs, false);
    }

    private static QemuProcess startAt(QemuBuild build, Path socket, List<String> extraArgs, boolean direct)
            throws IOException {
        build.requireInstalled();
        Path dir = socket.getParent();
        Files.createDirectories(dir);
        Files.deleteIfExists(socket);
        Path directSocket = direct ? dir.resolve("direct.qmp") : null;
        List<String> cmd = new ArrayList<>(build.command());
        cmd.addAll(List.of(
                "-M",
                "pc",
                "-m",
                "64",
                "-nodefaults",
                "-display",
                "none",
                "-qmp",
                "unix:" + socket + ",server=on,wait=off"));
        if (directSocket != null) {
            Files.deleteIfExists(directSocket);
            cmd.addAll(List.of("-qmp", "unix:" + directSocket + ",server=on,wait=off"));
        }
        cmd.addAll(extraArgs);
        Path log = Files.createTempFile(dir, "qemu", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(build.env());
        Process p = pb.start();
        QemuProcess q = new QemuProcess(p, socket, directSocket, dir, log, build);
        q.awaitSocket(socket, Duration.ofSeconds(20));
        if (directSocket != null) {
            q.awaitSocket(directSocket, Duration.ofSeconds(20));
        }
        return q;
    }

    /** Skips the calling test when QEMU is absent, or fails it when MONMUX_REQUIRE_QEMU=1. */
    public static void requireInstalled() {
        if (isInstalled()) {
            return;
        }
        if ("1".equals(System.getenv("MONMUX_REQUIRE_QEMU"))) {
            throw new AssertionError(BINARY + " is not installed but MONMUX_REQUIRE_QEMU=1 "
                    + "(install it with: apt-get install -y qemu-system-x86)");
        }
        Assumptions.abort(BINARY + " not installed (apt-get install -y qemu-system-x86); "
                + "set MONMUX_REQUIRE_QEMU=1 to make this a failure");
    }

    public static boolean isInstalled() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, BINARY))) {
                return true;
            }
        }
        return false;
    }

    public Path qmpSocket() {
        return qmpSocket;
    }

    /** The second QMP monitor ({@link #startWithDirectMonitor}), or null. */
    public Path directSocket() {
        return directSocket;
    }

    public QemuBuild build() {
        return build;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Output QEMU wrote to stdout/stderr so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(log)
                    + (process.isAlive() ? "" : "(QEMU exited with status " + process.exitValue() + ")");
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Waits until QEMU listens on its QMP socket. The file appears at bind(), a moment before
     * listen(): a connect in between is refused, so wait for the listening state itself (Linux's
     * /proc/net/unix; elsewhere the file must do) without connecting, which would take QEMU's one
     * client slot.
     */
    private void awaitSocket(Path socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!listening(socket)) {
            if (!process.isAlive()) {
                throw new IOException("QEMU exited with " + process.exitValue() + ": " + log());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("QEMU did not create " + socket + " within " + timeout + ": " + log());
            }
            sleep(10);
        }
    }

    private static boolean listening(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return false;
        }
        Path table = Path.of("/proc/net/unix");
        if (!Files.isReadable(table)) {
            return true;
        }
        String path = socket.toAbsolutePath().toString();
        for (String line : Files.readAllLines(table)) {
            String[] f = line.trim().split("\\s+");
            // Num RefCount Protocol Flags Type St Inode Path; Flags 00010000 is __SO_ACCEPTCON (listening)
            if (f.length >= 8 && f[7].equals(path) && f[3].equals("00010000")) {
                return true;
            }
        }
        return false;
    }

    /** SIGSTOP: QEMU keeps its sockets open and answers nothing, as a hung QEMU does. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        // bash's builtin kill: /usr/bin/kill (procps) is not on every minimal system.
        Process kill = new ProcessBuilder("bash", "-c", "kill -" + name + " " + process.pid())
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** kill -9, as when QEMU crashes; waits until the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill9();
        try {
            Files.deleteIfExists(qmpSocket);
            if (directSocket != null) {
                Files.deleteIfExists(directSocket);
            }
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // best effort: temp files
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
