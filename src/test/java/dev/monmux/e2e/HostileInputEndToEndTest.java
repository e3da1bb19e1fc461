package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.FakeQmpServer;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.TelnetTestClient;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken input over real sockets: every limit answers with a clear line, the session
 * goes on (answers {@code info status} afterwards), and nobody else notices.
 */
class HostileInputEndToEndTest {
    private static final String STATUS = "VM status: running\r\n(qemu) ";

    private FakeQmpServer vm;
    private MonmuxFixture mx;

    @BeforeEach
    void start() throws Exception {
        vm = new FakeQmpServer(Files.createTempDirectory("monmux-hostile").resolve("qmp.sock"));
        vm.responder((c, req) -> List.of(
                switch (req.path("execute").asText()) {
                    case "query-status" ->
                        FakeQmpServer.okReply(
                                req, "{\"status\": \"running\", \"singlestep\": false, \"running\": true}");
                    default -> FakeQmpServer.okReply(req, "{}");
                }));
        mx = MonmuxFixture.start("""
                listeners:
                  telnet:
                    - {port: 0, mode: raw}
                    - {port: 0, mode: telnet}
                vms: [{name: vm1, qmp: '%s'}]
                limits: {maxClientsPerAddress: 6, idleTimeout: 1s}
                """.formatted(vm.address())).awaitUp();
    }

    @AfterEach
    void stop() throws Exception {
        mx.close();
        vm.close();
    }

    private TelnetTestClient raw() throws Exception {
        TelnetTestClient c = TelnetTestClient.raw(mx.monmux().telnetPort(0));
        c.await("(qemu) ");
        return c;
    }

    private TelnetTestClient telnet() throws Exception {
        TelnetTestClient c = TelnetTestClient.interactive(mx.monmux().telnetPort(1));
        c.await("(qemu) ");
        return c;
    }

    private static void stillAnswers(TelnetTestClient c) throws Exception {
        c.line("info status");
        c.await(STATUS);
    }

    @Test
    void aLineOverTheLimitIsDiscardedWithAnErrorAndTheSessionGoesOn() throws Exception {
        try (TelnetTestClient r = raw();
                TelnetTestClient t = telnet()) {
            r.line("info " + "x".repeat(10_000));
            r.await("line too long (max 4096 bytes)\r\n(qemu) ");
            stillAnswers(r);
            t.line("x".repeat(5_000));
            t.await("line too long (max 4096 bytes)\r\n(qemu) ");
            stillAnswers(t);
        }
    }

    @Test
    void telnetProtocolAbuseDoesNotHurtTheSession() throws Exception {
        try (TelnetTestClient t = telnet()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            // A 100 KB subnegotiation (NAWS with garbage), never-ending option ping-pong, IAC floods.
            b.writeBytes(new byte[] {(byte) 255, (byte) 250, 31});
            b.writeBytes(new byte[100_000]);
            b.writeBytes(new byte[] {(byte) 255, (byte) 240});
            for (int i = 0; i < 20_000; i++) {
                b.writeBytes(new byte[] {(byte) 255, (byte) 241}); // IAC NOP
                b.writeBytes(new byte[] {(byte) 255, (byte) (i % 2 == 0 ? 251 : 252), 1}); // WILL/WONT ECHO
            }
            t.sendBytes(b.toByteArray());
            stillAnswers(t);
        }
    }

    @Test
    void controlBytesNulsAndInvalidUtf8AreHarmless() throws Exception {
        try (TelnetTestClient r = raw();
                TelnetTestClient t = telnet()) {
            byte[] junk = {
                0,
                1,
                2,
                7,
                8,
                27,
                '[',
                '9',
                '9',
                '~',
                (byte) 0xc3,
                (byte) 0x28,
                (byte) 0xff,
                (byte) 0xfe,
                (byte) 0xed,
                (byte) 0xa0,
                (byte) 0x80,
                127,
                '\n'
            };
            r.sendBytes(junk);
            r.await("(qemu) ");
            stillAnswers(r);
            t.sendBytes(junk);
            t.line("");
            stillAnswers(t);
        }
    }

