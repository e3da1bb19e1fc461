package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monmux.testing.MonmuxProcess;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            int port = MonmuxProcess.freePort();
            try (MonmuxProcess child = MonmuxProcess.start(
                            dir,
                            port,
                            "listeners: {telnet: {port: " + port + ", mode: raw}}\n"
                                    + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                                    + "audit: {path: '" + audit + "'}\n"
                                    + "metrics: {enabled: false}\n"
                                    + "shutdownGrace: 20s\n");
                    TelnetTestClient c = TelnetTestClient.raw(port)) {
                c.await("(qemu) ", 20_000);
                MonmuxProcess.awaitVmUp(c);
                c.line("info status");
                c.await("VM status: paused (prelaunch)\r\n(qemu) ", 10_000);

                // Three commands reach a QEMU that does not answer yet.
                long before = startRecords(audit);
                qemu.freeze();
                for (int i = 0; i < 3; i++) {
                    c.line("info status");
                }
                awaitStartRecords(audit, before + 3);

                child.signal("TERM");
                c.await("[monmux] shutting down\r\n", 10_000);
                c.line("info version");
                assertThrows(
                        IOException.class,
                        () -> {
                            try (Socket s = new Socket()) {
                                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                            }
                        },
                        "no new clients once shutting down");

                qemu.thaw();
                for (int i = 0; i < 3; i++) {
                    c.await("VM status: paused (prelaunch)\r\n", 10_000);
                }
                c.await("Error: monmux is shutting down\r\n", 10_000);
                assertTrue(c.awaitClosed(10_000), "monmux closes the connection");
                assertEquals(0, child.awaitExit(20), child.log());

                long ok = Files.readAllLines(audit).stream()
                        .map(GracefulShutdownTest::json)
                        .filter(r -> r.path("type").asText().equals("command")
                                && r.path("phase").asText().equals("end")
                                && r.path("command").asText().equals("info status"))
                        .filter(r -> r.path("outcome").asText().equals("ok"))
                        .count();
                assertTrue(ok >= 4, "the three in flight and the one before them were recorded as ok: " + ok);
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
        return Files.readAllLines(audit).stream()
                .map(GracefulShutdownTest::json)
                .filter(r -> r.path("phase").asText().equals("start")
                        && r.path("command").asText().equals("info status"))
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
}
