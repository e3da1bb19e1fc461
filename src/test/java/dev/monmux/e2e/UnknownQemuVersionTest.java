package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.hmp.HmpEngine;
import dev.monmux.hmp.HmpTable;
import dev.monmux.qmp.QemuVersion;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.FakeQmpServer;
import dev.monmux.testing.MonmuxProcess;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM whose QEMU version has no table (a fake QMP server says it is 11.1, which no real QEMU
 * installed here is): monmux takes the nearest lower table (10.0), says so once in its log, runs
 * no native mapping, and corrects the command set from the VM's own {@code help}: a command the VM
 * lists that no table has is known by name (admin-only: no effect class vouches for it), one the
 * table has that the VM does not list is answered as QEMU answers an unknown command.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnknownQemuVersionTest {
    private static final String PROMPT = "(qemu) ";

    @TempDir
    Path dir;

    /** QEMU 10.0's help, as the 11.1 VM would print it with nmi gone and frobnicate new. */
    private static String help(String what) {
        HmpEngine ten = new HmpEngine(HmpTable.of(new QemuVersion(10, 0)), true);
        String text = ten.plan(what, null).run(null).join().text();
        if (what.equals("help")) {
            text = text.replace("nmi  -- inject an NMI\r\n", "")
                    .replace("nbd_server_add ", "frobnicate [level] -- frobnicate the VM\r\nnbd_server_add ");
        }
        return text;
    }

    @Test
    void theNearestLowerTableCorrectedFromTheVmsOwnHelp() throws Exception {
        String help = help("help");
        assertTrue(help.contains("frobnicate [level]") && !help.contains("\r\nnmi "), "the fake's help");
        String helpInfo = help("help info");
        try (FakeQmpServer vm = new FakeQmpServer(dir.resolve("vm.qmp"))) {
            vm.greeting(FakeQmpServer.greetingOf(11, 1, 0));
            vm.responder((c, req) -> {
                if (!req.path("execute").asText().equals("human-monitor-command")) {
                    return List.of(FakeQmpServer.errorReply(req, "CommandNotFound", "not in this fake"));
                }
                String line = req.path("arguments").path("command-line").asText();
                String text =
                        line.equals("help") ? help : line.equals("help info") ? helpInfo : "ran: " + line + "\r\n";
                ObjectNode reply = QmpJson.object().put("return", text);
                reply.set("id", req.get("id"));
                return List.of(QmpJson.compact(reply));
            });
            int port = MonmuxProcess.freePort();
            try (MonmuxProcess child = MonmuxProcess.start(
                    dir,
                    port,
                    "listeners: {telnet: {port: " + port
                            + ", mode: telnet}}\nvms:\n  - {name: vm1, qmp: '" + vm.address()
                            + "'}\nmetrics: {enabled: false}\n"
                            + OperatorsEndToEndTest.USERS)) {
                awaitLog(child, "HMP command set read from QEMU 11.1.0");
                assertTrue(
                        child.log()
                                .contains("VM 'vm1' runs QEMU 11.1.0, for which monmux has no HMP table: using "
                                        + "QEMU 10.0's, corrected from the VM's own help"),
                        child.log());
                try (TelnetTestClient alice = login(port, "alice", "alice-pw");
                        TelnetTestClient root = login(port, "root", "root-pw")) {
                    assertEquals(
                            "nmi\r\nunknown command: 'nmi'\r\n" + PROMPT,
                            run(alice, "nmi"),
                            "the VM does not list it: answered as QEMU answers an unknown command");
                    assertEquals(
                            "frobnicate\r\npermission denied: 'frobnicate' needs role admin on VM 'vm1': it is not "
                                    + "known to monmux\r\n" + PROMPT,
                            run(alice, "frobnicate"));
                    drainRequests(vm);
                    assertEquals(
                            "frobnicate now\r\nran: frobnicate now\r\n" + PROMPT,
                            run(root, "frobnicate now"),
                            "known by name, sent to QEMU for an admin");
                    assertEquals("frobnicate now", nextLine(vm));
                    alice.await("[root@127.0.0.1] frobnicate now\r\n" + PROMPT, 5_000); // the notice of it
                    assertEquals("info status\r\nran: info status\r\n" + PROMPT, run(alice, "info status"));
                    assertEquals("info status", nextLine(vm), "no native mapping on a version nothing certified");
                    assertEquals("nicate ", alice.complete("frob"));
                    assertEquals("", alice.complete("nm"));
                }
            }
        }
    }

    private static void drainRequests(FakeQmpServer vm) throws InterruptedException {
        while (vm.nextRequest(100) != null) {
            // the help read at link-up, the probes of the session
        }
    }

    /** The command line of the next human-monitor-command the VM got. */
    private static String nextLine(FakeQmpServer vm) throws InterruptedException {
        ObjectNode req = vm.nextRequest(5_000);
        return req == null ? null : req.path("arguments").path("command-line").asText();
    }

    private static void awaitLog(MonmuxProcess child, String text) throws InterruptedException {
        for (int i = 0; i < 500 && !child.log().contains(text); i++) {
            Thread.sleep(20);
        }
        assertTrue(child.log().contains(text), child.log());
    }

    private static TelnetTestClient login(int port, String user, String pw) throws Exception {
        return TelnetTestClient.loggedIn(port, true, user, pw);
    }

    private static String run(TelnetTestClient c, String line) throws Exception {
        c.line(line);
        return c.await(PROMPT, 20_000);
    }
}
