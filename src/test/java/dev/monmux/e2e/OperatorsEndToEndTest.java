package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Users, roles, locks, notices and messages between operators sharing one real QEMU. */
class OperatorsEndToEndTest {
    private static final String PROMPT = "(qemu) ";

    /** Cheap hashes for tests (the iteration count is part of the hash). */
    private static String hash(String pw) {
        return PasswordHash.create(pw.toCharArray(), 1000).encoded();
    }

    static final String USERS = "users:\n"
            + "  - {name: vera, password: '" + hash("vera-pw") + "', role: viewer}\n"
            + "  - {name: alice, password: '" + hash("alice-pw") + "', role: operator, vms: ['vm*']}\n"
            + "  - {name: otto, password: '" + hash("otto-pw") + "', role: operator, vms: [vm1]}\n"
            + "  - {name: root, password: '" + hash("root-pw") + "', role: admin}\n"
            + "  - {name: dave, password: '" + hash("dave-pw") + "', role: admin, vms: ['db-*']}\n";

    static TelnetTestClient login(MonmuxFixture mx, boolean interactive, String user, String pw) throws Exception {
        return TelnetTestClient.loggedIn(mx.telnetPort(), interactive, user, pw);
    }

    /** Sends a line and returns what came back up to the next prompt (the echo included, if any). */
    static String run(TelnetTestClient c, String line) throws Exception {
        c.line(line);
        return c.await(PROMPT);
    }

    /**
     * Runs a command on an interactive client and waits for its event, which QEMU may send just
     * before or just after the reply (then it is drawn above a redrawn prompt).
     */
    static void runUntilEvent(TelnetTestClient c, String line, String event) throws Exception {
        String out = run(c, line);
        assertFalse(out.contains("permission denied") || out.contains("locked by"), out);
        if (!out.contains("event " + event)) {
            c.await("event " + event);
            c.await(PROMPT);
        }
    }

    /** Raw clients get notices and events in between their answers; the answer is what ends the text. */
    static void assertEndsWith(String expected, String actual) {
        assertTrue(
                actual.endsWith(expected),
                "expected to end with " + TelnetTestClient.show(expected) + ": " + TelnetTestClient.show(actual));
    }

