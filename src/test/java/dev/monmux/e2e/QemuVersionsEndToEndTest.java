package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.hmp.HmpCommand;
import dev.monmux.hmp.HmpTable;
import dev.monmux.qmp.QemuVersion;
import dev.monmux.testing.DirectQmpClient;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuBuild;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import dev.monmux.testing.TelnetTestClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One monmux in front of a QEMU 7.2 VM and a QEMU 10.0 VM at once: each VM gets its own version's
 * HMP. An operator attached to each in turn types every line below through monmux, and the test
 * asks that same VM, through a second QMP monitor of its own, for QEMU's answer to the same line:
 * both must be the same, byte for byte, on every version.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QemuVersionsEndToEndTest {
    private static final String PROMPT = "(qemu) ";
    /** Paused (-S): nothing runs, so what the VM prints is the same each time it is asked. */
    private static final List<String> DEVICES = List.of(
            "-S",
            "-smp",
            "2,maxcpus=3",
            "-name",
            "versions",
            "-drive",
            "if=none,id=drive0",
            "-drive",
            "if=ide,media=cdrom,id=cd0",
            "-chardev",
            "null,id=c0",
            "-device",
            "virtio-balloon-pci,id=balloon0",
            "-object",
            "iothread,id=io0");
    /** Lines whose answer is not a fixed fact of a paused VM (host state, clocks). */
    private static final Set<String> NOT_REPEATABLE = Set.of("info usbhost");

    private static String config(QemuProcess a, QemuProcess b) {
        return "listeners: {telnet: {port: 0, mode: raw}}\n"
                + "vms:\n  - {name: vm72, qmp: 'unix:" + a.qmpSocket() + "'}\n"
                + "  - {name: vm100, qmp: 'unix:" + b.qmpSocket() + "'}\n";
    }

    /** Every command of the VM's table: help for each, each info sub-command, the native mappings. */
    private static List<String> lines(QemuVersion version) {
        HmpTable table = HmpTable.of(version);
        List<String> lines = new ArrayList<>(List.of(
                "help",
                "?",
                "help info",
                "info",
                "help nope",
                "help info nope",
                "nope",
                "info nope",
                "info status",
                "info version",
                "info name",
                "info uuid",
                "info kvm",
                "info cpus",
                "info block",
                "info block -n",
                "info block cd0",
                "info chardev",
                "info mice",
                "info balloon",
                "info iothreads",
                "info hotpluggable-cpus",
                "info migrate",
                "info migrate_capabilities",
                "info migrate_parameters",
                "eject",
                "eject nope",
                "sendkey foo",
                "balloon abc",
                "device_del nope"));
        for (HmpCommand c : table.commands()) {
            for (String name : c.names()) {
                lines.add("help " + name);
            }
        }
        for (HmpCommand c : table.infoCommands()) {
            lines.add("help info " + c.name());
            if (!NOT_REPEATABLE.contains("info " + c.name())) {
                lines.add("info " + c.name());
            }
        }
        return lines;
    }

    @Test
    void everyVmGetsItsOwnVersionsHmpByteForByte() throws Exception {
        QemuBuild.v72().requireInstalled();
        QemuBuild.v100().requireInstalled();
        try (QemuProcess q72 = QemuProcess.startWithDirectMonitor(QemuBuild.v72(), DEVICES);
                QemuProcess q100 = QemuProcess.startWithDirectMonitor(QemuBuild.v100(), DEVICES);
                DirectQmpClient direct72 = DirectQmpClient.connect(q72.directSocket());
                DirectQmpClient direct100 = DirectQmpClient.connect(q100.directSocket());
                MonmuxFixture mx = MonmuxFixture.start(config(q72, q100)).awaitUp();
                TelnetTestClient op = TelnetTestClient.raw(mx.telnetPort())) {
            op.await(PROMPT);
            Map<String, Integer> cases = new LinkedHashMap<>();
            List<String> different = new ArrayList<>();
            for (int round = 0; round < 2; round++) { // attached to each in turn, twice
                for (Object[] vm : new Object[][] {
                    {"vm72", direct72, new QemuVersion(7, 2)}, {"vm100", direct100, new QemuVersion(10, 0)}
                }) {
                    assertTrue(run(op, ".attach " + vm[0]).contains("attached to VM '" + vm[0] + "'"));
                    DirectQmpClient direct = (DirectQmpClient) vm[1];
                    int n = 0;
                    for (String line : lines((QemuVersion) vm[2])) {
                        String mine = run(op, line);
                        String qemus = direct.hmp(line);
                        if (!mine.equals(qemus + PROMPT)) {
                            different.add(vm[0] + " '" + line + "': QEMU " + TelnetTestClient.show(qemus) + ", monmux "
                                    + TelnetTestClient.show(mine));
                        }
                        n++;
                    }
                    cases.merge((String) vm[0], n, Integer::sum);
                }
            }
            System.out.println("QemuVersionsEndToEndTest: lines compared byte for byte per VM: " + cases);
            assertEquals(List.of(), different);
            assertTrue(cases.get("vm72") > 400 && cases.get("vm100") > 400, cases.toString());
        }
    }

    @Test
    void completionAliasesAndRightsFollowTheVmsVersion() throws Exception {
        QemuBuild.v72().requireInstalled();
        QemuBuild.v100().requireInstalled();
        try (QemuProcess q72 = QemuProcess.start(QemuBuild.v72(), List.of("-S"));
                QemuProcess q100 = QemuProcess.start(QemuBuild.v100(), List.of("-S"));
                MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0, mode: telnet}}\n"
                                + "vms:\n  - {name: vm72, qmp: 'unix:" + q72.qmpSocket() + "'}\n"
                                + "  - {name: vm100, qmp: 'unix:" + q100.qmpSocket() + "'}\n"
                                + OperatorsEndToEndTest.USERS)
                        .awaitUp();
                TelnetTestClient alice = OperatorsEndToEndTest.login(mx, true, "alice", "alice-pw")) {
            assertTrue(run(alice, ".attach vm100").contains("attached to VM 'vm100' (QEMU 10.0."));
            assertEquals("insn-per-tb ", alice.complete("one-"), "a 10.0-only command completes on 10.0");
            assertEquals("todev ", alice.complete("info cryp"));
            assertEquals("", alice.complete("singlest"), "7.2's name for it is not a command of 10.0");
            String out = run(alice, "one-insn-per-tb on");
            assertFalse(out.contains("permission denied"), "the renamed command keeps its rights: " + out);
            assertTrue(run(alice, "singlestep").contains("unknown command: 'singlestep'"));

            assertTrue(run(alice, ".attach vm72").contains("attached to VM 'vm72' (QEMU 7.2."));
            assertEquals("ep ", alice.complete("singlest"));
            assertEquals("", alice.complete("one-"));
            assertEquals("", alice.complete("info cryp"));
            out = run(alice, "singlestep on");
            assertFalse(out.contains("permission denied"), out);
            assertTrue(
                    run(alice, "one-insn-per-tb").contains("unknown command: 'one-insn-per-tb'"),
                    "answered as QEMU 7.2 answers it");
            assertTrue(run(alice, "help one-insn-per-tb").contains("unknown command: 'one-insn-per-tb'"));
        }
    }

    @Test
    void theQmpFrontEndPassesEachVersionsGreetingAndCommandsThrough() throws Exception {
        QemuBuild.v100().requireInstalled();
        try (QemuProcess q100 = QemuProcess.startWithDirectMonitor(QemuBuild.v100(), List.of("-S"));
                QmpLineClient direct = QmpLineClient.unix(q100.directSocket())) {
            java.nio.file.Path front = q100.dir().resolve("front.qmp");
            try (MonmuxFixture mx = MonmuxFixture.start(
                                    "listeners: {telnet: {port: 0}}\nvms:\n  - name: vm100\n    qmp: 'unix:"
                                            + q100.qmpSocket() + "'\n    qmpListen: {unix: '" + front
                                            + "', role: admin}\n")
                            .awaitUp();
                    QmpLineClient client = QmpLineClient.unix(front)) {
                String qemuGreeting = direct.readLine();
                assertTrue(qemuGreeting.contains("\"major\": 10"), qemuGreeting);
                assertEquals(qemuGreeting, client.readLine(), "QEMU 10.0's greeting, byte for byte");
                for (QmpLineClient c : List.of(direct, client)) {
                    c.send("{\"execute\": \"qmp_capabilities\"}\n");
                    c.readLine();
                    c.send("{\"execute\": \"query-commands\", \"id\": 1}\n");
                }
                assertEquals(direct.readLine(), client.readLine(), "query-commands of 10.0, unchanged");
            }
        }
    }

    @Test
    void aVmUpgradedAndRestartedUnderItsNameGetsTheNewVersionsHmp() throws Exception {
        QemuBuild.v72().requireInstalled();
        QemuBuild.v100().requireInstalled();
        java.nio.file.Path socket =
                java.nio.file.Files.createTempDirectory("monmux-upgrade").resolve("vm.qmp");
        QemuProcess old = QemuProcess.startAt(QemuBuild.v72(), socket, List.of("-S"));
        try (MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0, mode: raw}}\n"
                                + "vms:\n  - {name: web1, qmp: 'unix:" + socket + "'}\n")
                        .awaitUp();
                TelnetTestClient op = TelnetTestClient.raw(mx.telnetPort())) {
            op.await(PROMPT);
            assertEquals("unknown command: 'one-insn-per-tb'\r\n" + PROMPT, run(op, "one-insn-per-tb"));
            old.kill9();
            old.close();
            op.await("[monmux] VM 'web1' is down, reconnecting\r\n", 10_000);
            try (QemuProcess upgraded = QemuProcess.startAt(QemuBuild.v100(), socket, List.of("-S"))) {
                op.await("[monmux] VM 'web1' is up (QEMU 10.0.", 20_000);
                op.await("\r\n", 5_000);
                assertEquals(PROMPT, run(op, "one-insn-per-tb off"), "10.0's table after the restart");
                assertEquals("unknown command: 'singlestep'\r\n" + PROMPT, run(op, "singlestep"));
                assertTrue(run(op, "help").contains("one-insn-per-tb [on|off] -- "), "10.0's help");
            }
        } finally {
            old.close();
        }
    }

    private static String run(TelnetTestClient c, String line) throws Exception {
        c.line(line);
        String out = c.await(PROMPT, 20_000);
        // an interactive client sees its line echoed first
        return out;
    }
}
