package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees through monmux is the same whether HMP lines are mapped natively
 * ({@code hmp.native: true}) or all sent through human-monitor-command ({@code false}): one
 * script, run on the same QEMU by two monmux instances in turn. Plus tab completion from QEMU's
 * command table on the telnet line editor.
 */
class HmpThroughMonmuxTest {
    private static final List<String> SCRIPT = List.of(
            "info status",
            "info cpus",
            "cpu 1",
            "info cpus",
            "help info",
            "help q",
            "?",
            "info block",
            "info chardev",
            "info mice",
            "info balloon",
            "info migrate",
            "info version",
            "info hotpluggable-cpus",
            "eject nope",
            "eject",
            "balloon abc",
            "sendkey nokey",
            "stop",
            "info status",
            "c",
            "info status",
            "info nonsense",
            "frobnicate",
            "info registers -a");

    @Test
    void nativeAndFallbackLookTheSameToTheOperator() throws Exception {
        try (QemuProcess qemu = QemuProcess.start(
                List.of("-smp", "2", "-chardev", "null,id=c0", "-drive", "if=ide,media=cdrom,id=cd0"))) {
            List<String> nativeOut = run(qemu, true);
            List<String> fallbackOut = run(qemu, false);
            for (int i = 0; i < SCRIPT.size(); i++) {
                if (SCRIPT.get(i).equals("info registers -a")) {
                    continue; // register values move between the two runs; only the framing is compared
                }
                assertEquals(
                        TelnetTestClient.show(fallbackOut.get(i)),
                        TelnetTestClient.show(nativeOut.get(i)),
                        "'" + SCRIPT.get(i) + "'");
            }
            assertTrue(
                    nativeOut.get(3).contains("  CPU #0: thread_id=")
                            && nativeOut.get(3).contains("* CPU #1:"),
                    "after 'cpu 1' the session's CPU is marked: " + nativeOut.get(3));
            assertTrue(nativeOut.get(1).startsWith("* CPU #0:"), nativeOut.get(1));
        }
    }

    @Test
    void tabCompletesFromQemusTable() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "").awaitUp();
                TelnetTestClient t = TelnetTestClient.interactive(mx.telnetPort())) {
            t.await("(qemu) ");
            t.type("info statu\t");
            t.await("info status ");
            t.type("\r");
            assertTrue(t.await("VM status: running\r\n(qemu) ").endsWith("VM status: running\r\n(qemu) "));
            t.type("system_r\t\r");
            t.await("event RESET");
            t.type(".vm\t");
            assertTrue(t.await(".vms ").endsWith(".vms "), "builtin commands still complete");
        }
    }

    private static List<String> run(QemuProcess qemu, boolean nativeMappings) throws Exception {
        List<String> out = new ArrayList<>();
        try (MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0, mode: raw}}\n"
                                + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                                + "hmp: {native: " + nativeMappings + "}\n")
                        .awaitUp();
                TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
            t.await("(qemu) ");
            t.line(".events off"); // events race with replies; this compares replies only
            t.await("(qemu) ");
            for (String line : SCRIPT) {
                t.line(line);
                String o = t.await("(qemu) ");
                out.add(o);
            }
        }
        return out;
    }
}
