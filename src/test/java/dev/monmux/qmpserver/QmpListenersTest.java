package dev.monmux.qmpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QmpLineClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QMP listeners over real sockets, with a VM that is not there (no QEMU needed). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QmpListenersTest {
    @TempDir
    Path dir;

    private String config(Path socket) {
        return "listeners: {telnet: {port: 0}}\nqmp: {handshakeTimeout: 300ms}\nvms:\n  - name: vm1\n"
                + "    qmp: 'unix:" + dir.resolve("no-qemu.sock") + "'\n"
                + "    qmpListen: {unix: '" + socket + "', role: viewer}\n";
    }

    @Test
    void aSocketInUseByARunningMonmuxIsNotTakenOver() throws Exception {
        Path socket = dir.resolve("vm1.qmp");
        try (MonmuxFixture first = MonmuxFixture.start(config(socket))) {
            String e = assertThrows(IllegalStateException.class, () -> MonmuxFixture.start(config(socket)))
                    .getMessage();
            assertEquals(
                    "VM 'vm1': cannot listen for QMP on unix:" + socket + ": " + socket
                            + " is in use by another process",
                    e);
            assertTrue(Files.exists(socket), "the running monmux keeps its socket");
        }
        assertFalse(Files.exists(socket));
    }

    @Test
    void aFileThatIsNotASocketIsNeverRemoved() throws Exception {
        Path file = dir.resolve("precious.txt");
        Files.writeString(file, "data");
        String e = assertThrows(IllegalStateException.class, () -> MonmuxFixture.start(config(file)))
                .getMessage();
        assertTrue(e.endsWith(file + " exists and is not a socket"), e);
        assertEquals("data", Files.readString(file));
    }

    @Test
    void aClientOfAVmThatIsDownIsClosedAtOnceWithoutAGreeting() throws Exception {
        Path socket = dir.resolve("vm1.qmp");
        // a long handshake timeout: the client must not be kept waiting for it
        try (MonmuxFixture mx = MonmuxFixture.start(
                        config(socket).replace("handshakeTimeout: 300ms", "handshakeTimeout: 60s"));
                QmpLineClient c = QmpLineClient.unix(socket)) {
            long start = System.nanoTime();
            assertEquals(null, c.readLine(), "closed, nothing sent: there is no QEMU to greet for");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 20_000, "closed after " + ms + " ms: it waited for the 60 s handshake timeout");
        }
    }

    @Test
    void aClientArrivingWhileTheLinkWaitsOutItsBackoffMakesItTryAtOnce() throws Exception {
        Path socket = dir.resolve("vm1.qmp");
        Path qemuSocket = dir.resolve("no-qemu.sock");
        // a backoff of a minute: the client must not wait for it
        try (MonmuxFixture mx = MonmuxFixture.start(config(socket)
                .replace(
                        "qmp: {handshakeTimeout: 300ms}",
                        "qmp: {handshakeTimeout: 20s, reconnectInitial: 60s, reconnectMax: 60s}"))) {
            var link = mx.monmux().vms().all().iterator().next().link();
            for (int i = 0; i < 500 && !String.valueOf(link.lastError()).startsWith("cannot connect"); i++) {
                Thread.sleep(10);
            }
            assertTrue(String.valueOf(link.lastError()).startsWith("cannot connect"), String.valueOf(link.lastError()));
            try (dev.monmux.testing.FakeQmpServer qemu = new dev.monmux.testing.FakeQmpServer(qemuSocket);
                    QmpLineClient c = QmpLineClient.unix(socket)) {
                long start = System.nanoTime();
                assertEquals(
                        dev.monmux.testing.FakeQmpServer.GREETING.strip(),
                        c.readLine().strip(),
                        "QEMU's greeting, without waiting out the backoff");
                assertTrue(System.nanoTime() - start < 20_000_000_000L);
            }
        }
    }
}
