package dev.monmux.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Outcome;
import dev.monmux.config.AuditConfig.Fsync;
import dev.monmux.config.AuditConfig.OnFailure;
import dev.monmux.effect.Effect;
import dev.monmux.qmp.QmpJson;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every record kind, field by field, as the README documents them. */
class AuditRecorderTest {
    private static final Actor ALICE = new Actor("s7", "alice", "operator", "10.0.0.5:41000", "telnet:0.0.0.0:4444");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T01:02:03.456Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aCommandIsAStartRecordAndAnEndRecordLinkedById() throws Exception {
        Path file = dir.resolve("a.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 0, 1, 100)) {
            AuditRecorder r = new AuditRecorder(log, CLOCK);
            CommandPlan plan = new dev.monmux.hmp.HmpEngine(dev.monmux.hmp.HmpTable.qemu72(), true)
                    .plan("set_password vnc hunter2", null);
            r.started(ALICE, "web1", plan).get(5, TimeUnit.SECONDS);
            r.finished(
                            ALICE,
                            "web1",
                            plan,
                            CommandResult.error("Error: x\r\n", "GenericError", "Could not set password"),
                            Duration.ofNanos(12_345_678))
                    .get(5, TimeUnit.SECONDS);
        }
        List<JsonNode> recs = AuditLogTest.read(file);
        assertEquals(2, recs.size());
        JsonNode start = recs.get(0);
        JsonNode end = recs.get(1);
        assertEquals(
                QmpJson.MAPPER.readTree("{\"ts\":\"2026-11-26T01:02:03.456Z\",\"type\":\"command\",\"phase\":\"start\","
                        + "\"id\":\"" + start.get("id").asText()
                        + "\",\"vm\":\"web1\",\"session\":\"s7\",\"user\":\"alice\","
                        + "\"role\":\"operator\",\"remote\":\"10.0.0.5:41000\",\"listener\":\"telnet:0.0.0.0:4444\","
                        + "\"line\":\"set_password vnc [redacted]\",\"command\":\"set_password\",\"effect\":\""
                        + start.get("effect").asText()
                        + "\",\"path\":\"fallback\",\"qmp\":{\"execute\":\"human-monitor-command\","
                        + "\"arguments\":{\"command-line\":\"set_password vnc [redacted]\"}}}"),
                start);
        assertFalse(start.toString().contains("hunter2"));
        assertEquals(start.get("id"), end.get("id"));
        assertEquals("end", end.get("phase").asText());
        assertEquals("error", end.get("outcome").asText());
        assertEquals("GenericError", end.get("errorClass").asText());
        assertEquals("Could not set password", end.get("error").asText());
        assertEquals(12.346, end.get("latencyMs").asDouble());
        assertTrue(end.get("sent").asBoolean());
        assertFalse(end.has("line"), "the start record has the line");
    }

    @Test
    void aDeniedCommandIsOneSelfContainedEndRecord() throws Exception {
        Path file = dir.resolve("a.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 0, 1, 100)) {
            AuditRecorder r = new AuditRecorder(log, CLOCK);
            CommandPlan plan = new dev.monmux.hmp.HmpEngine(dev.monmux.hmp.HmpTable.qemu72(), true).plan("quit", null);
            r.finished(
                            ALICE,
                            "web1",
                            plan,
                            new CommandResult("denied\r\n", Outcome.DENIED, null, "role viewer may not run 'quit'"),
                            Duration.ofMillis(1))
                    .get(5, TimeUnit.SECONDS);
            CommandPlan other = CommandPlan.answered(
                    "info status", "info status", Effect.QUERY, dev.monmux.command.Route.NATIVE, CommandResult.ok(""));
            r.started(ALICE, "web1", other).get(5, TimeUnit.SECONDS);
        }
        List<JsonNode> recs = AuditLogTest.read(file);
        JsonNode end = recs.get(0);
        assertEquals("denied", end.get("outcome").asText());
        assertFalse(end.get("sent").asBoolean());
        assertEquals("quit", end.get("line").asText());
        assertEquals("role viewer may not run 'quit'", end.get("error").asText());
        assertNotEquals(end.get("id"), recs.get(1).get("id"), "ids are unique");
        assertTrue(recs.get(1).get("qmp").isNull(), "nothing will be sent");
    }

