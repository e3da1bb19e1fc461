package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.DirectQmpClient;
import dev.monmux.testing.FifoDisk;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.MonmuxProcess;
import dev.monmux.testing.QemuBuild;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.SmallDisk;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log's promises where they are hardest to keep, on a real QEMU and real files: monmux
 * killed while commands stream through it, a disk that is full, a disk that does not keep up.
 * With {@code fsync: batch} the event loop writes each record itself (README "Audit log"); these
 * tests are what says that this lost none of the guarantees of the writer-thread design.
 */
class AuditDurabilityEndToEndTest {
    @TempDir
    Path dir;

    private static List<JsonNode> parse(String text) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                out.add(QmpJson.MAPPER.readTree(line));
            }
        }
        return out;
    }

    private static boolean isCommand(JsonNode r, String phase) {
        return r.path("type").asText().equals("command")
                && r.path("phase").asText().equals(phase);
    }

    /**
     * {@code kill -9} while 400 pipelined {@code stop}/{@code cont} stream through monmux: QEMU's
     * own monitor counts the state changes that happened (one STOP or RESUME event each), and
     * each of them must have its start record in the file, in order. The one that may be
     * missing from the file is never one that ran.
     */
    @Test
    void killedMidStreamEveryCommandQemuRanHasItsStartRecord() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        int port = MonmuxProcess.freePort();
        try (QemuProcess qemu = QemuProcess.startWithDirectMonitor(QemuBuild.v72(), List.of());
                DirectQmpClient direct = DirectQmpClient.connect(qemu.directSocket())) {
            MonmuxProcess m = MonmuxProcess.start(
                    dir,
                    port,
                    "listeners: {telnet: {bind: 127.0.0.1, port: " + port
                            + ", mode: raw}}\nvms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                            + "metrics: {enabled: false}\naudit: {path: '" + audit + "', fsync: batch}\n");
            try (m;
                    TelnetTestClient t = TelnetTestClient.raw(port)) {
                t.await("(qemu) ");
                MonmuxProcess.awaitVmUp(t);
                StringBuilder burst = new StringBuilder();
                for (int i = 0; i < 400; i++) {
                    burst.append(i % 2 == 0 ? "stop\n" : "cont\n");
                }
                t.type(burst.toString());
                // Let some run, then kill monmux in the middle of the stream.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (countPrompts(t.all()) < 60 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                m.signal("KILL");
                m.awaitExit(20);
            }
            // QEMU runs what it had already read from monmux's socket: let it finish, then ask.
            Thread.sleep(500);
            direct.execute("query-status", null);
            long changes = direct.events().stream()
                    .filter(e -> e.path("event").asText().matches("STOP|RESUME"))
                    .count();
            List<JsonNode> starts = parse(Files.readString(audit)).stream()
                    .filter(r ->
                            isCommand(r, "start") && r.path("line").asText().matches("stop|cont"))
                    .toList();
            assertTrue(changes >= 30, "the stream ran before the kill: " + changes + " state changes");
            assertTrue(changes < 400, "killed mid-stream: " + changes);
            assertTrue(
                    starts.size() >= changes,
                    changes + " commands ran in QEMU but only " + starts.size() + " start records are in the file");
            for (int i = 0; i < starts.size(); i++) {
                assertEquals(
                        i % 2 == 0 ? "stop" : "cont", starts.get(i).path("line").asText(), "record " + i);
            }
        }
    }

    /** Without the announcements of other operators' commands ({@code [127.0.0.1:50312] stop}). */
    private static String withoutNotices(String s) {
        return s.replaceAll("\r?\\[[0-9.:]+\\] [^\r\n]*\r\n", "");
    }

    private static int countPrompts(String s) {
        int n = 0;
        for (int i = s.indexOf("(qemu) "); i >= 0; i = s.indexOf("(qemu) ", i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * A disk that fills up (a 64 KiB tmpfs): the command that cannot be recorded is refused in
     * one line and not sent (QEMU's own monitor says the VM still runs), the session lives on,
     * the file holds whole records only, and once space is freed commands run again.
     */
    @Test
    void aFullDiskRefusesCommandsUnsentKeepsTheSessionAndRecovers() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 64);
                QemuProcess qemu = QemuProcess.startWithDirectMonitor(QemuBuild.v72(), List.of());
                DirectQmpClient direct = DirectQmpClient.connect(qemu.directSocket())) {
            Path audit = disk.dir().resolve("audit.jsonl");
            try (MonmuxFixture mx = MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "audit: {path: '" + audit + "'}\n")
                            .awaitUp();
                    TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort());
                    TelnetTestClient other = TelnetTestClient.raw(mx.telnetPort())) {
                for (TelnetTestClient c : List.of(t, other)) {
                    c.await("(qemu) ");
                    c.line(".events off");
                    c.await("(qemu) ");
                }
                disk.fill(3);
                String answer = "";
                for (int i = 0; i < 200 && !answer.startsWith("Error"); i++) {
                    t.line("info status");
                    answer = t.await("(qemu) ");
                }
                assertEquals(
                        "Error: command refused: audit log unavailable: cannot write " + audit
                                + ": No space left on device\r\n(qemu) ",
                        answer);
                t.line("stop");
                assertTrue(t.await("(qemu) ").startsWith("Error: command refused: audit log unavailable"));
                assertEquals(
                        "running",
                        direct.execute("query-status", null)
                                .path("return")
                                .path("status")
                                .asText(),
                        "a refused command is not sent");
                for (JsonNode r : parse(Files.readString(audit))) {
                    assertTrue(r.has("type"), "whole records only: " + r);
                }

                disk.free();
                t.line("stop");
                assertEquals("(qemu) ", t.await("(qemu) "), "recorded and sent once there is room");
                other.line("info status");
                assertEquals(
                        "VM status: paused\r\n(qemu) ",
                        withoutNotices(other.await("(qemu) ")),
                        "the other session too: " + TelnetTestClient.show(other.all()));
                assertEquals(
                        "paused",
                        direct.execute("query-status", null)
                                .path("return")
                                .path("status")
                                .asText());
            }
        }
    }

    /**
     * A disk that does not keep up: the audit "file" is a FIFO read 2 KiB at a time with pauses,
     * so monmux's writes block in the kernel. Two clients pipeline commands; every answer comes,
     * in order, and every record reaches the disk.
     */
    @Test
    void aSlowDiskDelaysButLosesNothingAndKeepsTheOrder() throws Exception {
        FifoDisk disk = FifoDisk.slow(dir.resolve("audit.fifo"), 2048, 2);
        Path fifo = disk.path();
        int lines = 150;
        try (QemuProcess qemu = QemuProcess.start()) {
            // fsync: never, as a FIFO cannot be forced to disk (fsync(2) on a pipe is EINVAL).
            try (MonmuxFixture mx = MonmuxFixture.oneVm(
                                    "unix:" + qemu.qmpSocket(), "audit: {path: '" + fifo + "', fsync: never}\n")
                            .awaitUp();
                    TelnetTestClient a = TelnetTestClient.raw(mx.telnetPort());
                    TelnetTestClient b = TelnetTestClient.raw(mx.telnetPort())) {
                for (TelnetTestClient c : List.of(a, b)) {
                    c.await("(qemu) ");
                    c.line(".events off");
                    c.await("(qemu) ");
                }
                StringBuilder burstA = new StringBuilder();
                StringBuilder burstB = new StringBuilder();
                for (int i = 0; i < lines; i++) {
                    burstA.append(i % 2 == 0 ? "stop\n" : "info status\n");
                    burstB.append("info name\n");
                }
                a.type(burstA.toString());
                b.type(burstB.toString());
                for (int i = 0; i < lines; i++) {
                    String want = i % 2 == 0 ? "(qemu) " : "VM status: paused\r\n(qemu) ";
                    assertEquals(want, a.await("(qemu) ", 60_000), "answer " + i + " of client a");
                    // b sees a's stop announced ("[127.0.0.1:PORT] stop") between its own answers
                    String got = b.await("(qemu) ", 60_000);
                    assertEquals(
                            "(qemu) ",
                            withoutNotices(got),
                            "answer " + i + " of client b: " + TelnetTestClient.show(got));
                }
            }
        }
        List<JsonNode> recs = parse(disk.text());
        for (String line : List.of("stop", "info status", "info name")) {
            long starts = recs.stream()
                    .filter(r ->
                            isCommand(r, "start") && r.path("line").asText().equals(line))
                    .count();
            assertEquals(line.equals("info name") ? lines : lines / 2, starts, "start records of '" + line + "'");
        }
        assertEquals(
                recs.stream().filter(r -> isCommand(r, "start")).count(),
                recs.stream().filter(r -> isCommand(r, "end")).count(),
                "every command's end record");
    }
}
