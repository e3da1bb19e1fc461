package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.HttpGet;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log of operators working on a real QEMU through monmux. */
class AuditEndToEndTest {
    @TempDir
    Path dir;

    static List<JsonNode> records(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                out.add(QmpJson.MAPPER.readTree(line));
            }
        }
        return out;
    }

    static JsonNode only(List<JsonNode> recs, Predicate<JsonNode> p, String what) {
        List<JsonNode> m = recs.stream().filter(p).toList();
        assertEquals(1, m.size(), what + " in " + recs);
        return m.get(0);
    }

    static Predicate<JsonNode> command(String phase, String line) {
        return r -> r.path("type").asText().equals("command")
                && r.path("phase").asText().equals(phase)
                && r.path("line").asText().equals(line);
    }

    /** The command's end record, which must be in the file by the time its reply arrived. */
    static JsonNode ended(Path file, String line) throws Exception {
        List<JsonNode> recs = records(file);
        JsonNode start = only(recs, command("start", line), "start of '" + line + "'");
        JsonNode end = only(
                recs,
                r -> r.path("type").asText().equals("command")
                        && r.path("phase").asText().equals("end")
                        && r.path("id").equals(start.get("id")),
                "end of '" + line + "'");
        assertTrue(recs.indexOf(start) < recs.indexOf(end));
        return end;
    }

    static List<JsonNode> awaitRecord(Path file, Predicate<JsonNode> p) throws Exception {
        for (int i = 0; i < 1500; i++) {
            List<JsonNode> recs = records(file);
            if (recs.stream().anyMatch(p)) {
                return recs;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("record not written: " + records(file));
    }

    @Test
    void everyCommandIsRecordedBeforeItsReplyArrivesWithOutcomeAndRedaction() throws Exception {
        Path file = dir.resolve("log/audit.jsonl");
        String secretLine =
                "{\"execute\": \"set_password\", \"arguments\": {\"protocol\": \"vnc\", \"password\": \"hunter2\"}}";
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm(
                                "unix:" + qemu.qmpSocket(), "audit: {path: '" + file + "', fsync: always}\n")
                        .awaitUp()) {
            try (TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
                t.await("(qemu) ");
                t.line("info status");
                assertTrue(t.await("(qemu) ").contains("VM status: running"));
                JsonNode end = ended(file, "info status");
                assertEquals("ok", end.get("outcome").asText());

                t.line("stop");
                t.await("(qemu) ");
                assertEquals("ok", ended(file, "stop").get("outcome").asText());

                t.line("{\"execute\": \"no-such-command\", \"id\": 7}");
                assertTrue(t.await("(qemu) ").contains("CommandNotFound"));
                end = ended(file, "{\"execute\":\"no-such-command\",\"id\":7}"); // compact JSON
                assertEquals("error", end.get("outcome").asText());
                assertEquals("CommandNotFound", end.get("errorClass").asText());
                assertEquals(
                        "The command no-such-command has not been found",
                        end.get("error").asText());

                t.line(secretLine);
                assertTrue(t.await("(qemu) ").contains("\"error\""));
                end = ended(
                        file,
                        "{\"execute\":\"set_password\",\"arguments\":{\"protocol\":\"vnc\",\"password\":\"[redacted]\"}}");
                assertEquals("error", end.get("outcome").asText());

                t.line("cont");
                t.await("(qemu) ");
                ended(file, "cont");
            }
            awaitRecord(file, r -> r.path("type").asText().equals("session.close"));
            qemu.kill9();
            awaitRecord(file, r -> r.path("type").asText().equals("vm.down"));
            // The write counter moved as the records were written.
            String metrics = HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
            assertTrue(HttpGet.sample(metrics, "monmux_audit_records_total") >= 12, metrics);
            assertEquals(0.0, HttpGet.sample(metrics, "monmux_audit_failures_total"));
        }
        String text = Files.readString(file);
        assertFalse(text.contains("hunter2"), "no password in the audit log");
        List<JsonNode> recs = records(file);
        JsonNode up = only(recs, r -> r.path("type").asText().equals("vm.up"), "vm.up");
        assertEquals("vm1", up.get("vm").asText());
        assertEquals("7.2.22", up.get("qemu").asText());
        JsonNode open = only(recs, r -> r.path("type").asText().equals("session.open"), "session.open");
        assertTrue(open.get("remote").asText().startsWith("127.0.0.1:"), open.toString());
        assertEquals("-", open.get("user").asText());
        JsonNode close = only(recs, r -> r.path("type").asText().equals("session.close"), "session.close");
        assertEquals(open.get("session"), close.get("session"));
        assertEquals("client", close.get("reason").asText());
        JsonNode start = only(recs, command("start", "stop"), "stop");
        assertEquals("stop", start.get("command").asText());
        assertEquals(open.get("session"), start.get("session"));
        assertEquals("vm1", start.get("vm").asText());
        assertTrue(start.get("qmp").get("execute").isTextual(), start.toString());
        assertTrue(recs.stream().anyMatch(r -> r.path("type").asText().equals("vm.down")));
        for (JsonNode r : recs) {
            assertTrue(
                    r.get("ts").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), r.toString());
        }
    }

    @Test
    void commandsAreRefusedWhenTheAuditLogCannotBeWritten() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "not a directory");
        Path file = notADir.resolve("audit.jsonl");
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "audit: {path: '" + file + "'}\n")
                        .awaitUp();
                TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
            t.await("(qemu) ");
            t.line("stop");
            assertEquals(
                    "Error: command refused: audit log unavailable: cannot open " + file + ": " + notADir
                            + " is not a directory\r\n(qemu) ",
                    t.await("(qemu) "));
            t.line("info status");
            assertTrue(t.await("(qemu) ").startsWith("Error: command refused: audit log unavailable"));
            // Not sent: QEMU still runs.
            Files.delete(notADir);
            t.line("info status");
            assertEquals("VM status: running\r\n(qemu) ", t.await("(qemu) "), "the log works again once fixed");
            String metrics = HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
            assertTrue(HttpGet.sample(metrics, "monmux_audit_failures_total") >= 2, metrics);
            assertEquals(
                    1.0, HttpGet.sum(metrics, "monmux_commands_total{command=\"stop\",outcome=\"refused\","), metrics);
        }
    }
}
