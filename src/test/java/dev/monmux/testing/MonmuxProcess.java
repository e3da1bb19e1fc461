package dev.monmux.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * monmux as its own process ({@code java -cp <test classpath> dev.monmux.Main run --config F}),
 * for what an in-process fixture cannot show: signals, kill -9, the exit code.
 */
public final class MonmuxProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;

    private MonmuxProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** A free loopback port for the config's telnet listener. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Writes {@code yaml} to {@code dir/monmux.yaml}, starts monmux on it and waits until it
     * listens on {@code port} (the config's telnet port).
     */
    public static MonmuxProcess start(Path dir, int port, String yaml) throws Exception {
        Path config = dir.resolve("monmux.yaml");
        Files.writeString(config, yaml);
        Path log = dir.resolve("monmux.log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.monmux.Main",
                        "run",
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        MonmuxProcess m = new MonmuxProcess(p, log, port);
        m.awaitListening();
        return m;
    }

    private void awaitListening() throws Exception {
        for (int i = 0; i < 3000; i++) {
            if (!process.isAlive()) {
                throw new AssertionError("monmux exited " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError("monmux did not listen on " + port + ": " + log());
    }

    /**
     * monmux listens before its QMP link is up: waits until a command on {@code c} (a raw client
     * at the prompt) is answered by QEMU. The probe is {@code query-status} with id "awaitup".
     */
    public static void awaitVmUp(TelnetTestClient c) throws Exception {
        for (int i = 0; i < 200; i++) {
            c.line("{\"execute\": \"query-status\", \"id\": \"awaitup\"}");
            if (c.await("(qemu) ", 20_000).contains("\"return\"")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the VM did not come up in the monmux process");
    }

    public Process process() {
        return process;
    }

    public int port() {
        return port;
    }

    /** Sends a signal by name ({@code TERM}, {@code HUP}, {@code KILL}). */
    public void signal(String name) throws IOException, InterruptedException {
        // bash's builtin kill: /usr/bin/kill (procps) is not on every minimal system.
        Process kill = new ProcessBuilder("bash", "-c", "kill -" + name + " " + process.pid())
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to end; returns its exit code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("monmux did not exit within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** What monmux printed (stdout and stderr). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
