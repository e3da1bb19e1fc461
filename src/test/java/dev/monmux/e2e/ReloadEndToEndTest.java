package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import dev.monmux.testing.HttpGet;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import dev.monmux.testing.TelnetTestClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloading the config file with operators and QMP clients connected, against real QEMUs: a VM
 * added, a VM removed, a viewer promoted, a listener added and one removed, and a broken file
 * that changes nothing. Nobody else is dropped.
 */
class ReloadEndToEndTest {
    private static final String PROMPT = "(qemu) ";

    private static String hash(String pw) {
        return PasswordHash.create(pw.toCharArray(), 1000).encoded();
    }

    private static final String ROOT = hash("root-pw");
    private static final String VERA = hash("vera-pw");
    private static final String DAVE = hash("dave-pw");

    private static String config(Path dir, String vms, String veraRole, String extraListeners) {
        return "listeners:\n  telnet:\n    - {port: 0, mode: raw}\n" + extraListeners
                + "metrics: {port: 0}\n"
                + "audit: {path: '" + dir.resolve("audit.jsonl") + "'}\n"
                + "users:\n"
                + "  - {name: root, password: '" + ROOT + "', role: admin}\n"
                + "  - {name: vera, password: '" + VERA + "', role: " + veraRole + "}\n"
                + "  - {name: dave, password: '" + DAVE + "', role: admin, vms: [vm1]}\n"
                + "vms:\n" + vms;
    }

    private static TelnetTestClient login(int port, String user, String pw) throws Exception {
        TelnetTestClient c = TelnetTestClient.raw(port);
        c.await("login: ");
        c.line(user);
        c.await("Password: ");
        c.line(pw);
        c.await(PROMPT);
        return c;
    }

    private static String run(TelnetTestClient c, String line) throws Exception {
        c.line(line);
        return c.await(PROMPT);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aVmWhoseSettingsChangeGetsANewLinkAndItsSharedPortOperatorsFollow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("monmux.yaml");
        Path front = dir.resolve("vm1-qmp.sock");
        try (QemuProcess a = QemuProcess.start()) {
            String vm = "  - name: vm1\n    qmp: 'unix:" + a.qmpSocket() + "'\n" + "    qmpListen: {unix: '" + front
                    + "', role: admin}\n";
            Files.writeString(file, config(dir, vm, "viewer", ""));
            try (MonmuxFixture mx = MonmuxFixture.startFile(file).awaitUp();
                    TelnetTestClient root = login(mx.telnetPort(), "root", "root-pw");
                    QmpLineClient qmp = QmpLineClient.unix(front)) {
                assertTrue(qmp.readLine().contains("\"QMP\""));
                assertTrue(run(root, ".lock").contains("VM 'vm1' locked"));
                Files.writeString(file, config(dir, vm + "    commandTimeout: 20s\n", "viewer", ""));
                dev.monmux.Reloader.Result r = mx.reload();
                assertTrue(r.ok(), r.detail());
                assertEquals(
                        "VMs reconnected with new settings: vm1; listeners bound again: QMP unix:" + front
                                + " (VM 'vm1')",
                        r.detail());
                root.await("[monmux] VM 'vm1' was changed in the configuration; reattached");
                assertTrue(qmp.isClosedByPeer(), "QMP clients reconnect to the new link");
                mx.awaitUp();
                root.line("info status");
                root.await("VM status: running\r\n" + PROMPT);
                assertTrue(run(root, ".unlock").contains("is not locked"), "the old link's lock is gone");
                try (QmpLineClient again = QmpLineClient.unix(front)) {
                    assertTrue(again.readLine().contains("\"QMP\""), "the QMP listener serves the new link");
                }
                assertFalse(root.isClosed());
            }
        }
    }

