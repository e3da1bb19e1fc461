package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same scripted QMP sessions run straight against one QEMU and through monmux's QMP front end
 * against a second, identically started QEMU. Every line must be byte-identical (ids, classes,
 * descs, member order, formatting, order of replies and events), except event timestamps.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QmpConformanceTest {
    /** A chunk of bytes to send; with {@code sync}, a marker command follows and the replies up to its are read. */
    private record Step(byte[] bytes, boolean sync) {}

    private static Step s(String text) {
        return new Step(text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Each char is one byte: for bytes that are not UTF-8. */
    private static Step bytes(String latin1) {
        return new Step(latin1.getBytes(StandardCharsets.ISO_8859_1), true);
    }

    private static Step split(String text) {
        return new Step(text.getBytes(StandardCharsets.UTF_8), false);
    }

    private static final List<Step> MAIN = List.of(
            // before negotiation
            s("{\"execute\": \"query-status\", \"id\": 1}\n"),
            s("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"bogus\"]}, \"id\": 2}\n"),
            s("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": \"oob\", \"x\": 1}, \"id\": 3}\n"),
            s("[1]\n{\"execute\": }\ngarbage\n{\"exec-oob\": \"query-status\", \"id\": 4}\n"),
            s(
                    "{\"execute\": \"qmp_capabilities\", \"id\": {\"b\": [1, \"x\"], \"a\": null, \"zz\": {\"q\": 1, \"id\": 2}}}\n"),
            s("{\"execute\": \"qmp_capabilities\", \"id\": 5}\n"),
            // good commands, ids of all types
            s("{\"execute\": \"query-status\", \"id\": \"s\"}\n"),
            s("{\"execute\": \"query-name\", \"id\": null}{\"execute\": \"query-version\", \"id\": true}"
                    + "{\"execute\": \"query-status\", \"id\": [1, [2, {}]]}\n"),
            s("{\"execute\": \"query-status\", \"id\": 1.5}{\"execute\": \"query-status\", \"id\": 1e300}"
                    + "{\"execute\": \"query-status\", \"id\": -0}{\"execute\": \"query-status\", \"id\": 0.1}\n"),
            s("{\"execute\": \"query-status\", \"id\": 1e400}{\"execute\": \"query-status\", \"id\": -1e99999999999}"
                    + "{\"execute\": \"query-status\", \"id\": 1e-99999999999}{\"execute\": \"query-status\", \"id\": "
                    + "1" + "0".repeat(400) + "}\n"),
            s("{\"execute\": \"query-status\", \"arguments\": {\"x\": 1e400}, \"id\": 30}"
                    + "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info status\", "
                    + "\"cpu-index\": 1e400}, \"id\": 31}\n"),
            s("{\"execute\": \"query-status\", \"id\": 18446744073709551615}"
                    + "{\"execute\": \"query-status\", \"id\": -9223372036854775809}"
                    + "{\"execute\": \"query-status\", \"id\": 123456789012345678901234567890}\n"),
            s("{\"execute\": \"query-status\", \"id\": \"\\u00e9\\u20ac\\ud83d\\ude00\\t\\/\\\"'\"}"
                    + "{'execute': 'query-status', 'id': 'single \\' \"quoted\"'}\n"),
            s("{\"execute\": \"query-status\", \"id\": \"caf\u00e9 \u20ac\"}\n"),
            s(
                    "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info status\"}, \"id\": 6}\n"),
            s("{\"execute\": \"query-commands\", \"id\": 7}\n"),
            s("{\"execute\": \"query-qmp-schema\", \"id\": 8}\n"),
            // errors of several classes
            s("{\"execute\": \"no-such-command\", \"id\": 9}\n"),
            s("{\"execute\": \"device_del\", \"arguments\": {\"id\": \"nope\"}, \"id\": 10}\n"),
            s("{\"execute\": \"balloon\", \"arguments\": {\"value\": 1048576}, \"id\": 11}\n"),
            s("{\"execute\": \"query-status\", \"arguments\": {\"x\": 1}, \"id\": 12}\n"),
            s("{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/nope\", \"property\": \"type\"}, \"id\": 13}\n"),
            // malformed JSON and malformed requests
            s("{\"execute\": \"query-status\", \"id\": 1,}\n"),
            s("{\"execute\": \"query-status\", \"id\": 1, \"id\": 2}\n"),
            s("Garbage\n}\n]\n\"str\"\n123\n[]\nnull\n"),
            s("{\"execute\": \"query-status\", \"id\": 01}\n"),
            s("{\"id\": 14}\n{\"execute\": \"query-status\", \"foo\": 1, \"bar\": 2, \"id\": 15}\n"),
            s("{\"execute\": \"query-status\", \"arguments\": [], \"id\": 16}{\"execute\": 5, \"id\": 17}\n"),
            s(
                    "{\"exec-oob\": \"query-status\", \"id\": 18}{\"execute\": \"query-status\", \"exec-oob\": \"x\", \"id\": 19}\n"),
            s(
                    "{\"execute\": \"query-status\", \"id\": \"\\ud800\"}\n{\"execute\": \"query-status\", \"id\": \"\\q\"}\n"),
            s("{\"a\" \"b\"}\n{\"a\": 1 \"b\": 2}\n[1 2]\n{1: 2}\n"),
            s(
                    "{\"execute\": \"query-name\", \"id\": \"\\u12zz\"}\n{\"execute\": \"query-name\", \"id\": \"\\u\"}\n"
                            + "{\"execute\": \"query-name\", \"id\": \"\\u12\"}\n{\"execute\": \"query-name\", \"id\": \"\\U0041\"}\n"
                            + "{\"execute\": \"query-name\", \"id\": \"\\u0000\"}\n{\"execute\": \"query-name\", \"id\": \"\\ud83d\"}\n"
                            + "{\"execute\": \"query-name\", \"id\": \"\\ude00\"}\n{\"execute\": \"query-name\", \"id\": \"\\ud83d\\u0041\"}\n"),
            bytes(
                    "{\"execute\": \"query-name\", \"id\": \"a\tb\"}\n\u00fe{\"execute\": \"query-name\", \"id\": 1}\n"
                            + "{\"execute\": \"query-name\", \"id\": \"a\u00c3(b\"}\n{\"execute\": \"query-name\", \"id\": \"\u00c3\u00a9\"}\n"),
            s("-x\n1.e5\n1e\n{\"execute\": \"query-name\", \"id\": 0e5}\n{\"execute\": \"query-name\", \"id\": 1E+2}\n"
                    + "Ab{\"execute\": \"query-name\", \"id\": 2}\n{\"execute\": \"query-name\", \"id\": -0.0e-7}\n"),
            // split objects, several per line
            split("{\"execute\":\n\"query-status\",\n"),
            s("\"id\": 20}{\"execute\": \"query-status\", \"id\": 21}   {\"execute\": \"query-name\", \"id\": 22}\r\n"),
            split("{\"execute\": \"query-st"),
            s("atus\", \"id\": 23}\n"),
            // stop/cont: events and state
            s("{\"execute\": \"stop\", \"id\": 24}\n"),
            s("{\"execute\": \"query-status\", \"id\": 25}\n"),
            s("{\"execute\": \"stop\", \"id\": 26}\n"),
            s("{\"execute\": \"cont\", \"id\": 27}\n"),
            s("{\"execute\": \"query-status\", \"id\": 28}\n"),
            // (not system_reset: the guest firmware answers it with a second, asynchronous RESET
            // that would land in whichever session runs next)
            s("{\"execute\": \"system_powerdown\", \"id\": 29}\n"));

    private static final List<Step> OOB = List.of(
            s("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}, \"id\": 1}\n"),
            s("{\"exec-oob\": \"migrate-pause\", \"id\": 2}\n"),
            s("{\"exec-oob\": \"query-status\", \"id\": 3}\n"),
            s("{\"exec-oob\": \"qmp_capabilities\", \"id\": 4}\n"),
            s("{\"execute\": \"query-status\", \"exec-oob\": \"x\", \"id\": 5}\n"),
            s("{\"exec-oob\": 5, \"id\": 6}{\"execute\": \"query-status\", \"id\": 7}\n"));

    @Test
    void monmuxAnswersExactlyAsQemuDoes() throws Exception {
        try (QemuProcess direct = QemuProcess.start();
                QemuProcess behind = QemuProcess.start()) {
            Path front = behind.dir().resolve("front.qmp");
            try (MonmuxFixture mx = MonmuxFixture.start("listeners: {telnet: {port: 0}}\nvms:\n  - name: vm1\n"
                            + "    qmp: 'unix:" + behind.qmpSocket() + "'\n"
                            + "    qmpListen: {unix: '" + front + "', role: admin}\n")
                    .awaitUp()) {
                for (List<Step> script : List.of(MAIN, OOB)) {
                    List<String> want;
                    try (QmpLineClient q = QmpLineClient.unix(direct.qmpSocket())) {
                        want = run(q, script);
                    }
                    List<String> got;
                    try (QmpLineClient q = QmpLineClient.unix(front)) {
                        got = run(q, script);
                    }
                    assertTrue(want.size() > script.size(), "the script produced replies: " + want.size());
                    for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
                        int from = Math.max(0, i - 4);
                        int at = i;
                        assertEquals(
                                want.get(i),
                                got.get(i),
                                () -> "line " + at + " differs; QEMU said "
                                        + want.subList(from, Math.min(want.size(), at + 3)) + ", monmux said "
                                        + got.subList(from, Math.min(got.size(), at + 3)));
                    }
                    assertEquals(want.size(), got.size(), "number of lines");
                }
            }
        }
    }

    /** Runs the script; returns every line received, event timestamps blanked. */
    private static List<String> run(QmpLineClient q, List<Step> script) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(q.readLine());
        int n = 0;
        for (Step step : script) {
            q.send(step.bytes());
            if (!step.sync()) {
                continue;
            }
            String marker = "\"id\": \"sync-" + (++n) + "\"";
            q.send("{\"execute\": \"query-name\", \"id\": \"sync-" + n + "\"}\n");
            for (String l : q.readUntil(l -> l.contains(marker))) {
                lines.add(l.replaceAll(
                        "\"timestamp\": \\{\"seconds\": \\d+, \"microseconds\": \\d+}", "\"timestamp\": T"));
            }
        }
        return lines;
    }
}
