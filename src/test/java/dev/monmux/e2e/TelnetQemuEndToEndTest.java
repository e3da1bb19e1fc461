package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.Version;
import dev.monmux.testing.DirectQmpClient;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Operators on telnet sharing one real QEMU through monmux. */
class TelnetQemuEndToEndTest {
    private static final String BANNER_END = "' - type 'help' for more information\r\n";

    @Test
    void twoOperatorsSeeEachOthersStopAndContAsEvents() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "").awaitUp();
                TelnetTestClient a = TelnetTestClient.interactive(mx.telnetPort());
                TelnetTestClient b = TelnetTestClient.interactive(mx.telnetPort())) {
            String banner = a.await("(qemu) ");
            assertTrue(
                    banner.startsWith(
                            "monmux " + Version.get() + " \u2014 QEMU 7.2.22 monitor on VM 'vm1" + BANNER_END),
                    TelnetTestClient.show(banner));
            b.await("(qemu) ");

            a.line("info status");
            assertEquals("info status\r\nVM status: running\r\n(qemu) ", a.await("(qemu) "), "echo, output, prompt");

            // B has half-typed a line when A stops the VM: the event goes above B's prompt.
            b.type("info sta");
            b.await("info sta");
            a.line("stop");
            String aSees = a.await("(qemu) ");
            assertTrue(
                    aSees.matches(
                            "(?s)stop\r\n\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}] event STOP\r\n\\(qemu\\) "),
                    TelnetTestClient.show(aSees));
            String bSees = b.await("(qemu) info sta");
            // First who stopped it (a notice, like an event), then QEMU's event.
            assertTrue(
                    bSees.matches("\r\033\\[K\\[127\\.0\\.0\\.1:\\d+] stop\r\n\\(qemu\\) info sta"),
                    TelnetTestClient.show(bSees));
            bSees = b.await("(qemu) info sta");
            assertTrue(
                    bSees.matches("\r\033\\[K\\[[-0-9 :.]+] event STOP\r\n\\(qemu\\) info sta"),
                    TelnetTestClient.show(bSees));
            b.line("tus");
            assertEquals("tus\r\nVM status: paused\r\n(qemu) ", b.await("(qemu) "));
            a.line("info status");
            assertTrue(a.await("(qemu) ").contains("VM status: paused\r\n"));

            b.line("c"); // the alias of cont
            assertTrue(b.await("event RESUME").contains("event RESUME"));
            assertTrue(a.await("event RESUME").contains("event RESUME"));
            a.line("info status");
            assertTrue(a.await("VM status: running\r\n(qemu) ").endsWith("VM status: running\r\n(qemu) "));
        }
    }

    @Test
    void twoHundredMixedCommandsFromEightClientsEachAnsweredToItsOwnClient() throws Exception {
        int clients = 8;
        int perClient = 25;
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "").awaitUp()) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    results.add(pool.submit(() -> runClient(mx.telnetPort(), id, perClient)));
                }
                for (Future<String> f : results) {
                    assertEquals("ok", f.get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Sends a pipelined mix and checks each reply is this client's, in order. */
    private static String runClient(int port, int id, int count) throws Exception {
        try (TelnetTestClient t = TelnetTestClient.raw(port)) {
            t.await("(qemu) ");
            StringBuilder burst = new StringBuilder();
            for (int j = 0; j < count; j++) {
                burst.append(
                                switch (j % 3) {
                                    case 0 -> "{\"execute\": \"query-status\", \"id\": \"c" + id + "-" + j + "\"}";
                                    case 1 -> "info version";
                                    default -> "info status";
                                })
                        .append('\n');
            }
            t.type(burst.toString());
            for (int j = 0; j < count; j++) {
                String out = t.await("(qemu) ", 30_000);
                String expected = switch (j % 3) {
                    case 0 -> "\"id\": \"c" + id + "-" + j + "\"";
                    case 1 -> "7.2.22";
                    default -> "VM status: running\r\n";
                };
                if (!out.contains(expected)) {
                    return "client " + id + " reply " + j + ": expected " + expected + " in "
                            + TelnetTestClient.show(out);
                }
                if (out.contains("\"id\": \"c") && !out.contains("\"c" + id + "-")) {
                    return "client " + id + " got another client's reply: " + out;
                }
            }
            return "ok";
        }
    }

    @Test
    void scriptThroughNcGetsEveryAnswerBeforeTheConnectionCloses() throws Exception {
        try (QemuProcess qemu = QemuProcess.start(List.of("-S"));
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "").awaitUp();
                TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
            t.type("info status\ninfo nonsense\n{\"execute\": \"nope\"}\n");
            t.shutdownOutput();
            assertTrue(t.awaitClosed(10_000), "monmux closes after answering");
            String all = t.all();
            assertTrue(all.contains("VM status: paused (prelaunch)\r\n(qemu) "), TelnetTestClient.show(all));
            assertTrue(all.contains("unknown command: 'info nonsense'\r\n(qemu) "), TelnetTestClient.show(all));
            assertTrue(all.contains("\"class\": \"CommandNotFound\""), TelnetTestClient.show(all));
            assertFalse(all.contains("\033"), "no escape sequences for a raw client");
        }
    }

    @Test
    void selectedCpuIsRememberedAcrossCommands() throws Exception {
        try (QemuProcess qemu = QemuProcess.start(List.of("-smp", "2", "-S"));
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "").awaitUp();
                TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
            t.await("(qemu) ");
            t.line("info registers");
            assertTrue(t.await("(qemu) ").contains("CPU#0"));
            t.line("cpu 1");
            assertEquals("(qemu) ", t.await("(qemu) "));
            t.line("info registers");
            assertTrue(t.await("(qemu) ").contains("CPU#1"), "QEMU forgets `cpu 1`; monmux passes cpu-index");
            t.line("cpu 7");
            assertTrue(t.await("(qemu) ").contains("invalid CPU index"));
            t.line("info registers");
            assertTrue(t.await("(qemu) ").contains("CPU#1"), "a failed `cpu` keeps the previous choice");
        }
    }

    @Test
    void greetingSeenByMonmuxIsQemusOwn() throws Exception {
        try (QemuProcess qemu = QemuProcess.start(List.of("-S"))) {
            String direct;
            try (DirectQmpClient c = DirectQmpClient.connectRaw(qemu.qmpSocket())) {
                direct = c.greeting().toString();
            }
            try (MonmuxFixture mx =
                    MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "").awaitUp()) {
                assertEquals(
                        direct,
                        mx.monmux()
                                .vms()
                                .get("vm1")
                                .orElseThrow()
                                .link()
                                .greeting()
                                .raw()
                                .toString());
            }
        }
    }
}
