package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuBuild;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The QMP front end reads bytes as QEMU's JSON parser does: every input below gets, byte for
 * byte, the answer QEMU's own second QMP monitor gives it (strings in modified UTF-8, escapes,
 * noncharacters, surrogates, overlong forms, 5-byte sequences, malformed JSON).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QmpInputQemuTest {
    private static final String CAPS = "{\"execute\": \"qmp_capabilities\"}\n";

    @TempDir
    Path dir;

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            } else {
                for (int b : (int[]) p) {
                    out.write(b);
                }
            }
        }
        return out.toByteArray();
    }

    /** {@code {"execute": "query-name", "id": "<inside>"}} with raw bytes or an escape inside the id. */
    private static byte[] withId(Object inside) {
        Object[] parts = inside instanceof Object[] many ? many : new Object[] {inside};
        Object[] all = new Object[parts.length + 2];
        all[0] = "{\"execute\": \"query-name\", \"id\": \"";
        System.arraycopy(parts, 0, all, 1, parts.length);
        all[all.length - 1] = "\"}\n";
        return bytes(all);
    }

    private static List<byte[]> inputs() {
        List<byte[]> in = new ArrayList<>();
        for (String escape : List.of(
                "\\uffff",
                "\\ufffe",
                "\\ufdd0",
                "\\ufdef",
                "\\ud800",
                "\\udfff",
                "\\udbff\\udfff",
                "\\ud83d\\ude00",
                "\\u0000",
                "\\u00e9",
                "\\u12",
                "\\uzzzz",
                "\\x41")) {
            in.add(withId(escape));
        }
        for (int[] raw : List.of(
                new int[] {0xEF, 0xBF, 0xBF},
                new int[] {0xEF, 0xB7, 0x90},
                new int[] {0xED, 0xA0, 0x80},
                new int[] {0xC0, 0x80},
                new int[] {0xC1, 0xBF},
                new int[] {0xE0, 0x80, 0xAF},
                new int[] {0xF4, 0x8F, 0xBF, 0xBF},
                new int[] {0xF4, 0x90, 0x80, 0x80},
                new int[] {0xF0, 0x9F, 0x98, 0x80},
                new int[] {0xF8, 0x88, 0x80, 0x80, 0x80},
                new int[] {0xC3, 0xA9},
                new int[] {0xC3},
                new int[] {0x80},
                new int[] {0xE2, 0x82})) {
            in.add(withId(raw));
        }
        in.add(bytes("{\"execute\": \"query-name\", \"arguments\": {\"", new int[] {0xEF, 0xBF, 0xBF}, "\": 1}}\n"));
        in.add(bytes("{\"execute\": \"query-n", new int[] {0xC0, 0x80}, "ame\"}\n"));
        in.add(bytes("{'execute': 'query-name', 'id': '\\u00e9\\'x'}\n"));
        in.add(withId(new Object[] {"\\u00", new int[] {0xC3, 0xA9}}));
        in.add(bytes("{\"execute\": ", new int[] {0xC3, 0xA9}, "}\n"));
        in.add(bytes("{\"execute\": @", new int[] {0x00}, "x}\n"));
        return in;
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.2", "10.0"})
    void theFrontEndAnswersEveryInputAsQemuDoes(String version) throws Exception {
        QemuBuild build = version.equals("7.2") ? QemuBuild.v72() : QemuBuild.v100();
        try (QemuProcess qemu = QemuProcess.startWithDirectMonitor(build, List.of());
                MonmuxFixture mx = MonmuxFixture.start(
                                "listeners: {telnet: {port: 0}}\nvms:\n  - name: vm1\n    qmp: 'unix:"
                                        + qemu.qmpSocket() + "'\n" + "    qmpListen: {unix: '"
                                        + dir.resolve("front.qmp") + "', role: admin}\n")
                        .awaitUp();
                QmpLineClient direct = QmpLineClient.unix(qemu.directSocket());
                QmpLineClient front = QmpLineClient.unix(dir.resolve("front.qmp"))) {
            for (QmpLineClient c : List.of(direct, front)) {
                c.readLine();
                c.send(CAPS);
                c.readLine();
            }
            List<String> differ = new ArrayList<>();
            for (byte[] input : inputs()) {
                direct.send(input);
                front.send(input);
                String qemus = direct.readLine();
                String mine = front.readLine();
                if (!qemus.equals(mine)) {
                    differ.add(new String(input, StandardCharsets.ISO_8859_1).strip() + ": QEMU " + qemus + ", monmux "
                            + mine);
                }
            }
            assertEquals(List.of(), differ, "QEMU " + version);
        }
    }
}
