package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;

/** Logging in over telnet and nc against a real QEMU: hidden passwords, scripts, throttling, limits. */
class LoginEndToEndTest {
    private static final String PROMPT = "(qemu) ";
    private static final String USERS = OperatorsEndToEndTest.USERS;

    @Test
    void anInteractiveLoginNeverShowsOrRemembersThePassword() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
             MonmuxFixture mx = MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS).awaitUp();
             TelnetTestClient t = TelnetTestClient.interactive(mx.telnetPort())) {
            assertEquals("login: ", t.await("login: "), "no banner before the login");
            t.line("alice");
            assertEquals("alice\r\nPassword: ", t.await("Password: "), "the name is echoed");
            t.type("alice-pw");
            t.line("");
            String after = t.await(PROMPT);
            assertTrue(after.startsWith("\r\nmonmux "), TelnetTestClient.show(after));
            assertTrue(after.contains("monitor on VM 'vm1'"), after);
            assertFalse(t.all().contains("alice-pw"), "the password was never echoed: " + TelnetTestClient.show(t.all()));
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
             MonmuxFixture mx = MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS).awaitUp();
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
             MonmuxFixture mx = MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS
                     + "login: {failureDelay: 400ms, maxFailureDelay: 2s, attempts: 3}\n").awaitUp()) {
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
                assertTrue(secondMs >= 400, "the second failure was held back at least failureDelay, took " + secondMs + " ms");
                c.line("nobody");
                c.await("Password: ");
                c.line("x");
                assertEquals("Login incorrect\r\ntoo many failed logins; disconnecting\r\n",
                        c.await("disconnecting\r\n"));
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
    void aLoginMustFinishInTime() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
             MonmuxFixture mx = MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS
                     + "login: {timeout: 1s}\n").awaitUp();
             TelnetTestClient c = TelnetTestClient.raw(mx.telnetPort())) {
            c.await("login: ");
            c.line("alice");
            c.await("Password: ");
            assertEquals("\r\nlogin timed out after 1s; disconnecting\r\n", c.await("disconnecting\r\n"));
            assertTrue(c.awaitClosed(5_000));
        }
    }
}