    @Test
    void everyActivityIsARecord() throws Exception {
        Path file = dir.resolve("a.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 0, 1, 100)) {
            AuditRecorder r = new AuditRecorder(log, CLOCK);
            r.sessionOpened(ALICE);
            r.loginSucceeded(ALICE);
            r.loginFailed("mallory", "10.0.0.9:5000", "telnet:0.0.0.0:4444", "bad password");
            r.lockChanged(ALICE, "web1", "lock", null);
            r.said(ALICE, "web1", "rebooting in 5");
            r.vmUp("web1", "7.2.22");
            r.vmDown("web1", "connection closed");
            r.configReloaded(false, "line 3: unknown key 'vmz'");
            r.sessionClosed(ALICE, "idle");
            r.eventFannedOut("web1", "STOP", 2); // events are metrics, not audit records
            r.eventsDropped("web1", 3);
            log.append(QmpJson.object().put("type", "barrier")).get(5, TimeUnit.SECONDS);
        }
        List<String> lines = java.nio.file.Files.readAllLines(file);
        String prefix = "{\"ts\":\"2026-11-26T01:02:03.456Z\",";
        String who = "\"session\":\"s7\",\"user\":\"alice\",\"role\":\"operator\",\"remote\":\"10.0.0.5:41000\","
                + "\"listener\":\"telnet:0.0.0.0:4444\"";
        assertEquals(
                List.of(
                        prefix + "\"type\":\"session.open\"," + who + "}",
                        prefix + "\"type\":\"login.ok\"," + who + "}",
                        prefix + "\"type\":\"login.fail\",\"user\":\"mallory\",\"remote\":\"10.0.0.9:5000\","
                                + "\"listener\":\"telnet:0.0.0.0:4444\",\"reason\":\"bad password\"}",
                        prefix + "\"type\":\"lock\",\"vm\":\"web1\"," + who
                                + ",\"action\":\"lock\",\"previousHolder\":null}",
                        prefix + "\"type\":\"say\",\"vm\":\"web1\"," + who + ",\"text\":\"rebooting in 5\"}",
                        prefix + "\"type\":\"vm.up\",\"vm\":\"web1\",\"qemu\":\"7.2.22\"}",
                        prefix + "\"type\":\"vm.down\",\"vm\":\"web1\",\"reason\":\"connection closed\"}",
                        prefix + "\"type\":\"config.reload\",\"ok\":false,\"detail\":\"line 3: unknown key 'vmz'\"}",
                        prefix + "\"type\":\"session.close\"," + who + ",\"reason\":\"idle\"}",
                        "{\"type\":\"barrier\"}"),
                lines);
    }

    @org.junit.jupiter.api.Test
    void timestampsAreUtcMillisecondsAcrossSecondsAndZeroPadded() {
        AuditRecorder.Timestamps ts = new AuditRecorder.Timestamps();
        long t = java.time.Instant.parse("2026-11-26T23:59:59.007Z").toEpochMilli();
        assertEquals("2026-11-26T23:59:59.007Z", ts.format(t));
        assertEquals("2026-11-26T23:59:59.070Z", ts.format(t + 63));
        assertEquals("2026-11-26T23:59:59.999Z", ts.format(t + 992));
        assertEquals("2026-11-27T00:00:00.000Z", ts.format(t + 993));
        assertEquals("2026-11-26T23:59:59.500Z", ts.format(t + 493), "a clock that steps back");
        assertEquals("1969-12-31T23:59:59.999Z", ts.format(-1));
    }
}
