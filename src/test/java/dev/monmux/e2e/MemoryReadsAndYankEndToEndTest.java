package dev.monmux.e2e;

import static dev.monmux.e2e.OperatorsEndToEndTest.login;
import static dev.monmux.e2e.OperatorsEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.DirectQmpClient;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuBuild;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guest-memory reads ({@code x}, {@code xp}, {@code sum}: a read of a device's memory can
 * change the device) need an operator, and {@code yank} (it can cut monmux's own QMP connection)
 * an admin, on every path (HMP, raw QMP at the prompt, {@code human-monitor-command}, the QMP
 * front end) and on both QEMU versions; what is allowed answers as QEMU answers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryReadsAndYankEndToEndTest {
    private static final String PROMPT = "(qemu) ";
    private static final List<String> READS = List.of("x /2x 0", "xp /2x 0", "sum 0 16");

    @TempDir
    Path dir;

    private static String hmc(String line) {
        return "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"" + line + "\"}}";
    }

    private static QmpLineClient qmp(Path socket) throws Exception {
        QmpLineClient c = QmpLineClient.unix(socket);
        c.readLine();
        c.send("{\"execute\": \"qmp_capabilities\"}\n");
        c.readLine();
        return c;
    }

    private static String reply(QmpLineClient c, String request) throws Exception {
        c.send(request + "\n");
        String line;
        do {
            line = c.readLine();
        } while (line.startsWith("{\"timestamp\""));
        return line.strip();
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.2", "10.0"})
    void onEveryPathAndVersion(String version) throws Exception {
        QemuBuild build = version.equals("7.2") ? QemuBuild.v72() : QemuBuild.v100();
        try (QemuProcess qemu = QemuProcess.startWithDirectMonitor(build, List.of("-S"));
                DirectQmpClient direct = DirectQmpClient.connect(qemu.directSocket());
                MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\nvms:\n  - name: vm1\n"
                                + "    qmp: 'unix:" + qemu.qmpSocket() + "'\n    qmpListen:\n"
                                + "      - {unix: '" + dir.resolve("viewer.qmp") + "', role: viewer}\n"
                                + "      - {unix: '" + dir.resolve("operator.qmp") + "', role: operator}\n"
                                + OperatorsEndToEndTest.USERS)
                        .awaitUp();
                TelnetTestClient vera = login(mx, false, "vera", "vera-pw");
                TelnetTestClient otto = login(mx, false, "otto", "otto-pw");
                TelnetTestClient root = login(mx, false, "root", "root-pw");
                QmpLineClient viewerQmp = qmp(dir.resolve("viewer.qmp"));
                QmpLineClient operatorQmp = qmp(dir.resolve("operator.qmp"))) {
            for (String line : READS) {
                String name = line.substring(0, line.indexOf(' '));
                String denied = "permission denied: '" + name + "' needs role operator on VM 'vm1'";
                String out = run(vera, line);
                // (others' commands are announced above the answer: the answer is what ends the output)
                assertTrue(
                        out.endsWith(PROMPT) && out.contains("\n" + denied) || out.startsWith(denied),
                        version + " HMP " + line + ": " + out);
                out = run(vera, hmc(line));
                assertTrue(
                        out.contains("permission denied: 'human-monitor-command' needs role operator"),
                        version + " raw QMP " + line + ": " + out);
                String viaFrontEnd = reply(viewerQmp, hmc(line));
                assertTrue(
                        viaFrontEnd.contains("\"GenericError\"") && viaFrontEnd.contains("needs role operator"),
                        version + " QMP front end " + line + ": " + viaFrontEnd);
                // an operator gets QEMU's own answer, byte for byte
                String qemus = direct.hmp(line);
                out = run(otto, line);
                assertTrue(
                        out.endsWith("\n" + qemus + PROMPT) || out.equals(qemus + PROMPT),
                        version + " " + line + ": " + out);
                assertEquals(
                        qemus,
                        dev.monmux.qmp.QmpJson.MAPPER
                                .readTree(reply(operatorQmp, hmc(line)))
                                .path("return")
                                .asText(),
                        version + " QMP front end " + line);
            }
            String yank = "{\"execute\": \"yank\", \"arguments\": {\"instances\": []}}";
            assertTrue(run(otto, yank).contains("permission denied: 'yank' needs role admin on VM 'vm1'"), version);
            assertTrue(reply(operatorQmp, yank).contains("needs role admin"), version);
            assertTrue(run(root, yank).endsWith("{\r\n    \"return\": {}\r\n}\r\n" + PROMPT), version + ": admins may");
            assertTrue(
                    run(root, "info status").endsWith("VM status: paused (prelaunch)\r\n" + PROMPT),
                    "the link is still up");
        }
    }
}
