package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monmux.CliRun;
import dev.monmux.auth.PasswordHash;
import dev.monmux.ctl.Ctl;
import dev.monmux.testing.FakeQmpServer;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code monmux ctl} against a real QEMU through a real control socket, the test's own Unix user
 * as the peer: every subcommand, every exit status, the same ACL, locks, notices and audit log as
 * telnet.
 */
class ControlSocketEndToEndTest {
    private static final String ME = System.getProperty("user.name");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String hash(String pw) {
        return PasswordHash.create(pw.toCharArray(), 1000).encoded();
    }

    static CliRun ctl(Path socket, String... args) {
        return ctlWithStdin(socket, "", args);
    }

    static CliRun ctlWithStdin(Path socket, String stdin, String... args) {
        return CliRun.capture(
                stdin,
                (in, out, err) -> Ctl.run(List.of(args), Map.of(Ctl.SOCKET_ENV, socket.toString()), in, out, err));
    }

    private static String config(Path dir, QemuProcess qemu, String controlUsers) {
        return """
                listeners: {telnet: {port: 0, mode: raw}}
                vms:
                  - {name: vm1, qmp: 'unix:%s'}
                  - {name: dead, qmp: 'unix:%s/nobody.sock'}
                qmp: {reconnectInitial: 50ms, reconnectMax: 200ms}
                audit: {path: '%s/audit.jsonl'}
                users:
                  - {name: alice, password: '%s', role: operator}
                  - {name: carol, password: '%s', role: admin}
                  - {name: vera, password: '%s', role: viewer, vms: [vm1]}
                control:
                  socket: '%s/control.sock'
                  users: {%s}
                """.formatted(
                qemu.qmpSocket(), dir, dir, hash("alice-pw"), hash("carol-pw"), hash("vera-pw"), dir, controlUsers);
    }

