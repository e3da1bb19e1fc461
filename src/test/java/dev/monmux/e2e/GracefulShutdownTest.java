package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;

/**
 * SIGTERM to a real monmux process with commands in flight to a real QEMU: operators are told,
 * no new client gets in, the commands in flight finish and are answered, the audit log has their
 * outcomes, and monmux exits 0.
 */
class GracefulShutdownTest {
    @TempDir
    Path dir;

    @Test
    void sigtermLetsCommandsInFlightFinishThenExitsZero() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        try (QemuProcess qemu = QemuProcess.start(List.of("-S"))) {
            int port = freePort();
            Path config = dir.resolve("monmux.yaml");
            Files.writeString(config, "listeners: {telnet: {port: " + port + ", mode: raw}}\n"
                    + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                    + "audit: {path: '" + audit + "'}\n"
                    + "metrics: {enabled: false}\n"
                    + "shutdownGrace: 20s\n");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.monmux.Main", "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("monmux.log").toFile()).start();
            try {
                TelnetTestClient c = connect(port, child);
                awaitVmUp(c);

                // Three commands reach a QEMU that does not answer yet.
                long before = startRecords(audit);
                qemu.freeze();
                for (int i = 0; i < 3; i++) {
                    c.line("info status");
                }
                awaitStartRecords(audit, before + 3);

                child.destroy(); // SIGTERM
                c.await("[monmux] shutting down\r\n", 10_000);
                c.line("info version");
                assertThrows(IOException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    }
                }, "no new clients once shutting down");

                qemu.thaw();
                for (int i = 0; i < 3; i++) {
                    c.await("VM status: paused (prelaunch)\r\n", 10_000);
                }
                c.await("Error: monmux is shutting down\r\n", 10_000);
                assertTrue(c.awaitClosed(10_000), "monmux closes the connection");
                assertTrue(child.waitFor(20, TimeUnit.SECONDS), "monmux exits");
                assertEquals(0, child.exitValue(), Files.readString(dir.resolve("monmux.log")));

                long ok = Files.readAllLines(audit).stream().map(GracefulShutdownTest::json)
                        .filter(r -> r.path("type").asText().equals("command") && r.path("phase").asText().equals("end")
                                && r.path("command").asText().equals("info status"))
                        .filter(r -> r.path("outcome").asText().equals("ok")).count();
                assertTrue(ok >= 4, "the three in flight and the one before them were recorded as ok: " + ok);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static long startRecords(Path audit) throws IOException {
        return Files.readAllLines(audit).stream().map(GracefulShutdownTest::json)
                .filter(r -> r.path("phase").asText().equals("start") && r.path("command").asText().equals("info status"))
                .count();
    }

    private static void awaitStartRecords(Path audit, long n) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            long starts = startRecords(audit);
            if (starts >= n) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "only " + starts + " commands started");
            Thread.sleep(20);
        }
    }

    /** One `info status` answered by QEMU: the link is up. */
    private static void awaitVmUp(TelnetTestClient c) throws Exception {
        for (int i = 0; i < 200; i++) {
            c.line("info status");
            if (c.await("(qemu) ", 20_000).contains("VM status")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the VM did not come up");
    }

    private static TelnetTestClient connect(int port, Process child) throws Exception {
        for (int i = 0; i < 1500; i++) {
            if (!child.isAlive()) {
                throw new AssertionError("monmux exited " + child.exitValue());
            }
            try {
                TelnetTestClient c = TelnetTestClient.raw(port);
                c.await("(qemu) ", 20_000);
                return c;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("monmux did not listen on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
