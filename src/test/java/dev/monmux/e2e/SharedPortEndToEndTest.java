package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.FakeQmpServer;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A shared port serving several VMs, dedicated ports, and VMs that go away and come back. */
class SharedPortEndToEndTest {

    @Test
    void sharedPortListsVmsAndAttachesByName() throws Exception {
        Path dir = Files.createTempDirectory("monmux-e2e");
        try (QemuProcess qemu = QemuProcess.start(List.of("-S"));
                FakeQmpServer fake = new FakeQmpServer(dir.resolve("b.sock"));
                MonmuxFixture mx = MonmuxFixture.start("""
                     listeners: {telnet: {port: 0, mode: raw}}
                     vms:
                       - {name: alpha, qmp: 'unix:%s'}
                       - {name: beta, qmp: 'unix:%s', telnet: {port: 0, mode: raw}}
                     """.formatted(qemu.qmpSocket(), fake.path()))
                        .awaitUp();
                TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
            String banner = t.await("(qemu) ");
            assertTrue(banner.contains("VMs: alpha, beta - type '.attach NAME' to pick one"), banner);
            t.line("info status");
            assertEquals(
                    "Error: no VM attached; type '.attach NAME' ('.vms' lists them)\r\n(qemu) ", t.await("(qemu) "));
            t.line(".vms");
            String vms = t.await("(qemu) ");
            assertTrue(vms.matches("(?s).*alpha +up +7\\.2\\.22 +0 +unix:.*beta +up +7\\.2\\.22 +0 +unix:.*"), vms);
            t.line(".attach gamma");
            assertEquals("Error: no VM named 'gamma' ('.vms' lists them)\r\n(qemu) ", t.await("(qemu) "));
            t.line(".attach alpha");
            assertEquals("attached to VM 'alpha' (QEMU 7.2.22)\r\n(qemu) ", t.await("(qemu) "));
            t.line("info status");
            assertEquals("VM status: paused (prelaunch)\r\n(qemu) ", t.await("(qemu) "));
            t.line(".vms");
            assertTrue(t.await("(qemu) ").contains("*  alpha "), "the attached VM is marked");
            t.line(".frobnicate");
            assertEquals("Error: unknown monmux command '.frobnicate' (type '.help')\r\n(qemu) ", t.await("(qemu) "));
            t.line(".help");
            assertTrue(t.await("(qemu) ").contains(".attach NAME"));

            // The dedicated port of beta attaches at once.
            try (TelnetTestClient d = TelnetTestClient.raw(mx.monmux().telnetPort(1))) {
                assertTrue(d.await("(qemu) ").contains("monitor on VM 'beta'"));
                d.line("{\"execute\": \"query-status\"}");
                assertTrue(d.await("(qemu) ").contains("\"return\": {}"));
                assertEquals(
                        "query-status", fake.nextRequest(1000).path("execute").asText());
            }
        }
    }

    @Test
    void qemuKilledAndRestartedOnTheSameSocket() throws Exception {
        QemuProcess qemu = QemuProcess.start(List.of("-S"));
        Path socket = qemu.qmpSocket();
        try (MonmuxFixture mx = MonmuxFixture.oneVm(
                                "unix:" + socket, "qmp: {reconnectInitial: 50ms, reconnectMax: 200ms}\n")
                        .awaitUp();
                TelnetTestClient a = TelnetTestClient.raw(mx.telnetPort());
                TelnetTestClient b = TelnetTestClient.interactive(mx.telnetPort())) {
            a.await("(qemu) ");
            b.await("(qemu) ");
            qemu.kill9();
            assertTrue(a.await("[monmux] VM 'vm1' is down, reconnecting\r\n").endsWith("reconnecting\r\n"));
            b.await("[monmux] VM 'vm1' is down, reconnecting\r\n(qemu) ");
            a.line("info status");
            assertEquals("Error: VM 'vm1' is down\r\n(qemu) ", a.await("(qemu) "));
            qemu = QemuProcess.startAt(socket, List.of("-S"));
            a.await("[monmux] VM 'vm1' is up (QEMU 7.2.22)\r\n");
            b.await("[monmux] VM 'vm1' is up (QEMU 7.2.22)\r\n(qemu) ");
            b.line("info status");
            assertTrue(b.await("(qemu) ").contains("VM status: paused (prelaunch)"));
        } finally {
            qemu.close();
        }
    }
}