    private static MonmuxFixture awaitVm1(MonmuxFixture mx) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (mx.monmux().vms().get("vm1").orElseThrow().link().state() != dev.monmux.qmp.QmpEndpoint.State.UP) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("vm1 did not come up");
            }
            Thread.sleep(10);
        }
        return mx;
    }

    @Test
    void everySubcommandAndExitStatusAsAnOperator() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        Path socket = dir.resolve("control.sock");
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = awaitVm1(MonmuxFixture.start(config(dir, qemu, ME + ": alice")));
                TelnetTestClient carol = TelnetTestClient.loggedIn(mx.telnetPort(), false, "carol", "carol-pw")) {
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)),
                    "mode 0600 by default");
            carol.line(".attach vm1");
            carol.await("(qemu) ");

            CliRun list = ctl(socket, "list");
            assertEquals(0, list.code(), list.err());
            assertTrue(
                    list.out()
                            .matches("(?s)NAME +LINK +STATE +QEMU +OPERATORS +LOCK\n"
                                    + "vm1 +up +running +7\\.2\\.22 +carol@127\\.0\\.0\\.1 +-\n"
                                    + "dead +(connecting|down) +- +- +- +-\n"),
                    list.out());
            JsonNode vms = JSON.readTree(ctl(socket, "list", "--json").out());
            assertEquals("vm1", vms.get(0).path("name").asText());
            assertEquals("running", vms.get(0).path("state").asText());
            assertFalse(vms.get(0).has("qmp"), "QEMU's socket path is for admins only");

            CliRun who = ctl(socket, "who", "vm1");
            assertEquals(0, who.code());
            assertTrue(
                    who.out().matches("(?s)VM +USER +ADDRESS +ROLE.*\nvm1 +carol +127\\.0\\.0\\.1:\\d+ +admin .*"),
                    who.out());
            JsonNode ops = JSON.readTree(ctl(socket, "who", "--json").out());
            assertEquals("carol", ops.get(0).path("user").asText());

            CliRun status = ctl(socket, "hmp", "vm1", "info status");
            assertEquals(new CliRun(0, "VM status: running\n", ""), status);
            // Words after the VM are one line, as the shell splits them without quotes.
            assertEquals(status, ctl(socket, "hmp", "vm1", "info", "status"));

            CliRun unknown = ctl(socket, "hmp", "vm1", "info bogus");
            assertEquals(1, unknown.code(), "a QEMU error");
            assertEquals("", unknown.out());
            assertTrue(unknown.err().contains("info bogus"), unknown.err());

            CliRun screendump = ctl(socket, "hmp", "vm1", "screendump " + dir.resolve("x.ppm"));
            assertEquals(2, screendump.code(), "a refusal");
            assertTrue(
                    screendump.err().startsWith("monmux ctl: permission denied: 'screendump' needs role admin"),
                    screendump.err());
            assertFalse(Files.exists(dir.resolve("x.ppm")));

            assertEquals(2, ctl(socket, "hmp", "nosuch", "info status").code());
            assertEquals(
                    "monmux ctl: no VM named 'nosuch' (monmux ctl list shows yours)\n",
                    ctl(socket, "hmp", "nosuch", "info status").err());
            CliRun down = ctl(socket, "hmp", "dead", "info status");
            assertEquals(3, down.code(), down.err());
            assertTrue(down.err().contains("VM 'dead' is down"), down.err());

            // A command that changes the VM is announced to its operators, as from telnet.
            CliRun stop = ctl(socket, "hmp", "vm1", "stop");
            assertEquals(new CliRun(0, "", ""), stop);
            assertTrue(carol.await("[alice@ctl] stop").contains("[alice@ctl] stop"));
            assertEquals(
                    "VM status: paused\n",
                    ctl(socket, "hmp", "vm1", "info status").out());

            // Locks: while carol holds vm1, alice's controls are refused; her queries are not.
            carol.line(".lock");
            carol.await("(qemu) ");
            CliRun locked = ctl(socket, "hmp", "vm1", "cont");
            assertEquals(2, locked.code());
            assertTrue(locked.err().contains("locked by carol@127.0.0.1"), locked.err());
            assertEquals(0, ctl(socket, "hmp", "vm1", "info status").code());
            carol.line(".unlock");
            carol.await("(qemu) ");

            CliRun qmp = ctl(socket, "qmp", "vm1", "{\"execute\":\"query-status\"}");
            assertEquals(0, qmp.code(), qmp.err());
            assertEquals(
                    "paused",
                    JSON.readTree(qmp.out()).path("return").path("status").asText());
            // Read as QEMU reads it: single quotes are fine.
            assertEquals(0, ctl(socket, "qmp", "vm1", "{'execute': 'cont'}").code());
            CliRun nope = ctl(socket, "qmp", "vm1", "{\"execute\":\"no-such-command\"}");
            assertEquals(1, nope.code());
            assertEquals(
                    "CommandNotFound",
                    JSON.readTree(nope.out()).path("error").path("class").asText());
            CliRun bad = ctl(socket, "qmp", "vm1", "{\"execute\":");
            assertEquals(
                    new CliRun(
                            2, "", "monmux ctl: the command ends inside a JSON value (give the whole QMP command)\n"),
                    bad);
            // human-monitor-command is judged by the HMP line inside it.
            CliRun wrapped = ctl(
                    socket,
                    "qmp",
                    "vm1",
                    "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"screendump /tmp/y\"}}");
            assertEquals(2, wrapped.code(), wrapped.out() + wrapped.err());

            // A line from stdin: a secret in it is not in the process list (and never in the audit log).
            assertEquals(
                    new CliRun(0, "VM status: running\n", ""),
                    ctlWithStdin(socket, "info status\n", "hmp", "vm1", "-"));
            assertEquals(
                    0,
                    ctlWithStdin(socket, "{'execute': 'query-status'}\n", "qmp", "vm1", "-")
                            .code());
            CliRun secret = ctlWithStdin(socket, "set_password vnc Hunter2-SECRET\n", "hmp", "vm1", "-");
            assertEquals(
                    new CliRun(1, "", "Error: Could not set password\n"), secret, "no VNC display here: QEMU says so");

            // No longer than a line at the prompt: its notices to others and its audit record would be.
            assertEquals(
                    new CliRun(2, "", "monmux ctl: line too long (max 4096 bytes, limits.lineBytes)\n"),
                    ctl(socket, "hmp", "vm1", "set_link " + "a".repeat(5000) + " on"));
            assertEquals(
                    2,
                    ctl(socket, "qmp", "vm1", "{\"execute\":\"query-status\",\"id\":\"" + "b".repeat(5000) + "\"}")
                            .code());

            CliRun reload = ctl(socket, "reload");
            assertEquals(2, reload.code(), "alice is not an admin of every VM");
            assertTrue(reload.err().contains("reload needs role admin on every VM"), reload.err());

            CliRun usage = ctl(socket, "hmp", "vm1");
            assertEquals(2, usage.code());
            assertTrue(usage.err().startsWith("monmux ctl: usage: monmux ctl hmp VM 'LINE'"), usage.err());
            assertEquals(2, ctl(socket, "frobnicate").code());
        }
        // The audit log names the monmux user and the Unix user behind every control command.
        List<JsonNode> records = Files.readAllLines(dir.resolve("audit.jsonl")).stream()
                .map(l -> {
                    try {
                        return JSON.readTree(l);
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        JsonNode stop = records.stream()
                .filter(r -> "stop".equals(r.path("command").asText())
                        && "start".equals(r.path("phase").asText()))
                .findFirst()
                .orElseThrow();
        assertEquals("alice", stop.path("user").asText());
        assertEquals("control", stop.path("listener").asText());
        assertTrue(stop.path("remote").asText().startsWith("unix:" + ME + "(uid "), stop.toString());
        assertFalse(
                Files.readString(dir.resolve("audit.jsonl")).contains("Hunter2-SECRET"), "no secret in the audit log");
        assertTrue(records.stream()
                .anyMatch(r -> "screendump".equals(r.path("command").asText())
                        && "denied".equals(r.path("outcome").asText())));
    }

    @Test
    void eventsFollowTheVmFilteredByNameUntilMonmuxStops() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        Path socket = dir.resolve("control.sock");
        try (QemuProcess qemu = QemuProcess.start()) {
            MonmuxFixture mx = awaitVm1(MonmuxFixture.start(config(dir, qemu, ME + ": carol")));
            try {
                CompletableFuture<CliRun> text =
                        CompletableFuture.supplyAsync(() -> ctl(socket, "events", "vm1", "--event", "STOP"));
                CompletableFuture<CliRun> json =
                        CompletableFuture.supplyAsync(() -> ctl(socket, "events", "vm1", "--json"));
                awaitFollowers(mx, 2);
                assertEquals(0, ctl(socket, "hmp", "vm1", "stop").code());
                assertEquals(0, ctl(socket, "hmp", "vm1", "cont").code());
                Thread.sleep(300); // the events reach the followers
                mx.close();
                CliRun t = text.get(20, TimeUnit.SECONDS);
                CliRun j = json.get(20, TimeUnit.SECONDS);
                assertEquals(3, t.code(), "the stream ended: monmux stopped");
                assertEquals(
                        "monmux ctl: monmux is stopping\nmonmux ctl: monmux ended the event stream\n",
                        t.err(),
                        "saying why");
                assertTrue(t.out().matches("\\[\\d{4}-\\d\\d-\\d\\d [\\d:.]+\\] event STOP\n"), t.out());
                List<String> lines = j.out().lines().toList();
                assertEquals(2, lines.size(), j.out());
                assertEquals("STOP", JSON.readTree(lines.get(0)).path("event").asText());
                assertEquals("RESUME", JSON.readTree(lines.get(1)).path("event").asText());
                assertTrue(JSON.readTree(lines.get(1)).has("timestamp"), "QEMU's event, verbatim");
            } finally {
                mx.close();
            }
        }
    }

    /** Waits until {@code n} clients follow events (each has had its first answer). */
    private static void awaitFollowers(MonmuxFixture mx, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (mx.monmux().controlFollowers() < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the event followers did not start");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void reloadAsAnAdminOfEveryVm() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        Path socket = dir.resolve("control.sock");
        try (QemuProcess qemu = QemuProcess.start()) {
            Path file = dir.resolve("monmux.yaml");
            Files.writeString(file, config(dir, qemu, ME + ": carol") + "metrics: {port: 0}\n");
            try (MonmuxFixture mx = MonmuxFixture.startFile(file)) {
                awaitVm1(mx);
                assertEquals(new CliRun(0, "configuration reloaded: no changes\n", ""), ctl(socket, "reload"));
                Files.writeString(file, "vms: [\n");
                CliRun refused = ctl(socket, "reload");
                assertEquals(1, refused.code());
                assertTrue(refused.err().startsWith("Error: configuration not reloaded: "), refused.err());
                JsonNode vms = JSON.readTree(ctl(socket, "list", "--json").out());
                assertTrue(vms.get(0).path("qmp").asText().startsWith("unix:"), "an admin sees QEMU's socket");

                // A follower of a VM that a reload removes is told, and its stream ends (exit 3).
                CompletableFuture<CliRun> events = CompletableFuture.supplyAsync(() -> ctl(socket, "events", "vm1"));
                awaitFollowers(mx, 1);
                Files.writeString(
                        file,
                        config(dir, qemu, ME + ": carol").replaceFirst("  - \\{name: vm1, [^\n]*\n", "")
                                + "metrics: {port: 0}\n");
                CliRun removed = ctl(socket, "reload");
                assertEquals(0, removed.code(), removed.err());
                assertTrue(removed.out().contains("VMs removed: vm1"), removed.out());
                CliRun followed = events.get(20, TimeUnit.SECONDS);
                assertEquals(3, followed.code());
                assertTrue(
                        followed.err().contains("monmux ctl: VM 'vm1' was removed from the configuration\n"),
                        followed.err());
            }
        }
    }

    @Test
    void aReloadOfTheUsersReachesFollowersAndControlUsersApplyAtOnce() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        Path socket = dir.resolve("control.sock");
        try (QemuProcess qemu = QemuProcess.start()) {
            Path file = dir.resolve("monmux.yaml");
            Files.writeString(file, config(dir, qemu, ME + ": vera") + "metrics: {port: 0}\n");
            try (MonmuxFixture mx = MonmuxFixture.startFile(file)) {
                awaitVm1(mx);
                CompletableFuture<CliRun> events = CompletableFuture.supplyAsync(() -> ctl(socket, "events", "vm1"));
                awaitFollowers(mx, 1);
                // vera loses vm1: her event stream ends, she is told why.
                Files.writeString(
                        file,
                        config(dir, qemu, ME + ": vera")
                                        .replace("role: viewer, vms: [vm1]", "role: viewer, vms: [dead]")
                                + "metrics: {port: 0}\n");
                assertTrue(mx.reload().ok());
                CliRun followed = events.get(20, TimeUnit.SECONDS);
                assertEquals(3, followed.code());
                assertTrue(
                        followed.err().contains("monmux ctl: user 'vera' no longer has access to VM 'vm1'\n"),
                        followed.err());
                assertEquals(2, ctl(socket, "hmp", "vm1", "info status").code());

                // control.users is reloaded too: the same Unix user is carol now, at once;
                // and vera, no longer named by it, may be deleted in the same reload.
                Files.writeString(
                        file,
                        config(dir, qemu, ME + ": carol").replaceFirst("  - \\{name: vera, [^\\n]*\\n", "")
                                + "metrics: {port: 0}\n");
                dev.monmux.Reloader.Result reload = mx.reload(); // vera may not; the host's admin may
                assertTrue(reload.ok(), reload.detail());
                assertTrue(reload.detail().contains("users updated"), reload.detail());
                JsonNode vms = JSON.readTree(ctl(socket, "list", "--json").out());
                assertEquals(2, vms.size(), "carol sees both VMs");
                assertTrue(vms.get(0).has("qmp"), "as an admin");
            }
        }
    }

    @Test
    void aUnixUserNotInControlUsersIsRefusedAndAGroupMapsToo() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        Path socket = dir.resolve("control.sock");
        String myGroup = Files.getAttribute(dir, "posix:group").toString();
        try (QemuProcess qemu = QemuProcess.start()) {
            try (MonmuxFixture mx = awaitVm1(MonmuxFixture.start(config(dir, qemu, "somebody-else: alice")))) {
                CliRun r = ctl(socket, "list");
                assertEquals(2, r.code());
                assertEquals(
                        "monmux ctl: Unix user '" + ME + "' is not in control.users (nor any of its groups)\n",
                        r.err());
                assertEquals("", r.out());
            }
            String audit = Files.readString(dir.resolve("audit.jsonl"));
            assertTrue(audit.contains("\"listener\":\"control\""), audit);
            try (MonmuxFixture mx = awaitVm1(
                    MonmuxFixture.start(config(dir, qemu, "somebody-else: carol, '@" + myGroup + "': vera")))) {
                CliRun r = ctl(socket, "list", "--json");
                assertEquals(0, r.code(), r.err());
                JsonNode vms = JSON.readTree(r.out());
                assertEquals(1, vms.size(), "vera sees vm1 only");
                assertEquals(2, ctl(socket, "hmp", "vm1", "stop").code(), "a viewer");
            }
        }
    }

    @Test
    void theSocketsModeAndGroupAreSetBeforeAnyoneCanConnect() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        String myGroup = Files.getAttribute(dir, "posix:group").toString();
        String yaml = """
                listeners: {telnet: {port: 0}}
                vms: [{name: vm1, qmp: 'unix:%s/q.sock'}]
                users: [{name: carol, password: '%s', role: admin}]
                control: {socket: '%s/control.sock', mode: '0660', group: %s, users: {%s: carol}}
                """;
        String hash = hash("carol-pw");
        try (MonmuxFixture mx = MonmuxFixture.start(yaml.formatted(dir, hash, dir, myGroup, ME))) {
            Path socket = dir.resolve("control.sock");
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals(myGroup, Files.getAttribute(socket, "posix:group").toString());
            try (var files = Files.list(dir)) {
                assertEquals(
                        List.of("control.sock"),
                        files.map(p -> p.getFileName().toString()).toList(),
                        "bound in a private directory, renamed into place, the directory gone");
            }
            assertEquals(0, ctl(socket, "list").code(), "answers at its place");
        }
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> MonmuxFixture.start(yaml.formatted(dir, hash, dir, "no-such-group-xyz", ME)));
        assertEquals(
                "control.socket: cannot listen on " + dir.resolve("control.sock")
                        + ": there is no Unix group 'no-such-group-xyz'",
                e.getMessage());
    }

    /** A QEMU that takes its time (a fake: a real one answers `stop` at once). */
    @Test
    void aStopAnswersTheCommandInFlightFirst() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        Path socket = dir.resolve("control.sock");
        try (FakeQmpServer fake = new FakeQmpServer(dir.resolve("q.sock"))) {
            CompletableFuture<Runnable> held = new CompletableFuture<>();
            fake.responder((c, req) -> {
                if (!"stop".equals(req.path("execute").asText())) {
                    return List.of(FakeQmpServer.okReply(req, "{}"));
                }
                held.complete(() -> {
                    try {
                        c.send(FakeQmpServer.okReply(req, "{}"));
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                });
                return null;
            });
            MonmuxFixture mx =
                    MonmuxFixture.start("""
                    listeners: {telnet: {port: 0}}
                    vms: [{name: vm1, qmp: '%s'}]
                    control: {socket: '%s'}
                    shutdownGrace: 10s
                    """.formatted(fake.address(), socket)).awaitUp();
            CompletableFuture<CliRun> stop = CompletableFuture.supplyAsync(() -> ctl(socket, "hmp", "vm1", "stop"));
            Runnable answer = held.get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(mx::close);
            long deadline = System.currentTimeMillis() + 10_000;
            while (Files.exists(socket) && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(Files.exists(socket), "no new clients once the stop began");
            assertFalse(stop.isDone(), "the command in flight is still waiting for QEMU");
            answer.run();
            assertEquals(new CliRun(0, "", ""), stop.get(10, TimeUnit.SECONDS));
            closing.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutMonmuxTheClientSaysSoAndExits4() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        CliRun r = ctl(dir.resolve("control.sock"), "list");
        assertEquals(4, r.code());
        assertTrue(
                r.err().startsWith("monmux ctl: cannot connect to " + dir.resolve("control.sock") + ": no such socket"),
                r.err());
    }

    @Test
    void theNioTransportCannotKnowWhoConnects() throws Exception {
        Path dir = Files.createTempDirectory("monmux-ctl");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> MonmuxFixture.start("""
                        transport: nio
                        listeners: {telnet: {port: 0}}
                        vms: [{name: vm1, qmp: 'unix:%s/q.sock'}]
                        control: {socket: '%s/control.sock'}
                        """.formatted(dir, dir)));
        assertEquals(
                "control.socket: needs the epoll transport to know who connects (its peer credentials), but the "
                        + "transport is nio; set transport: epoll (or auto, where epoll loads) or leave "
                        + "control.socket out",
                e.getMessage());
    }
}
