package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** QMP clients and telnet operators sharing one real QEMU through monmux's QMP front end. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QmpFrontEndQemuTest {
    private static final String CAPS = "{\"execute\": \"qmp_capabilities\"}\n";

    private static String config(Path qmpSocket, Path frontSocket) {
        return "vms:\n  - name: vm1\n    qmp: 'unix:" + qmpSocket + "'\n    qmpListen:\n"
                + "      - {unix: '" + frontSocket + "', mode: '0660', role: admin}\n"
                + "      - {tcp: '127.0.0.1:0', role: operator}\n";
    }

    @Test
    void twoQmpClientsAndATelnetClientShareOneQemu() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                QmpLineClient direct = QmpLineClient.unix(qemu.qmpSocket())) {
            // QEMU serves one client: take its greeting now, then hand the socket to monmux.
            String qemuGreeting = direct.readLine();
            direct.close();
            Path front = qemu.dir().resolve("front.qmp");
            try (MonmuxFixture mx = MonmuxFixture.start(
                                    "listeners: {telnet: {port: 0}}\n" + config(qemu.qmpSocket(), front))
                            .awaitUp();
                    QmpLineClient a = QmpLineClient.unix(front);
                    QmpLineClient b = QmpLineClient.tcp(
                            mx.monmux().qmpListeners().bound().get(1).port());
                    TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
                assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(front)));
                assertEquals(qemuGreeting, a.readLine(), "the greeting is QEMU's, byte for byte");
                assertEquals(qemuGreeting, b.readLine());
                t.await("(qemu) ");
                a.send(CAPS);
                b.send(CAPS);
                assertEquals("{\"return\": {}}\r", a.readLine());
                assertEquals("{\"return\": {}}\r", b.readLine());

                // Both clients use "id": 1 for everything, pipelined and interleaved.
                StringBuilder as = new StringBuilder();
                StringBuilder bs = new StringBuilder();
                for (int i = 0; i < 40; i++) {
                    as.append("{\"execute\": \"query-status\", \"id\": 1}");
                    bs.append(
                            "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info version\"}, \"id\": 1}");
                    if (i % 2 == 0) {
                        as.append("{\"execute\": \"query-name\", \"id\": 1}\n");
                        bs.append("{\"execute\": \"no-such-command\", \"id\": 1}\n");
                    }
                }
                a.send(as.toString());
                b.send(bs.toString());
                List<String> ar = a.readLines(60);
                List<String> br = b.readLines(60);
                List<String> wantA = new ArrayList<>();
                List<String> wantB = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    wantA.add(
                            "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": 1}\r");
                    wantB.add("{\"return\": \"7.2.22Debian 1:7.2+dfsg-7+deb12u18+b3\\r\\n\", \"id\": 1}\r");
                    if (i % 2 == 0) {
                        wantA.add("{\"return\": {}, \"id\": 1}\r");
                        wantB.add(
                                "{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command no-such-command has not been found\"}}\r");
                    }
                }
                assertEquals(wantA, ar);
                assertEquals(wantB, br);

                // stop from A: STOP reaches A (before its reply, as from QEMU), B and the telnet operator.
                a.send("{\"execute\": \"stop\", \"id\": \"halt\"}\n");
                List<String> aStop = a.readLines(2);
                assertTrue(
                        aStop.get(0)
                                .matches(
                                        "\\{\"timestamp\": \\{\"seconds\": \\d+, \"microseconds\": \\d+}, \"event\": \"STOP\"}\r"),
                        aStop.toString());
                assertEquals("{\"return\": {}, \"id\": \"halt\"}\r", aStop.get(1));
                assertEquals(aStop.get(0), b.readLine(), "the same event, timestamp included");
                // The telnet operator is told who stopped the VM, then sees the event.
                assertTrue(t.await("event STOP").contains("[qmp@unix] stop (QMP)\r\n"));
                b.send("{\"execute\": \"query-status\"}\n");
                assertEquals(
                        "{\"return\": {\"status\": \"paused\", \"singlestep\": false, \"running\": false}}\r",
                        b.readLine());
                t.line("cont");
                assertTrue(a.readLine().contains("\"event\": \"RESUME\""));
                assertTrue(b.readLine().contains("\"event\": \"RESUME\""));

                // A script on TCP: send, half-close, read the answers, see the end (on a unix
                // socket: aUnixClientThatHalfClosesGetsEveryAnswerAsFromQemu).
                {
                    try (QmpLineClient script = QmpLineClient.tcp(
                            mx.monmux().qmpListeners().bound().get(1).port())) {
                        script.send(CAPS + "{\"execute\": \"query-status\"}\n");
                        script.shutdownOutput();
                        assertEquals(
                                List.of(
                                        qemuGreeting,
                                        "{\"return\": {}}\r",
                                        "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}}\r"),
                                script.readLines(3));
                        assertTrue(script.isClosedByPeer());
                    }
                }
            }
            assertFalse(Files.exists(front), "the socket file is deleted at close");
        }
    }

    /**
     * A script on a unix socket that sends its requests and half-closes ({@code printf ... |
     * socat - UNIX-CONNECT:...}) gets every answer, then the end, byte for byte as from QEMU's own
     * socket. (With Netty's NIO unix channel the second of two requests got no answer.)
     */
    @Test
    void aUnixClientThatHalfClosesGetsEveryAnswerAsFromQemu() throws Exception {
        try (QemuProcess qemu = QemuProcess.startWithDirectMonitor(dev.monmux.testing.QemuBuild.v72(), List.of())) {
            Path front = qemu.dir().resolve("half.qmp");
            try (MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\n"
                            + "vms:\n  - name: vm1\n    qmp: 'unix:" + qemu.qmpSocket() + "'\n"
                            + "    qmpListen: {unix: '" + front + "', role: admin}\n")
                    .awaitUp()) {
                String script = CAPS + "{\"execute\": \"query-status\"}\n{\"execute\": \"query-name\", \"id\": 2}\n"
                        + "{\"execute\": \"query-kvm\"}\n";
                List<List<String>> got = new ArrayList<>();
                for (Path socket : List.of(qemu.directSocket(), front)) {
                    try (QmpLineClient c = QmpLineClient.unix(socket)) {
                        c.readLine(); // the greeting (QEMU's own on both)
                        c.send(script);
                        c.shutdownOutput();
                        got.add(c.readLines(4));
                        assertTrue(c.isClosedByPeer(), "closed after the answers: " + socket);
                    }
                }
                assertEquals(4, got.get(0).size());
                assertEquals(got.get(0), got.get(1), "QEMU's socket, then monmux's");
            }
        }
    }

    /**
     * QEMU always sends STOP before the reply to stop (and RESUME before the reply to cont); a
     * reply completing on the client's thread used to overtake its event now and then (1 in 20).
     */
    @Test
    void eventsKeepTheirPlaceBeforeTheReplyEveryTime() throws Exception {
        try (QemuProcess qemu = QemuProcess.start()) {
            Path front = qemu.dir().resolve("order.qmp");
            try (MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\n"
                                    + "vms:\n  - name: vm1\n    qmp: 'unix:" + qemu.qmpSocket() + "'\n"
                                    + "    qmpListen: {unix: '" + front + "', role: admin}\n")
                            .awaitUp();
                    QmpLineClient a = QmpLineClient.unix(front)) {
                a.readLine();
                a.send(CAPS);
                a.readLine();
                for (int i = 0; i < 100; i++) {
                    String cmd = i % 2 == 0 ? "stop" : "cont";
                    a.send("{\"execute\": \"" + cmd + "\", \"id\": " + i + "}\n");
                    List<String> two = a.readLines(2);
                    assertTrue(
                            two.get(0).contains("\"event\": \"" + (i % 2 == 0 ? "STOP" : "RESUME") + "\""),
                            "round " + i + ": " + two);
                    assertEquals("{\"return\": {}, \"id\": " + i + "}\r", two.get(1));
                }
            }
        }
    }

    @Test
    void aStaleSocketFileIsReplacedAndClientsAreDisconnectedWhenQemuGoesAway() throws Exception {
        try (QemuProcess qemu = QemuProcess.start()) {
            Path front = qemu.dir().resolve("stale.qmp");
            // A socket file left behind by a process that died.
            try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.bind(java.net.UnixDomainSocketAddress.of(front));
            }
            assertTrue(Files.exists(front));
            try (MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\n"
                                    + "vms:\n  - name: vm1\n    qmp: 'unix:" + qemu.qmpSocket() + "'\n"
                                    + "    qmpListen: {unix: '" + front + "', role: viewer}\n")
                            .awaitUp();
                    QmpLineClient a = QmpLineClient.unix(front)) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(front)));
                assertTrue(a.readLine().startsWith("{\"QMP\": "));
                a.send(CAPS);
                assertEquals("{\"return\": {}}\r", a.readLine());
                qemu.kill9();
                assertTrue(
                        a.isClosedByPeer(), "QEMU went away: the client's connection ends, as with QEMU's own socket");
            }
        }
    }
}