    @Test
    void pathologicalJsonGetsAClearErrorAndNothingIsSent() throws Exception {
        mx.close();
        mx = MonmuxFixture.start("""
                listeners: {telnet: {port: 0, mode: raw}}
                vms: [{name: vm1, qmp: '%s'}]
                limits: {lineBytes: 1000000}
                """.formatted(vm.address())).awaitUp();
        try (TelnetTestClient r = TelnetTestClient.raw(mx.telnetPort())) {
            r.await("(qemu) ");
            r.line("{\"execute\": \"query-status\", \"arguments\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}");
            String deep = r.await("(qemu) ");
            assertEquals("Error: JSON nesting depth limit exceeded\r\n(qemu) ", deep, "QEMU's words for it");
            // a number of 100,000 digits is a double to QEMU (an infinity): read in linear time, and the
            // id is the session's own, so the command runs
            long start = System.nanoTime();
            r.line("{\"execute\": \"query-name\", \"id\": " + "9".repeat(100_000) + "}");
            String big = r.await("(qemu) ");
            assertTrue(big.contains("\"return\": {}"), big);
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "100,000 digits took more than 10 s");
            r.line("{\"execute\": \"query-status\"");
            assertEquals(
                    "Error: the line ends inside a JSON value; type the whole QMP command on one line\r\n(qemu) ",
                    r.await("(qemu) "));
            r.line("{\"execute\": \"query-status\"} {\"execute\": \"query-name\"}");
            assertEquals("Error: one QMP command per line (this line holds 2)\r\n(qemu) ", r.await("(qemu) "));
            r.line("{\"execute\": \"query-status\", \"execute\": \"stop\"}");
            assertEquals(
                    "Error: JSON parse error, duplicate key\r\n(qemu) ",
                    r.await("(qemu) "),
                    "as QEMU: not the last key wins");
            // QEMU's checks of the members, before anything is planned or sent
            r.line("{\"execute\": null, \"exec-oob\": \"query-status\"}");
            assertEquals("Error: QMP input member 'execute' must be a string\r\n(qemu) ", r.await("(qemu) "));
            r.line("{\"execute\": \"query-status\", \"exec-oob\": \"query-name\"}");
            assertEquals("Error: QMP input member 'execute' clashes with 'exec-oob'\r\n(qemu) ", r.await("(qemu) "));
            r.line("{\"execute\": \"query-status\", \"extra\": 1}");
            assertEquals("Error: QMP input member 'extra' is unexpected\r\n(qemu) ", r.await("(qemu) "));
            // QEMU's error may quote what was typed; a control character in it is shown escaped
            r.line("{\"execute\": \"query-name\"} \"abc");
            assertEquals("Error: JSON parse error, stray '\"abc\\x0a'\r\n(qemu) ", r.await("(qemu) "));
            r.line("{'execute': 'query-name', 'id': 'single'}");
            assertTrue(r.await("(qemu) ").contains("\"id\": \"single\""), "single quotes, as QEMU reads them");
            r.line("{\"arguments\": {}}");
            assertEquals(
                    "Error: a QMP command is an object with \"execute\", e.g. {\"execute\": \"query-status\"}\r\n(qemu) ",
                    r.await("(qemu) "));
            stillAnswers(r);
            assertEquals("query-name", vm.nextRequest(1000).path("execute").asText(), "the long id's");
            assertEquals("query-name", vm.nextRequest(1000).path("execute").asText(), "the single-quoted one");
            assertEquals("query-status", vm.nextRequest(1000).path("execute").asText());
            assertEquals(null, vm.nextRequest(200), "none of the broken lines reached QEMU");
        }
    }

    @Test
    void aClientThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        try (TelnetTestClient quiet = TelnetTestClient.raw(mx.monmux().telnetPort(0));
                TelnetTestClient busy = raw()) {
            quiet.await("(qemu) ");
            for (int i = 0; i < 6; i++) {
                Thread.sleep(250);
                stillAnswers(busy);
            }
            quiet.await("[monmux] no input for 1s; closing\r\n", 5_000);
            assertTrue(quiet.awaitClosed(5_000), "the quiet client was closed");
            assertTrue(!busy.isClosed(), "a client that types is not");
            String metrics = dev.monmux.testing.HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
            assertEquals(
                    1.0,
                    dev.monmux.testing.HttpGet.sum(metrics, "monmux_sessions_closed_total{reason=\"idle\""),
                    "closed as idle: " + metrics);
        }
    }

    @Test
    void aConnectionFloodFromOneAddressIsRefusedPastTheLimit() throws Exception {
        List<TelnetTestClient> ok = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                ok.add(raw());
            }
            try (TelnetTestClient refused = TelnetTestClient.raw(mx.monmux().telnetPort(0))) {
                refused.await("monmux: too many clients from 127.0.0.1 (limit 6 per address); try later\r\n");
                assertTrue(refused.awaitClosed(5_000), "the refused client is closed");
            }
            String metrics = dev.monmux.testing.HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
            assertEquals(
                    1.0,
                    dev.monmux.testing.HttpGet.sum(metrics, "monmux_connections_refused_total{listener=\"telnet\""),
                    metrics);
            for (TelnetTestClient c : ok) {
                stillAnswers(c);
            }
            ok.remove(0).close();
            Thread.sleep(200);
            try (TelnetTestClient again = raw()) {
                stillAnswers(again);
            }
        } finally {
            for (TelnetTestClient c : ok) {
                c.close();
            }
        }
    }
}