    @Test
    void addRemovePromoteListenAndRefuseABrokenFileWithoutDroppingAnyoneElse(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("monmux.yaml");
        Path vm2Qmp = dir.resolve("vm2-qmp.sock");
        int newPort = freePort();
        try (QemuProcess a = QemuProcess.start();
                QemuProcess b = QemuProcess.start()) {
            String vm1 = "  - {name: vm1, qmp: 'unix:" + a.qmpSocket() + "'}\n";
            String vm2 = "  - name: vm2\n    qmp: 'unix:" + b.qmpSocket() + "'\n    telnet: {port: 0, mode: raw}\n"
                    + "    qmpListen: {unix: '" + vm2Qmp + "', role: viewer}\n";
            // vm3 is the same QEMU as vm2, under a new name: monmux lets go of vm2 first, so QEMU takes the new link.
            String vm3 = "  - {name: vm3, qmp: 'unix:" + b.qmpSocket() + "'}\n";
            Files.writeString(file, config(dir, vm1 + vm2, "viewer", ""));
            try (MonmuxFixture mx = MonmuxFixture.startFile(file).awaitUp();
                    TelnetTestClient vera = login(mx.telnetPort(), "vera", "vera-pw");
                    TelnetTestClient rootOnVm2 = login(mx.telnetPort(), "root", "root-pw");
                    TelnetTestClient admin = login(mx.telnetPort(), "root", "root-pw");
                    TelnetTestClient dedicated = login(mx.monmux().telnetPort(1), "root", "root-pw");
                    QmpLineClient qmp = QmpLineClient.unix(vm2Qmp)) {
                assertTrue(qmp.readLine().contains("\"QMP\""));
                assertTrue(run(vera, ".attach vm1").contains("attached to VM 'vm1'"));
                assertTrue(run(rootOnVm2, ".attach vm2").contains("attached to VM 'vm2'"));
                assertTrue(run(admin, ".attach vm1").contains("attached to VM 'vm1'"));
                assertTrue(run(dedicated, "info status").contains("VM status: running"));
                assertEquals(
                        "permission denied: 'stop' needs role operator on VM 'vm1'\r\n" + PROMPT, run(vera, "stop"));
                assertTrue(run(vera, ".reload").contains("permission denied: '.reload' needs role admin"));
                try (TelnetTestClient dave = login(mx.telnetPort(), "dave", "dave-pw")) {
                    assertEquals(
                            "permission denied: '.reload' needs role admin on every VM\r\n" + PROMPT,
                            run(dave, ".reload"),
                            "an admin of one VM may not change the others (nor learn their names: vm2 is not his)");
                }

                Files.writeString(
                        file, config(dir, vm1 + vm3, "operator", "    - {port: " + newPort + ", mode: raw}\n"));
                String reloaded = run(admin, ".reload");
                assertTrue(
                        reloaded.startsWith("configuration reloaded: VMs added: vm3; VMs removed: vm2; "
                                + "listeners added: telnet 127.0.0.1:" + newPort
                                + "; listeners removed: telnet 127.0.0.1:0 "
                                + "(VM 'vm2'), QMP unix:" + vm2Qmp + " (VM 'vm2'); users updated"),
                        reloaded);

                // The operator on the shared port is detached, not dropped; the dedicated port and the QMP client
                // close.
                rootOnVm2.await(
                        "[monmux] VM 'vm2' was removed from the configuration; detached ('.vms' lists the others)\r\n");
                dedicated.await("[monmux] VM 'vm2' was removed from the configuration; disconnecting");
                assertTrue(dedicated.awaitClosed(10_000), "the session on vm2's own port is closed");
                assertTrue(qmp.isClosedByPeer(), "vm2's QMP client is disconnected");
                assertFalse(Files.exists(vm2Qmp), "vm2's QMP socket file is gone");
                assertEquals(
                        "Error: no VM attached; type '.attach NAME' ('.vms' lists them)\r\n" + PROMPT,
                        run(rootOnVm2, "info status"));
                String vms = run(rootOnVm2, ".vms");
                assertTrue(vms.contains(" vm1 ") && vms.contains(" vm3 ") && !vms.contains(" vm2 "), vms);
                mx.awaitUp();
                assertTrue(run(rootOnVm2, ".attach vm3").contains("attached to VM 'vm3'"));
                assertTrue(run(rootOnVm2, "info status").contains("VM status: running"));

                // The same session of vera, now an operator: stop is allowed.
                String stopped = run(vera, "stop");
                assertFalse(stopped.contains("permission denied") || stopped.contains("Error"), stopped);
                assertTrue(run(vera, "info status").contains("VM status: paused"));
                run(vera, "cont");
                assertTrue(run(admin, "info status").contains("VM status: running"));

                // The new listener serves; the old shared one still does.
                try (TelnetTestClient fresh = login(newPort, "vera", "vera-pw")) {
                    assertTrue(run(fresh, ".vms").contains(" vm3 "));
                }

                // A broken file: nothing changes, the error is one line, everyone stays.
                Files.writeString(file, config(dir, vm1, "viewer", "") + "bogus: 1\n");
                String refused = run(admin, ".reload");
                assertTrue(refused.startsWith("Error: configuration not reloaded: " + file + ": line "), refused);
                assertTrue(
                        refused.contains(": line 12, column 1: bogus: unknown key")
                                && refused.split("\r\n").length == 2,
                        refused);
                assertEquals(java.util.List.of("vm1", "vm3"), mx.vmNames());
                assertTrue(run(vera, "stop").contains(PROMPT), "vera is still an operator");
                assertFalse(run(vera, "info status").contains("permission denied"));
                run(vera, "cont");
                assertTrue(run(rootOnVm2, "info status").contains("VM status: running"));

                String metrics = HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
                assertEquals(1.0, HttpGet.sample(metrics, "monmux_config_reloads_total{outcome=\"ok\"}"), metrics);
                assertEquals(1.0, HttpGet.sample(metrics, "monmux_config_reloads_total{outcome=\"fail\"}"), metrics);
                assertEquals(1.0, HttpGet.sample(metrics, "monmux_qmp_link_up{vm=\"vm3\"}"), metrics);
                assertTrue(
                        Double.isNaN(HttpGet.sample(metrics, "monmux_qmp_link_up{vm=\"vm2\"}")),
                        "a removed VM has no link gauge");
                for (TelnetTestClient c : java.util.List.of(vera, rootOnVm2, admin)) {
                    assertFalse(c.isClosed(), "no other client was dropped");
                }
                String audit = Files.readString(dir.resolve("audit.jsonl"));
                assertTrue(audit.contains("\"type\":\"config.reload\",\"ok\":true"), audit);
                assertTrue(audit.contains("\"type\":\"config.reload\",\"ok\":false"), audit);

                // The added listener is removed again: its client is told and closed, nobody else.
                try (TelnetTestClient onAdded = login(newPort, "vera", "vera-pw")) {
                    Files.writeString(file, config(dir, vm1 + vm3, "operator", ""));
                    dev.monmux.Reloader.Result r = mx.reload();
                    assertTrue(r.ok(), r.detail());
                    assertEquals("listeners removed: telnet 127.0.0.1:" + newPort, r.detail());
                    onAdded.await("[monmux] listener telnet:127.0.0.1:" + newPort
                            + " was removed from the configuration; disconnecting");
                    assertTrue(onAdded.awaitClosed(10_000));
                }
                assertTrue(run(vera, "info status").contains("VM status: running"));
                assertTrue(run(admin, ".vms").contains(" vm3 "));
            }
        }
    }
}
