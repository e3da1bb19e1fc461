package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.MonmuxProcess;
import dev.monmux.testing.QemuBuild;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets are shown to no one: an admin types a secret in every form QEMU takes it (and once by
 * mistake as a line of its own); the other operators, viewers included, see what happened with
 * the secret replaced, the audit log records it without the secret, and monmux's own log (at
 * trace level) never has it. A real monmux process in front of a real QEMU.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecretsEndToEndTest {
    private static final String SECRET = "hunter2-xyz";
    private static final String PROMPT = "(qemu) ";

    @TempDir
    Path dir;

    @Test
    void noneOfTheWaysAnAdminTypesASecretShowsItToAnyoneElse() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        String hmcSecret = "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
                + "\"object_add secret,id=s5,data=" + SECRET + "\"}}";
        List<String> lines = List.of(
                "object_add secret,id=s1,data=" + SECRET,
                "object_add qom-type=secret,id=s2,data=" + SECRET,
                "object_add {\"qom-type\": \"secret\", \"id\": \"s3\", \"data\": \"" + SECRET + "\"}",
                "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": \"secret\", \"id\": \"s4\", \"data\": \""
                        + SECRET + "\"}}",
                hmcSecret,
                "set_password vnc " + SECRET,
                "set_password \"vnc\" \"" + SECRET + "\"",
                "set_password " + SECRET + " vnc",
                "change vnc passwd " + SECRET,
                "change vnc password " + SECRET,
                "change vnc -f passwd " + SECRET,
                SECRET,
                "qom-set /objects/s1 data " + SECRET,
                "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/objects/s1\", \"property\": \"data\", "
                        + "\"value\": \"" + SECRET + "\"}}",
                "ringbuf_write nosuch " + SECRET,
                "drive_add 0 if=none,id=d9,file.password-secret=" + SECRET);
        try (QemuProcess qemu = QemuProcess.start()) {
            int port = MonmuxProcess.freePort();
            try (MonmuxProcess child = MonmuxProcess.start(
                            dir,
                            port,
                            "listeners: {telnet: {port: " + port + ", mode: raw}}\n"
                                    + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                                    + "audit: {path: '" + audit + "'}\n"
                                    + "metrics: {enabled: false}\n"
                                    + "log: {level: trace}\n" + OperatorsEndToEndTest.USERS);
                    TelnetTestClient root = rawLogin(port, "root", "root-pw");
                    TelnetTestClient otto = rawLogin(port, "otto", "otto-pw");
                    TelnetTestClient vera = rawLogin(port, "vera", "vera-pw")) {
                MonmuxProcess.awaitVmUp(root);
                for (String line : lines) {
                    root.line(line);
                    root.await(PROMPT, 20_000);
                }
                root.line(".say done");
                otto.await("[root@127.0.0.1 says] done", 20_000);
                vera.await("[root@127.0.0.1 says] done", 20_000);
                String seen = otto.all() + vera.all();
                assertFalse(seen.contains(SECRET), "another operator saw the secret: " + TelnetTestClient.show(seen));
                for (String shown : List.of(
                        "object_add secret,id=s1,data=[redacted]",
                        "object_add qom-type=secret,id=s2,data=[redacted]",
                        "object_add {\"qom-type\":\"secret\",\"id\":\"s3\",\"data\":\"[redacted]\"}",
                        "object-add (QMP)",
                        "human-monitor-command (QMP)",
                        "set_password vnc [redacted]",
                        "set_password \"vnc\" [redacted]",
                        "set_password [redacted] [redacted]",
                        "change vnc passwd [redacted]",
                        "change vnc password [redacted]",
                        "change vnc -f passwd [redacted]",
                        "qom-set /objects/s1 data [redacted]",
                        "ringbuf_write nosuch [redacted]")) {
                    assertTrue(
                            otto.all().contains("[root@127.0.0.1] " + shown),
                            shown + " in " + TelnetTestClient.show(otto.all()));
                    assertTrue(vera.all().contains("[root@127.0.0.1] " + shown), "viewers too: " + shown);
                }
                assertFalse(otto.all().contains("[root@127.0.0.1] [redacted]"));
                assertTrue(root.all().contains("unknown command: '" + SECRET + "'"), "the typist sees QEMU's answer");
                child.signal("TERM");
                child.awaitExit(30);
                String log = child.log();
                assertTrue(log.contains("TRACE") || log.contains("DEBUG"), "the log ran at trace level: " + log);
                assertFalse(log.contains(SECRET), "monmux's own log has the secret: " + log);
            }
        }
        String records = Files.readString(audit);
        assertFalse(
                records.contains(SECRET),
                "the audit log has the secret: "
                        + records.lines().filter(l -> l.contains(SECRET)).toList());
        assertTrue(records.contains("\"line\":\"object_add secret,id=s1,data=[redacted]\""), records);
        assertTrue(records.contains("\"line\":\"[not recorded: not a command monmux knows]\""), records);
        assertTrue(records.contains("\"command-line\":\"object_add secret,id=s5,data=[redacted]\""), records);
    }

    /**
     * A misspelt property of a secret object ({@code dta=}, {@code Data=}, a space for a comma):
     * QEMU refuses it, but only after monmux has announced and recorded the command. On every
     * path (HMP, raw QMP at the prompt, human-monitor-command, the QMP front end) and both QEMU
     * versions, nobody else sees it and the audit log does not have it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"7.2", "10.0"})
    void aMisspeltSecretIsRedactedOnEveryPathAndVersion(String version) throws Exception {
        QemuBuild build = version.equals("7.2") ? QemuBuild.v72() : QemuBuild.v100();
        Path audit = dir.resolve("audit-" + version + ".jsonl");
        Path front = dir.resolve("admin-" + version + ".qmp");
        String rawQmp = "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": \"secret\", \"id\": \"m3\", "
                + "\"Data\": \"" + SECRET + "\"}}";
        String hmc = "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
                + "\"object_add secret,id=m4,dta=" + SECRET + "\"}}";
        try (QemuProcess qemu = QemuProcess.start(build, List.of());
                MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\nvms:\n  - name: vm1\n"
                                + "    qmp: 'unix:" + qemu.qmpSocket() + "'\n    qmpListen:\n"
                                + "      - {unix: '" + front + "', role: admin}\n"
                                + "audit: {path: '" + audit + "'}\n"
                                + OperatorsEndToEndTest.USERS)
                        .awaitUp();
                TelnetTestClient root = OperatorsEndToEndTest.login(mx, false, "root", "root-pw");
                TelnetTestClient otto = OperatorsEndToEndTest.login(mx, false, "otto", "otto-pw");
                QmpLineClient qmp = QmpLineClient.unix(front)) {
            for (String line : List.of(
                    "object_add secret,id=m1,dta=" + SECRET, "object_add secret id=m2,data=" + SECRET, rawQmp, hmc)) {
                root.line(line);
                root.await(PROMPT, 20_000);
            }
            qmp.readLine();
            qmp.send("{\"execute\": \"qmp_capabilities\"}\n");
            qmp.readLine();
            qmp.send("{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": \"secret\", \"id\": \"m5\", "
                    + "\"dta\": \"" + SECRET + "\"}, \"id\": 1}\n");
            List<String> reply = qmp.readUntil(l -> l.contains("\"id\": 1") || l.contains("\"id\":1"));
            assertTrue(reply.get(reply.size() - 1).contains("error"), version + ": QEMU refuses it: " + reply);
            root.line(".say done");
            otto.await("[root@", 20_000);
            otto.await("says] done", 20_000);
            assertFalse(otto.all().contains(SECRET), version + ": " + TelnetTestClient.show(otto.all()));
            assertTrue(otto.all().contains("object_add secret,id=m1,dta=[redacted]"), version + ": " + otto.all());
        }
        String records = Files.readString(audit);
        assertFalse(
                records.contains(SECRET),
                version + ": the audit log has the secret: "
                        + records.lines().filter(l -> l.contains(SECRET)).toList());
        assertTrue(records.contains("\"Data\":\"[redacted]\""), records);
        assertTrue(records.contains("\"dta\":\"[redacted]\""), "the QMP front end's record: " + records);
        assertTrue(records.contains("object_add secret,id=m4,dta=[redacted]"), "human-monitor-command's line");
    }

    private static TelnetTestClient rawLogin(int port, String user, String pw) throws Exception {
        return TelnetTestClient.loggedIn(port, false, user, pw);
    }
}
