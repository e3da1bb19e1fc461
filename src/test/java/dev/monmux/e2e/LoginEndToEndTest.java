package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.HttpGet;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Logging in over telnet and nc against a real QEMU: hidden passwords, scripts, throttling, limits. */
class LoginEndToEndTest {
    private static final String PROMPT = "(qemu) ";
    private static final String USERS = OperatorsEndToEndTest.USERS;

    @Test
    void anInteractiveLoginNeverShowsOrRemembersThePassword() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS).awaitUp();
                TelnetTestClient t = TelnetTestClient.interactive(mx.telnetPort())) {
            assertEquals("login: ", t.await("login: "), "no banner before the login");
            t.line("alice");
            assertEquals("alice\r\nPassword: ", t.await("Password: "), "the name is echoed");
            t.type("alice-pw");
            t.line("");
            String after = t.await(PROMPT);
            assertTrue(after.startsWith("\r\nmonmux "), TelnetTestClient.show(after));
            assertTrue(after.contains("monitor on VM 'vm1'"), after);
            assertFalse(
                    t.all().contains("alice-pw"), "the password was never echoed: " + TelnetTestClient.show(t.all()));
            // Up recalls history: the password is not in it (nor the user name).
            t.type("\033[A");
            t.line("");
            assertEquals("\r\n" + PROMPT, t.await(PROMPT));
            assertEquals("info status\r\nVM status: running\r\n" + PROMPT, OperatorsEndToEndTest.run(t, "info status"));
            // The operator commands complete like the others.
            t.type(".wh\t");
            t.await(".who ");
            t.line("");
            assertTrue(t.await(PROMPT).contains("\r\n*  alice "));
            t.type(".lock f\t");
            t.await(".lock force ");
            t.line("");
            assertTrue(t.await(PROMPT).contains("permission denied: '.lock force' needs role admin on VM 'vm1'"));
        }
    }

    @Test
    void aScriptSendsNamePasswordAndCommandsInOneGo() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS).awaitUp();
                TelnetTestClient nc = TelnetTestClient.raw(mx.telnetPort())) {
            // printf 'otto\notto-pw\ninfo status\nstop\ninfo status\ncont\n' | nc -N 127.0.0.1 4444
            nc.type("otto\notto-pw\ninfo status\nstop\ninfo status\ncont\n");
            nc.shutdownOutput();
            assertTrue(nc.awaitClosed(10_000), "monmux closes once every line is answered");
            String all = nc.all();
            assertTrue(all.startsWith("login: Password: monmux "), TelnetTestClient.show(all));
            assertFalse(all.contains("otto-pw"));
            assertTrue(all.matches("(?s).*VM status: running\r\n\\(qemu\\) .*VM status: paused\r\n\\(qemu\\) .*"), all);
            assertTrue(all.endsWith(PROMPT), TelnetTestClient.show(all));
        }
    }

    @Test
    void failedLoginsAreThrottledAndLimitedPerConnection() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm(
                                "unix:" + qemu.qmpSocket(),
                                USERS + "login: {failureDelay: 400ms, maxFailureDelay: 2s, attempts: 3}\n")
                        .awaitUp()) {
            try (TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort())) {
                c.await("login: ");
                c.line("alice");
                c.await("Password: ");
                c.line("wrong-1");
                assertEquals("Login incorrect\r\nlogin: ", c.await("login: "));
                c.line("alice");
                c.await("Password: ");
                long t0 = System.nanoTime();
                c.line("wrong-2");
                c.await("Login incorrect\r\nlogin: ");
                long secondMs = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(
                        secondMs >= 400,
                        "the second failure was held back at least failureDelay, took " + secondMs + " ms");
                c.line("nobody");
                c.await("Password: ");
                c.line("x");
                String third = c.await("disconnecting\r\n");
                assertTrue(
                        third.matches("too many failed logins; wait [0-9.]+ s\r\nLogin incorrect\r\n"
                                + "too many failed logins; disconnecting\r\n"),
                        TelnetTestClient.show(third));
                assertTrue(c.awaitClosed(5_000));
            }
            // A new connection from the same address is still held back, even with the right password.
            try (TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort())) {
                c.await("login: ");
                c.line("alice");
                c.await("Password: ");
                long t0 = System.nanoTime();
                c.line("alice-pw");
                c.await(PROMPT);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 400, "held back after earlier failures from this address, took " + ms + " ms");
                assertEquals("VM status: running\r\n" + PROMPT, OperatorsEndToEndTest.run(c, "info status"));
            }
        }
    }

    @Test
    void guessesSentAtOnceQueueAndAreToldToWaitWhileTheUserStillGetsInFromElsewhere() throws Exception {
        Path audit = Files.createTempDirectory("monmux-login").resolve("audit.jsonl");
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm(
                                "unix:" + qemu.qmpSocket(),
                                USERS
                                        + "login: {failureDelay: 200ms, maxFailureDelay: 1s, maxUserFailureDelay: 300ms}\n"
                                        + "audit: {path: '" + audit + "'}\n")
                        .awaitUp()) {
            int guesses = 6;
            List<TelnetTestClient> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < guesses; i++) {
                    TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort());
                    attackers.add(c);
                    c.await("login: ");
                }
                long t0 = System.nanoTime();
                for (TelnetTestClient c : attackers) {
                    c.type("root\nguess\n"); // all at once, before any check has failed
                }
                long last = 0;
                int toldToWait = 0;
                int turnedAway = 0;
                for (TelnetTestClient c : attackers) {
                    String out = "";
                    while (!out.contains("Login incorrect\r\n") && !out.contains("; try again later\r\n")) {
                        out += c.await("\r\n", 20_000);
                    }
                    if (out.contains("too many logins are waiting from 127.0.0.1; try again later")) {
                        turnedAway++;
                        continue;
                    }
                    last = Math.max(last, (System.nanoTime() - t0) / 1_000_000);
                    if (out.matches("(?s).*too many failed logins; wait \\d+(\\.\\d)? s\r\n.*")) {
                        toldToWait++;
                    }
                }
                // 0, 0.2, 0.6, 1.4 s: spaced as consecutive guesses would be; the rest turned away
                assertTrue(last >= 1_300, "the guesses were checked one after another, the last after " + last + " ms");
                assertEquals(3, toldToWait, "the waiting guesses were told how long to wait");
                assertEquals(guesses - 4, turnedAway, "more may not wait at once");

                // The real root, from another address, is held back a moment at most.
                try (java.net.Socket s = new java.net.Socket()) {
                    s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", mx.telnetPort()));
                    s.setSoTimeout(10_000);
                    long t1 = System.nanoTime();
                    s.getOutputStream().write("root\nroot-pw\ninfo status\n".getBytes());
                    String got = readUntil(s.getInputStream(), "VM status: running");
                    long ms = (System.nanoTime() - t1) / 1_000_000;
                    assertTrue(ms < 2_000, "in after " + ms + " ms: " + got);
                }
            } finally {
                for (TelnetTestClient c : attackers) {
                    c.close();
                }
            }
            String metrics = HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
            assertTrue(HttpGet.sample(metrics, "monmux_login_delays_total") >= 3, metrics);
        }
        String log = Files.readString(audit);
        assertTrue(log.contains("\"type\":\"login.delay\""), log);
        assertFalse(log.contains("guess"), "passwords are never recorded");
    }

    @Test
    void aFloodOfAbandonedGuessesDoesNotLockTheAddressOut() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm(
                                "unix:" + qemu.qmpSocket(),
                                USERS + "login: {failureDelay: 500ms, maxFailureDelay: 30s}\n")
                        .awaitUp()) {
            for (int i = 0; i < 60; i++) { // each sends a guess and leaves before its turn
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", mx.telnetPort())) {
                    s.getOutputStream().write(("root\nguess" + i + "\n").getBytes());
                    Thread.sleep(10);
                }
            }
            // Only a few of them could wait for a turn (the rest were turned away, uncounted): once
            // those are checked, the address is held back by seconds, not by hours.
            long t0 = System.nanoTime();
            String got = "";
            for (int tries = 0; tries < 30 && !got.contains(PROMPT); tries++) {
                try (TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort())) {
                    c.await("login: ");
                    c.line("root");
                    c.await("Password: ");
                    c.line("root-pw");
                    got = "";
                    while (!got.contains(PROMPT) && !got.contains("try again later")) {
                        got += c.await("\n", 20_000);
                        if (got.contains("monmux ")) {
                            got += c.await(PROMPT, 20_000);
                        }
                    }
                }
                if (!got.contains(PROMPT)) {
                    Thread.sleep(1000);
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(got.contains(PROMPT), TelnetTestClient.show(got));
            assertTrue(ms < 20_000, "root got in after " + ms + " ms");
        }
    }

    @Test
    void whatIsTypedAtTheLoginPromptIsRecordedOnlyWhenItNamesAUser() throws Exception {
        Path audit = Files.createTempDirectory("monmux-login").resolve("audit.jsonl");
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm(
                                "unix:" + qemu.qmpSocket(), USERS + "audit: {path: '" + audit + "'}\n")
                        .awaitUp();
                TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort())) {
            c.await("login: ");
            c.line("Tr0ub4dor&3"); // the password, typed one prompt too early
            c.await("Password: ");
            c.line("alice");
            c.await("login: ");
            c.line("alice");
            c.await("Password: ");
            c.line("wrong");
            c.await("login: ");
        }
        String log = Files.readString(audit);
        assertFalse(log.contains("Tr0ub4dor"), log);
        assertTrue(log.contains("\"type\":\"login.fail\",\"user\":\"unknown\""), log);
        assertTrue(log.contains("\"type\":\"login.fail\",\"user\":\"alice\""), log);
    }

    private static String readUntil(java.io.InputStream in, String marker) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (!sb.toString().contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            sb.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    @Test
    void aLoginMustFinishInTime() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS + "login: {timeout: 1s}\n")
                        .awaitUp();
                TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort())) {
            c.await("login: ");
            c.line("alice");
            c.await("Password: ");
            assertEquals("\r\nlogin timed out after 1s; disconnecting\r\n", c.await("disconnecting\r\n"));
            assertTrue(c.awaitClosed(5_000));
        }
    }
}
