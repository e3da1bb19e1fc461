package dev.monmux.e2e;

import static dev.monmux.e2e.OperatorsEndToEndTest.login;
import static dev.monmux.e2e.OperatorsEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.MonmuxFixture;
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

/**
 * Nobody does more than their role allows, by any path, against a real QEMU: commands that write
 * or open host files, reach host sockets or read secrets are admin-only, whether typed as HMP, as
 * raw QMP at the prompt, inside {@code human-monitor-command} or sent to the QMP front end; a
 * deployment may let operators insert media and take screenshots within limits it states.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrustEndToEndTest {
    private static final String PROMPT = "(qemu) ";
    private static final String SECRET = "topsecret-9f2c";
    private static final List<String> DEVICES = List.of(
            "-device", "VGA", "-object", "secret,id=sec0,data=" + SECRET, "-drive", "if=ide,media=cdrom,id=cd0");

    @TempDir
    Path dir;

    private String config(Path qmp, String extra) {
        return "listeners: {telnet: {port: 0}}\n"
                + "audit: {path: '" + dir.resolve("audit.jsonl") + "'}\n"
                + "vms:\n  - name: vm1\n    qmp: 'unix:" + qmp + "'\n    qmpListen:\n"
                + "      - {unix: '" + dir.resolve("viewer.qmp") + "', role: viewer}\n"
                + "      - {unix: '" + dir.resolve("operator.qmp") + "', role: operator}\n"
                + OperatorsEndToEndTest.USERS + extra;
    }

    private static String hmc(String line) {
        return "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \""
                + line.replace("\"", "\\\"") + "\"}}";
    }

    private static QmpLineClient qmp(Path socket) throws Exception {
        QmpLineClient c = QmpLineClient.unix(socket);
        c.readLine();
        c.send("{\"execute\": \"qmp_capabilities\"}\n");
        c.readLine();
        return c;
    }

    /** The next reply (not an event) to a request sent on {@code c}. */
    private static String reply(QmpLineClient c, String request) throws Exception {
        c.send(request + "\n");
        while (true) {
            String line = c.readLine();
            if (!line.startsWith("{\"timestamp\"")) {
                return line;
            }
        }
    }

    @Test
    void hostFilesMediaAndSecretsAreAdminOnlyOnEveryPath() throws Exception {
        Path victim = dir.resolve("victim.ppm");
        Path audit = dir.resolve("audit.jsonl");
        try (QemuProcess qemu = QemuProcess.start(DEVICES);
                MonmuxFixture mx =
                        MonmuxFixture.start(config(qemu.qmpSocket(), "")).awaitUp();
                TelnetTestClient otto = login(mx, false, "otto", "otto-pw");
                TelnetTestClient vera = login(mx, false, "vera", "vera-pw");
                TelnetTestClient root = login(mx, false, "root", "root-pw");
                QmpLineClient viewerQmp = qmp(dir.resolve("viewer.qmp"));
                QmpLineClient operatorQmp = qmp(dir.resolve("operator.qmp"))) {
            String screendumpDenied = "permission denied: 'screendump' needs role admin on VM 'vm1': it writes a host "
                    + "file (the screen image)\r\n" + PROMPT;
            assertEquals(screendumpDenied, run(otto, "screendump " + victim));
            assertEquals(screendumpDenied, run(otto, "screendump " + audit), "not even monmux's own audit log");
            assertEquals(
                    screendumpDenied,
                    run(otto, "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"" + victim + "\"}}"));
            assertTrue(
                    run(otto, hmc("screendump " + victim))
                            .startsWith(
                                    "permission denied: 'human-monitor-command' needs role admin on VM 'vm1': it writes a host file"));
            assertTrue(reply(
                            operatorQmp,
                            "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"" + victim
                                    + "\"}, \"id\": 1}")
                    .contains("needs role admin"));
            assertFalse(Files.exists(victim), "no file was written");

            // Media: any host file, block-layer URL or JSON description would reach QEMU's block layer.
            for (String target : List.of(
                    "/etc/passwd",
                    "json:{\\\"file.filename\\\":\\\"/etc/passwd\\\"}",
                    "nbd:127.0.0.1:10809",
                    "/etc/passwd raw read-write")) {
                String out = run(otto, "change cd0 " + target);
                assertTrue(
                        out.startsWith("permission denied: 'change' needs role admin on VM 'vm1': it opens a host "
                                + "file or block-layer URL as a medium"),
                        target + ": " + out);
            }
            assertTrue(run(
                            otto,
                            "{\"execute\": \"blockdev-change-medium\", \"arguments\": {\"id\": \"cd0\", "
                                    + "\"filename\": \"/etc/passwd\"}}")
                    .startsWith("permission denied: 'blockdev-change-medium' needs role admin"));
            assertTrue(reply(
                            operatorQmp,
                            "{\"execute\": \"blockdev-change-medium\", \"arguments\": {\"device\": \"cd0\", "
                                    + "\"filename\": \"/etc/passwd\"}, \"id\": 2}")
                    .contains("needs role admin"));
            assertFalse(run(root, "info block cd0").contains("/etc/passwd"), "nothing was inserted");

            // Programs, sockets, devices with host files: admin-only, and the same on every path.
            for (String line : List.of(
                    "migrate \"exec:touch " + dir.resolve("pwned") + "\"",
                    "migrate tcp:127.0.0.1:1",
                    "device_add e1000,romfile=/etc/shadow",
                    "hostfwd_add tcp::2222-:22",
                    "nbd_server_start 127.0.0.1:10809",
                    "qom-set /machine/unattached/device[0] x 1",
                    "pmemsave 0 4096 \"" + dir.resolve("mem") + "\"",
                    "memsave 0 4096 \"" + dir.resolve("mem") + "\"",
                    "dump-guest-memory " + dir.resolve("core"),
                    "gdbserver tcp::1234",
                    "logfile " + victim)) {
                String out = run(otto, line);
                assertTrue(
                        out.startsWith("permission denied: '") && out.contains("needs role admin on VM 'vm1': it "),
                        line + ": " + out);
            }
            String qomSet = "{\"execute\": \"qom-set\", \"arguments\": {\"path\": \"/machine\", \"property\": \"x\", "
                    + "\"value\": 1}}";
            assertTrue(
                    run(otto, qomSet).startsWith("permission denied: 'qom-set' needs role admin"),
                    "raw QMP qom-set has the HMP command's class");
            assertFalse(Files.exists(dir.resolve("pwned")));

            // Secrets: a viewer may read the machine's properties, not a secret object's, by any path spelling.
            assertEquals("\"pc-i440fx-7.2-machine\"\r\n" + PROMPT, run(vera, "qom-get /machine type"));
            String secretDenied = "is a secret object (secret); reading its properties needs role admin on VM 'vm1'";
            for (String line : List.of(
                    "qom-get /objects/sec0 data",
                    "qom-get sec0 data",
                    "qom-get /objects/sec0 type",
                    "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"sec0\", \"property\": \"data\"}}",
                    hmc("qom-get /objects/sec0 data"))) {
                String out = run(vera, line);
                assertTrue(out.contains(secretDenied) && !out.contains(SECRET), line + ": " + out);
                out = run(otto, line);
                assertTrue(out.contains(secretDenied) && !out.contains(SECRET), "operators neither: " + out);
            }
            String viaQmp = reply(
                    viewerQmp,
                    "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/objects/sec0\", "
                            + "\"property\": \"data\"}, \"id\": 3}");
            assertTrue(
                    viaQmp.contains(secretDenied) && viaQmp.contains("\"id\": 3") && !viaQmp.contains(SECRET), viaQmp);
            // A NUL inside a QMP string reaches QEMU's HMP as two bytes of modified UTF-8, and QEMU cuts
            // a word at 1023 bytes: the path below is /objects/sec0 to QEMU, and so it is to monmux.
            String padded = "/".repeat(1011) + "objects/sec0";
            // (the JSON escape \u0000 written out, as a QMP client sends it)
            for (String viaNul : List.of("qom-get " + padded + "\\u0000x data", "qom-get " + padded + "\\u0000x")) {
                String out = run(vera, hmc(viaNul));
                assertFalse(out.contains(SECRET), out);
                String q = reply(viewerQmp, hmc(viaNul).replace("}}", "}, \"id\": 9}"));
                assertFalse(q.contains(SECRET), q);
            }
            assertEquals(
                    "Error: Device '/objects/nope' not found\r\n" + PROMPT,
                    run(vera, "qom-get /objects/nope data"),
                    "QEMU's own answer where there is nothing to hide");
            assertEquals("\"" + SECRET + "\"\r\n" + PROMPT, run(root, "qom-get sec0 data"), "admins may");

            // A viewer's typo is answered as QEMU answers it.
            assertEquals("unknown command: 'info stauts'\r\n" + PROMPT, run(vera, "info stauts"));
            assertEquals("VM status: running\r\n" + PROMPT, run(vera, "info status"));
        }
        String log = Files.readString(audit);
        assertFalse(log.contains(SECRET));
        assertTrue(log.lines().allMatch(l -> l.startsWith("{") && l.endsWith("}")), "the audit log is intact");
    }

    @Test
    void operatorsMayInsertAllowedMediaAndTakeScreenshotsWhereMonmuxPutsThem() throws Exception {
        Path iso = Files.createDirectories(dir.resolve("iso"));
        Files.write(iso.resolve("tools.iso"), new byte[4096]);
        Files.createSymbolicLink(iso.resolve("escape.iso"), Path.of("/etc/passwd"));
        // an image that claims to be qcow2 with a host file behind it (what a guest could write into a floppy)
        Process img = new ProcessBuilder(
                        "qemu-img",
                        "create",
                        "-q",
                        "-f",
                        "qcow2",
                        "-F",
                        "raw",
                        "-b",
                        "/etc/passwd",
                        iso.resolve("claims-qcow2.iso").toString())
                .inheritIO()
                .start();
        assertEquals(0, img.waitFor(), "qemu-img (apt-get install -y qemu-utils)");
        Path screens = Files.createDirectories(dir.resolve("screens"));
        String acl = "acl:\n  mediaPaths: ['" + iso + "/*.iso']\n  screendumpDir: '" + screens + "'\n";
        try (QemuProcess qemu = QemuProcess.start(DEVICES);
                MonmuxFixture mx =
                        MonmuxFixture.start(config(qemu.qmpSocket(), acl)).awaitUp();
                TelnetTestClient otto = login(mx, false, "otto", "otto-pw");
                TelnetTestClient root = login(mx, false, "root", "root-pw");
                QmpLineClient operatorQmp = qmp(dir.resolve("operator.qmp"))) {
            // QEMU's DEVICE_TRAY_MOVED events may come before the prompt: the answer is what ends the text.
            OperatorsEndToEndTest.assertEndsWith(
                    "\r\n" + PROMPT, "\r\n" + run(otto, "change cd0 " + iso.resolve("tools.iso")));
            assertTrue(run(otto, "info block cd0").contains(iso.resolve("tools.iso") + " (raw, read-only)"));
            OperatorsEndToEndTest.assertEndsWith(
                    "\r\n" + PROMPT, "\r\n" + run(otto, "change cd0 " + iso.resolve("claims-qcow2.iso")));
            String block = run(otto, "info block cd0");
            assertTrue(
                    block.contains(iso.resolve("claims-qcow2.iso") + " (raw, read-only)")
                            && !block.contains("Backing file"),
                    "an operator's medium is opened as raw, never probed: " + block);
            String out = run(otto, "change cd0 " + iso.resolve("escape.iso"));
            assertTrue(out.contains("leads to '/etc/passwd', which does not match"), out);
            out = run(otto, "change cd0 " + iso.resolve("tools.iso") + " raw read-write");
            assertTrue(out.contains("read-write (operators may not)"), out);
            out = run(otto, "change cd0 " + iso.resolve("../iso/tools.iso"));
            assertTrue(out.contains("is not a plain path"), out);
            String qmpChange = reply(
                    operatorQmp,
                    "{\"execute\": \"blockdev-change-medium\", \"arguments\": {\"device\": \"cd0\", "
                            + "\"filename\": \"" + iso.resolve("claims-qcow2.iso") + "\"}, \"id\": 1}");
            assertTrue(qmpChange.startsWith("{\"return\": {}"), qmpChange);
            block = run(otto, "info block cd0");
            assertTrue(block.contains("(raw, read-only)") && !block.contains("Backing file"), "QMP too: " + block);

            out = run(otto, "screendump /tmp/anything.ppm");
            assertTrue(
                    java.util.regex.Pattern.compile(
                                    "(^|\n)screendump: saved as " + java.util.regex.Pattern.quote(screens.toString())
                                            + "/vm1-\\d{8}-\\d{6}-[0-9a-f]{6}\\.ppm \\(acl\\.screendumpDir\\)\r\n\\(qemu\\) $")
                            .matcher(out)
                            .find(),
                    out);
            assertFalse(Files.exists(Path.of("/tmp/anything.ppm")), "the operator's name is not used");
            out = run(otto, "screendump x.png -f png");
            assertTrue(out.contains(".png (acl.screendumpDir)"), out);
            assertTrue(reply(
                            operatorQmp,
                            "{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"/etc/motd\"}, "
                                    + "\"id\": 2}")
                    .startsWith("{\"return\": {}"));
            List<Path> taken;
            try (var files = Files.list(screens)) {
                taken = files.sorted().toList();
            }
            assertEquals(3, taken.size(), taken.toString());
            for (Path p : taken) {
                byte[] head = Files.readAllBytes(p);
                assertTrue(
                        (head[0] == 'P' && head[1] == '6') || (head[1] == 'P' && head[2] == 'N'), p + " is an image");
            }
            Path own = dir.resolve("root.ppm");
            // root has notices of otto's commands queued: the answer is what ends the text
            OperatorsEndToEndTest.assertEndsWith("\r\n" + PROMPT, "\r\n" + run(root, "screendump " + own));
            assertTrue(Files.exists(own), "an admin's screendump goes where the admin says");
        }
        String log = Files.readString(dir.resolve("audit.jsonl"));
        assertTrue(log.contains("\"line\":\"screendump " + screens + "/vm1-"), "the audit log names the file written");
    }
}
