package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.MonmuxProcess;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a monmux process in the middle of a burst of commands: the audit log is still valid
 * JSON Lines, and every command whose reply reached a client has its start and its end record.
 */
class AuditCrashTest {
    private static final Pattern REPLY_ID = Pattern.compile("\"id\"\\s*:\\s*\"(c\\d+-\\d+)\"");
    private static final int CLIENTS = 3;
    private static final int PER_CLIENT = 200;

    @TempDir
    Path dir;

    @Test
    void killDashNineDuringABurstLosesNoRecordOfAnAnsweredCommand() throws Exception {
        Path auditFile = dir.resolve("audit.jsonl");
        try (QemuProcess qemu = QemuProcess.start()) {
            int port = MonmuxProcess.freePort();
            try (MonmuxProcess child = MonmuxProcess.start(
                    dir,
                    port,
                    "listeners: {telnet: {port: " + port + ", mode: raw}}\n"
                            + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                            + "audit: {path: '" + auditFile + "'}\n"
                            + "metrics: {enabled: false}\n")) {
                List<TelnetTestClient> clients = new ArrayList<>();
                try {
                    for (int c = 0; c < CLIENTS; c++) {
                        TelnetTestClient t = TelnetTestClient.raw(port);
                        clients.add(t);
                        t.await("(qemu) ", 20_000);
                    }
                    MonmuxProcess.awaitVmUp(clients.get(0));
                    StringBuilder burst = new StringBuilder();
                    for (int c = 0; c < CLIENTS; c++) {
                        burst.setLength(0);
                        for (int i = 0; i < PER_CLIENT; i++) {
                            String cmd = i % 2 == 0 ? "query-status" : "query-name";
                            burst.append("{\"execute\": \"")
                                    .append(cmd)
                                    .append("\", \"id\": \"c")
                                    .append(c)
                                    .append('-')
                                    .append(i)
                                    .append("\"}\n");
                        }
                        clients.get(c).sendBytes(burst.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    // Some answers are in, many commands are still in flight or waiting: kill -9.
                    for (int c = 0; c < CLIENTS; c++) {
                        clients.get(c).await("\"c" + c + "-1\"", 20_000);
                    }
                    clients.get(0).await("\"c0-20\"", 20_000);
                    child.signal("KILL");
                    assertEquals(137, child.awaitExit(10), "killed by SIGKILL");
                } finally {
                    for (TelnetTestClient t : clients) {
                        t.awaitClosed(10_000);
                        t.close();
                    }
                }
                Set<String> answered = new HashSet<>();
                for (TelnetTestClient t : clients) {
                    Matcher m = REPLY_ID.matcher(t.all());
                    while (m.find()) {
                        answered.add(m.group(1));
                    }
                }
                assertTrue(answered.size() >= 21, "answers before the kill: " + answered.size());
                assertTrue(answered.size() < CLIENTS * PER_CLIENT, "the kill came during the burst");

                String text = Files.readString(auditFile);
                assertTrue(text.endsWith("\n"), "no partial record");
                Map<String, String> startIdByCommand = new HashMap<>();
                Set<String> endIds = new HashSet<>();
                Map<String, String> commandOfEnd = new HashMap<>();
                for (String line : text.split("\n")) {
                    JsonNode r = QmpJson.MAPPER.readTree(line); // every line parses
                    if (!r.path("type").asText().equals("command")) {
                        continue;
                    }
                    if (r.get("phase").asText().equals("start")) {
                        Matcher m = REPLY_ID.matcher(r.get("line").asText().replace("\"id\": ", "\"id\":"));
                        if (!m.find()) {
                            assertTrue(line.contains("awaitup"), line); // the link-up probe
                            continue;
                        }
                        startIdByCommand.put(m.group(1), r.get("id").asText());
                    } else {
                        endIds.add(r.get("id").asText());
                        commandOfEnd.put(r.get("id").asText(), r.get("outcome").asText());
                    }
                }
                System.out.printf(
                        "kill -9 after %d of %d answers; %d start and %d end records in the log%n",
                        answered.size(), CLIENTS * PER_CLIENT, startIdByCommand.size(), endIds.size());
                for (String cmd : answered) {
                    String id = startIdByCommand.get(cmd);
                    assertTrue(id != null, "start record of answered command " + cmd);
                    assertTrue(endIds.contains(id), "end record of answered command " + cmd);
                    assertEquals("ok", commandOfEnd.get(id));
                }
            }
        }
    }

    @Test
    void sighupReopensTheAuditFileAfterLogrotateMovedIt() throws Exception {
        Path auditFile = dir.resolve("audit.jsonl");
        Path rotated = dir.resolve("audit.jsonl-20261126");
        try (QemuProcess qemu = QemuProcess.start()) {
            int port = MonmuxProcess.freePort();
            try (MonmuxProcess child = MonmuxProcess.start(
                    dir,
                    port,
                    "listeners: {telnet: {port: " + port + ", mode: raw}}\n"
                            + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                            + "audit: {path: '" + auditFile + "', maxSizeMb: 0}\n"
                            + "metrics: {enabled: false}\n")) {
                try (TelnetTestClient t = TelnetTestClient.raw(port)) {
                    t.await("(qemu) ", 20_000);
                    t.line("info name");
                    t.await("(qemu) ", 20_000);
                    Files.move(auditFile, rotated);
                    t.line("info uuid");
                    t.await("(qemu) ", 20_000); // still written to the moved file
                    child.signal("HUP");
                    for (int i = 0; i < 1000 && !Files.exists(auditFile); i++) {
                        Thread.sleep(10);
                    }
                    assertTrue(Files.exists(auditFile), "reopened after SIGHUP");
                    t.line("info status");
                    t.await("(qemu) ", 20_000);
                }
                List<String> old = lines(rotated);
                List<String> fresh = lines(auditFile);
                assertTrue(old.contains("start info name") && old.contains("start info uuid"), old.toString());
                assertEquals(
                        List.of("start info status", "end info status"),
                        fresh.stream().filter(l -> l.contains(" info ")).toList(),
                        fresh.toString());
                assertTrue(child.process().isAlive(), "SIGHUP does not stop monmux");
            }
        }
    }

    /** "start LINE" / "end LINE" per command record, in file order (end records borrow the start's line). */
    private static List<String> lines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        Map<String, String> lineById = new HashMap<>();
        for (String l : Files.readAllLines(file)) {
            JsonNode r = QmpJson.MAPPER.readTree(l);
            if (r.path("type").asText().equals("command")) {
                if (r.get("phase").asText().equals("start")) {
                    lineById.put(r.get("id").asText(), r.get("line").asText());
                    out.add("start " + r.get("line").asText());
                } else {
                    out.add("end " + lineById.get(r.get("id").asText()));
                }
            }
        }
        return out;
    }
}