    @Test
    void aViewerCannotStopOrQuitTheVmByAnySpelling() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS).awaitUp();
                TelnetTestClient vera = login(mx, false, "vera", "vera-pw");
                TelnetTestClient veraTty = login(mx, true, "vera", "vera-pw");
                TelnetTestClient root = login(mx, false, "root", "root-pw")) {
            assertEquals("VM status: running\r\n" + PROMPT, run(vera, "info status"), "queries are open to viewers");

            String needsOperator = "permission denied: 'stop' needs role operator on VM 'vm1'\r\n" + PROMPT;
            String needsAdmin = "permission denied: 'quit' needs role admin on VM 'vm1': it stops QEMU\r\n" + PROMPT;
            assertEquals(needsOperator, run(vera, "stop"));
            assertEquals(needsOperator, run(vera, "s"));
            assertEquals(needsOperator, run(vera, "   stop   "));
            assertEquals(needsOperator, run(vera, "\tstop\t"));
            assertEquals(needsAdmin, run(vera, "quit"));
            assertEquals(needsAdmin, run(vera, "q"));
            assertEquals(needsAdmin, run(vera, " q "));
            // QEMU's command names are case-sensitive: STOP is no command, answered as QEMU answers it.
            assertEquals("unknown command: 'STOP'\r\n" + PROMPT, run(vera, "STOP"));
            assertEquals(
                    "permission denied: 'system_reset' needs role operator on VM 'vm1'\r\n" + PROMPT,
                    run(vera, "system_reset"));

            // Raw QMP: judged by the QMP command, and human-monitor-command by the HMP line inside it.
            assertEquals(needsOperator, run(vera, "{\"execute\": \"stop\"}"));
            assertEquals(needsAdmin, run(vera, "{\"execute\":\"quit\"}"));
            assertEquals(
                    "permission denied: 'stop' needs role operator on VM 'vm1'\r\n" + PROMPT,
                    run(vera, "{\"exec-oob\": \"stop\"}"));
            for (String inner : List.of("quit", "q", " q", "stop", "s", "system_reset")) {
                String out = run(
                        vera,
                        "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"" + inner
                                + "\"}}");
                assertTrue(
                        out.startsWith("permission denied: 'human-monitor-command' needs role "), inner + ": " + out);
            }
            assertTrue(
                    run(
                                    vera,
                                    "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
                                            + "\"info status\"}}")
                            .contains("VM status: running"),
                    "an inner query is fine");
            assertTrue(run(vera, "{\"execute\": \"query-status\"}").contains("\"running\": true"));

            // The interactive terminal too (no confirmation question for a refused command).
            assertTrue(run(veraTty, "q").endsWith("q\r\n" + needsAdmin));
            assertTrue(run(veraTty, "stop").endsWith("stop\r\n" + needsOperator));

            // The VM never stopped: ask as an admin through the same monmux.
            assertEquals("VM status: running\r\n" + PROMPT, run(root, "info status"));
            // raw QMP is printed as qmp-shell -p prints it (Python's json.dumps(reply, indent=4, sort_keys=True))
            assertEquals(
                    "{\r\n    \"return\": {\r\n        \"running\": true,\r\n        \"singlestep\": false,\r\n"
                            + "        \"status\": \"running\"\r\n    }\r\n}\r\n" + PROMPT,
                    run(root, "{\"execute\": \"query-status\"}"));
            assertFalse(root.all().contains("event STOP"), "no STOP event reached anyone");
            assertTrue(qemu.isAlive());
        }
    }

    @Test
    void operatorsShareTheVmWithNoticesLocksAndMessages() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS).awaitUp();
                TelnetTestClient alice = login(mx, true, "alice", "alice-pw");
                TelnetTestClient otto = login(mx, false, "otto", "otto-pw");
                TelnetTestClient vera = login(mx, false, "vera", "vera-pw");
                TelnetTestClient root = login(mx, false, "root", "root-pw")) {
            // An operator stops the VM; the others see who did it, like an event; the actor does not.
            runUntilEvent(alice, "stop", "STOP");
            otto.await("[alice@127.0.0.1] stop\r\n");
            vera.await("[alice@127.0.0.1] stop\r\n");
            root.await("[alice@127.0.0.1] stop\r\n");
            otto.await("event STOP\r\n");
            assertEndsWith("VM status: paused\r\n" + PROMPT, run(otto, "info status"));
            if (!run(otto, "cont").contains("event RESUME")) {
                otto.await("event RESUME\r\n"); // the event may follow the prompt
            }
            alice.await("[otto@127.0.0.1] cont\r\n" + PROMPT); // interactive: the prompt is redrawn below
            alice.await("event RESUME\r\n" + PROMPT); // interactive: the prompt is redrawn below
            vera.await("event RESUME\r\n");
            assertFalse(otto.all().contains("[otto@"), "the actor gets no notice of its own command");
            assertFalse(alice.all().contains("[alice@"));
            // Raw QMP is announced by command name (its arguments may hold secrets).
            assertTrue(run(otto, "{\"execute\": \"stop\"}").contains("\"return\""));
            alice.await("[otto@127.0.0.1] stop (QMP)\r\n" + PROMPT);
            alice.await("event STOP\r\n" + PROMPT);
            assertTrue(run(otto, "{\"execute\": \"cont\"}").contains("\"return\""));
            alice.await("[otto@127.0.0.1] cont (QMP)\r\n" + PROMPT);
            alice.await("event RESUME\r\n" + PROMPT);
            // Queries are not announced.
            run(vera, "info status");
            assertFalse(alice.all().contains("[vera@"));

            // .who: everyone on the VM, with role and idle time; * marks the caller.
            String who = run(vera, ".who");
            assertTrue(who.matches("(?s)   USER +ADDRESS +ROLE +SINCE +IDLE +LOCK\r\n.*"), who);
            assertTrue(
                    who.matches(
                            "(?s).*\r\n {3}alice +127\\.0\\.0\\.1:\\d+ +operator +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d+s\r\n.*"),
                    who);
            assertTrue(who.matches("(?s).*\r\n\\* +vera +127\\.0\\.0\\.1:\\d+ +viewer .*"), who);
            assertTrue(who.contains(" otto ") && who.contains(" root ") && who.contains(" admin "), who);
            String[] rows = who.substring(0, who.indexOf("\r\n" + PROMPT)).split("\r\n");
            assertEquals(5, rows.length, who);
            for (int r = 0; r < rows.length; r++) {
                String row = rows[r];
                assertEquals(
                        rows[0].indexOf("ADDRESS"),
                        row.indexOf(r == 0 ? "ADDRESS" : "127.0.0.1"),
                        "columns line up: " + who);
                java.util.regex.Matcher since = java.util.regex.Pattern.compile("SINCE|\\d{4}-\\d\\d-\\d\\d")
                        .matcher(row);
                assertTrue(since.find(), row);
                assertEquals(rows[0].indexOf("SINCE"), since.start(), who);
            }

            // .lock: exclusive control; others' control commands are refused, their queries are not.
            assertEndsWith(
                    "permission denied: '.lock' needs role operator on VM 'vm1'\r\n" + PROMPT, run(vera, ".lock"));
            assertTrue(run(alice, ".lock")
                    .contains("VM 'vm1' locked: others can only run queries until you '.unlock' or leave"));
            otto.await("[monmux] alice@127.0.0.1 locked VM 'vm1'; only queries are allowed for others\r\n");
            String refused = run(otto, "stop");
            assertTrue(
                    refused.matches(
                            "(?s).*VM 'vm1' is locked by alice@127\\.0\\.0\\.1 since \\d\\d:\\d\\d:\\d\\d; only queries are allowed\r\n\\(qemu\\) "),
                    refused);
            assertEndsWith("VM status: running\r\n" + PROMPT, run(otto, "info status"));
            assertTrue(run(otto, ".who").matches("(?s).*alice .* lock\r\n.*"));
            assertEndsWith("Error: VM 'vm1' is already locked by alice@127.0.0.1\r\n" + PROMPT, run(otto, ".lock"));
            assertEndsWith(
                    "permission denied: '.lock force' needs role admin on VM 'vm1'\r\n" + PROMPT,
                    run(otto, ".lock force"));
            assertEndsWith(
                    "Error: VM 'vm1' is locked by alice@127.0.0.1, not by you\r\n" + PROMPT, run(otto, ".unlock"));
            runUntilEvent(alice, "stop", "STOP"); // the holder keeps control
            runUntilEvent(alice, "cont", "RESUME");

            // An admin forces the lock; the former holder is now the one refused.
            assertEndsWith(
                    "Error: VM 'vm1' is already locked by alice@127.0.0.1; '.lock force' takes it over\r\n" + PROMPT,
                    run(root, ".lock"));
            assertEndsWith("lock of VM 'vm1' taken over from alice@127.0.0.1\r\n" + PROMPT, run(root, ".lock force"));
            alice.await(
                    "[monmux] root@127.0.0.1 took over the lock of VM 'vm1' from alice@127.0.0.1; only queries are allowed for others\r\n"
                            + PROMPT); // interactive: the prompt is redrawn below
            assertTrue(run(alice, "stop").contains("is locked by root@127.0.0.1"));
            assertEndsWith("VM 'vm1' unlocked\r\n" + PROMPT, run(root, ".unlock"));
            otto.await("[monmux] root@127.0.0.1 unlocked VM 'vm1'\r\n");
            assertEndsWith("Error: VM 'vm1' is not locked\r\n" + PROMPT, run(root, ".unlock"));

            // .say reaches the others on the VM.
            assertEndsWith("said to 3 other operators on VM 'vm1'\r\n" + PROMPT, run(otto, ".say back in 5 minutes"));
            alice.await(
                    "[otto@127.0.0.1 says] back in 5 minutes\r\n" + PROMPT); // interactive: the prompt is redrawn below
            vera.await("[otto@127.0.0.1 says] back in 5 minutes\r\n");
            root.await("[otto@127.0.0.1 says] back in 5 minutes\r\n");
            assertEndsWith("Error: usage: .say TEXT\r\n" + PROMPT, run(otto, ".say"));

            // A lock ends when its holder leaves.
            run(otto, ".lock");
            otto.close();
            alice.await("[monmux] otto@127.0.0.1 left; VM 'vm1' is unlocked\r\n"
                    + PROMPT); // interactive: the prompt is redrawn below
            runUntilEvent(alice, "stop", "STOP");
            runUntilEvent(alice, "cont", "RESUME");
            assertTrue(qemu.isAlive());
        }
    }

    @Test
    void grantsLimitWhichVmsAUserSees() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\n"
                        + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "', telnet: {port: 0}}\n"
                        + "  - {name: db-1, qmp: 'unix:" + qemu.dir().resolve("none.sock") + "'}\n" + USERS)) {
            TelnetTestClient dave = TelnetTestClient.raw(mx.telnetPort());
            dave.await("login: ");
            dave.line("dave");
            dave.await("Password: ");
            dave.line("dave-pw");
            String banner = dave.await(PROMPT);
            // Granted exactly one VM: attached to it at login (it is down here).
            assertTrue(banner.contains("monitor on VM 'db-1' (VM is down, reconnecting)"), banner);
            assertEquals("Error: no VM named 'vm1' ('.vms' lists them)\r\n" + PROMPT, run(dave, ".attach vm1"));
            String vms = run(dave, ".vms");
            assertTrue(vms.contains("db-1") && !vms.contains("vm1"), vms);
            assertTrue(vms.contains("unix:" + qemu.dir().resolve("none.sock")), "an admin sees the socket: " + vms);
            dave.close();

            try (TelnetTestClient otto = TelnetTestClient.raw(mx.telnetPort())) {
                otto.await("login: ");
                otto.line("otto");
                otto.await("Password: ");
                otto.line("otto-pw");
                String ottoBanner = otto.await(PROMPT);
                assertTrue(ottoBanner.contains("monitor on VM 'vm1' - type 'help'"), ottoBanner);
                assertTrue(run(otto, ".attach vm1").startsWith("attached to VM 'vm1'"));
                String seen = run(otto, ".vms");
                assertTrue(
                        seen.contains("vm1") && !seen.contains(qemu.qmpSocket().toString()),
                        "an operator does not see where QEMU's socket is: " + seen);
            }

            // VM vm1's own port: a user without a grant on it is turned away after logging in.
            try (TelnetTestClient d = TelnetTestClient.raw(mx.monmux().telnetPort(1))) {
                d.await("login: ");
                d.line("dave");
                d.await("Password: ");
                d.line("dave-pw");
                assertEquals("permission denied: user 'dave' has no access to VM 'vm1'\r\n", d.await("'vm1'\r\n"));
                assertTrue(d.awaitClosed(5_000));
            }
        }
    }

    @Test
    void theConfirmationQuestionGuardsDangerousCommandsOnATerminal() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), USERS).awaitUp();
                TelnetTestClient root = login(mx, true, "root", "root-pw");
                TelnetTestClient otto = login(mx, false, "otto", "otto-pw")) {
            root.line("quit");
            assertEquals("quit\r\nReally quit VM 'vm1'? (yes/no) ", root.await("(yes/no) "));
            assertEquals("no\r\n'quit' was not run\r\n" + PROMPT, run(root, "no"));
            root.line("q");
            root.await("Really quit VM 'vm1'? (yes/no) ");
            assertEquals("y\r\n'quit' was not run\r\n" + PROMPT, run(root, "y"), "only 'yes' proceeds");
            root.line("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"q\"}}");
            root.await("Really quit VM 'vm1'? (yes/no) ");
            assertEquals("\r\n'quit' was not run\r\n" + PROMPT, run(root, ""), "an empty answer is a no");
            root.line("{\"execute\": \"quit\"}");
            root.await("Really quit VM 'vm1'? (yes/no) ");
            assertEquals("nope\r\n'quit' was not run\r\n" + PROMPT, run(root, "nope"));
            assertEquals("VM status: running\r\n" + PROMPT, run(otto, "info status"));
            assertFalse(otto.all().contains("[root@"), "nothing was run, nothing announced");
            root.line("q");
            root.await("Really quit VM 'vm1'? (yes/no) ");
            root.line("yes");
            otto.await("[root@127.0.0.1] q\r\n");
            otto.await("[monmux] VM 'vm1' is down, reconnecting\r\n");
            long deadline = System.currentTimeMillis() + 10_000;
            while (qemu.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(qemu.isAlive(), "QEMU quit");
        }
    }
}
