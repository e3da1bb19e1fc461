package dev.monmux.e2e;

import static dev.monmux.e2e.OperatorsEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import dev.monmux.testing.TelnetTestClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text QEMU's JSON parser refuses (a Unicode noncharacter, a lone surrogate) would get an answer
 * without an id from QEMU, one no request could be matched with: in an HMP line monmux refuses
 * it first, with a one-line reason; raw QMP at the prompt and QMP clients get QEMU's own parse
 * error. The session and the VM go on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnreadableTextEndToEndTest {
    private static final String PROMPT = "(qemu) ";
    private static final String REASON =
            "the request holds U+FFFF (a Unicode noncharacter), which QEMU's JSON parser " + "refuses";

    @TempDir
    Path dir;

    @Test
    void everyPathSaysWhyAndGoesOn() throws Exception {
        try (QemuProcess qemu = QemuProcess.start(java.util.List.of("-drive", "if=ide,media=cdrom,id=cd0"));
                MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\nvms:\n  - name: vm1\n"
                                + "    qmp: 'unix:" + qemu.qmpSocket() + "'\n    qmpListen: {unix: '"
                                + dir.resolve("vm1.qmp")
                                + "', role: admin}\n")
                        .awaitUp();
                TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
            t.await(PROMPT);
            assertEquals("Error: " + REASON + "\r\n" + PROMPT, run(t, "eject \uFFFF"), "a native command");
            assertEquals("Error: " + REASON + "\r\n" + PROMPT, run(t, "print \uFFFF"), "a line for QEMU's HMP");
            // raw QMP is read as QEMU reads it: QEMU's own parse errors, one line each
            assertEquals(
                    "Error: JSON parse error, \\uffff is not a valid Unicode character\r\n" + PROMPT,
                    run(t, "{\"execute\": \"query-status\", \"arguments\": {\"x\": \"\\uffff\"}}"),
                    "raw QMP");
            assertEquals(
                    "Error: JSON parse error, invalid UTF-8 sequence in string\r\n" + PROMPT,
                    run(t, "{\"execute\": \"query-name\", \"id\": \"\uFFFF\"}"),
                    "the character itself");
            assertEquals("VM status: running\r\n" + PROMPT, run(t, "info status"));

            // A QMP client gets what QEMU's parser says (QmpInputQemuTest compares many such inputs)
            try (QmpLineClient q = QmpLineClient.unix(dir.resolve("vm1.qmp"))) {
                q.readLine();
                q.send("{\"execute\": \"qmp_capabilities\"}\n");
                q.readLine();
                q.send("{\"execute\": \"query-status\", \"arguments\": {\"x\": \"\\uffff\"}, \"id\": 7}\n");
                assertEquals(
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, \\\\uffff is not a "
                                + "valid Unicode character\"}}",
                        q.readLine().strip());
                q.send("{\"execute\": \"query-name\", \"id\": 8}\n");
                assertEquals("{\"return\": {}, \"id\": 8}", q.readLine().strip(), "and goes on");
            }
            assertEquals("VM status: running\r\n" + PROMPT, run(t, "info status"));
        }
    }
}
