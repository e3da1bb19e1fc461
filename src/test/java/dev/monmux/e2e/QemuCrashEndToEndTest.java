package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.qmp.VmLink;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * QEMU dies with commands in flight while twenty operators are attached: nobody hangs, nobody is
 * dropped, and everything works again once a new QEMU listens on the same socket.
 */
class QemuCrashEndToEndTest {
    private static final int CLIENTS = 20;
    private static final int LINES_EACH = 3;
    private static final String DOWN = "Error: VM 'vm1' is down\r\n";
    private static final String LOST = "Error: connection to VM 'vm1' lost; the command may or may not have run\r\n";

    @Test
    void killNineWithCommandsInFlightAnswersEveryLineAndRecovers() throws Exception {
        QemuProcess qemu = QemuProcess.start(List.of("-S"));
        Path socket = qemu.qmpSocket();
        List<TelnetTestClient> clients = new ArrayList<>();
        try (MonmuxFixture mx = MonmuxFixture.oneVm(
                        "unix:" + socket, "qmp: {reconnectInitial: 50ms, reconnectMax: 300ms}\n")
                .awaitUp()) {
            for (int i = 0; i < CLIENTS; i++) {
                TelnetTestClient c = i % 2 == 0
                        ? TelnetTestClient.raw(mx.telnetPort())
                        : TelnetTestClient.interactive(mx.telnetPort());
                c.await("(qemu) ");
                clients.add(c);
            }
            VmLink link = (VmLink) mx.monmux().vms().get("vm1").orElseThrow().link();

            // A hung QEMU: every line is sent and stays unanswered, then QEMU dies.
            qemu.freeze();
            for (TelnetTestClient c : clients) {
                for (int j = 0; j < LINES_EACH; j++) {
                    c.line("info status");
                }
            }
            // Raw clients (scripts) pipeline their lines; an interactive client's lines wait as
            // type-ahead behind its running command, as at QEMU's own prompt.
            awaitPending(link, CLIENTS / 2 * LINES_EACH + CLIENTS / 2);
            qemu.kill9();

            for (int i = 0; i < CLIENTS; i++) {
                TelnetTestClient c = clients.get(i);
                c.await(LOST);
                String rest = c.await("[monmux] VM 'vm1' is down, reconnecting\r\n");
                int lost = 1 + count(rest, LOST);
                int down = count(rest, DOWN);
                for (int k = lost + down; k < LINES_EACH; k++) {
                    rest += c.await(DOWN);
                }
                assertEquals(
                        LINES_EACH,
                        1 + count(rest, LOST) + count(rest, DOWN),
                        "every line answered once: " + TelnetTestClient.show(rest));
                if (i % 2 == 0) {
                    assertEquals(LINES_EACH, 1 + count(rest, LOST), "raw lines were all in flight");
                }
            }
            for (TelnetTestClient c : clients) {
                c.line("info status");
                c.await(DOWN);
            }

            qemu = QemuProcess.startAt(socket, List.of("-S"));
            for (TelnetTestClient c : clients) {
                c.await("[monmux] VM 'vm1' is up (QEMU 7.2.22)\r\n");
            }
            for (TelnetTestClient c : clients) {
                c.line("info status");
            }
            for (TelnetTestClient c : clients) {
                c.await("VM status: paused (prelaunch)\r\n");
                assertTrue(!c.isClosed(), "every client is still connected");
            }
        } finally {
            for (TelnetTestClient c : clients) {
                c.close();
            }
            qemu.close();
        }
    }

    @Test
    void hungQemuTimesOutCommandsRecyclesTheLinkAndTimesOutTheHandshake() throws Exception {
        try (QemuProcess qemu = QemuProcess.start(List.of("-S"));
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), """
                     qmp: {commandTimeout: 300ms, handshakeTimeout: 400ms, maxConsecutiveTimeouts: 3,
                           reconnectInitial: 50ms, reconnectMax: 200ms}
                     """).awaitUp();
                TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort())) {
            c.await("(qemu) ");
            VmLink link = (VmLink) mx.monmux().vms().get("vm1").orElseThrow().link();
            qemu.freeze();
            for (int j = 0; j < 3; j++) {
                c.line("info status");
            }
            for (int j = 0; j < 3; j++) {
                c.await("Error: no reply from VM 'vm1' to 'query-status' within 300 ms; "
                        + "the command may or may not have run\r\n");
            }
            // Three timeouts in a row: the link is recycled; the frozen QEMU accepts the new
            // connection (the kernel does) but never greets.
            c.await("[monmux] VM 'vm1' is down, reconnecting\r\n");
            long deadline = System.currentTimeMillis() + 10_000;
            while (!String.valueOf(link.lastError()).contains("no QMP handshake")) {
                assertTrue(System.currentTimeMillis() < deadline, "handshake timeout seen: " + link.lastError());
                Thread.sleep(20);
            }
            c.line("info status");
            c.await("Error: VM 'vm1' is down\r\n");

            qemu.thaw();
            c.await("[monmux] VM 'vm1' is up (QEMU 7.2.22)\r\n");
            c.line("info status");
            c.await("VM status: paused (prelaunch)\r\n");
        }
    }

    private static void awaitPending(VmLink link, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        int now;
        while ((now = link.pendingCount().get(5, TimeUnit.SECONDS)) < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("only " + now + " of " + n + " commands reached the link");
            }
            Thread.sleep(10);
        }
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }
}
