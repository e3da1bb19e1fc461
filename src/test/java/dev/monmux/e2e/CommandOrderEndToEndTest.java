package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.QmpLineClient;
import dev.monmux.testing.RandomlySlowObserver;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client's pipelined commands reach QEMU in the order typed, whatever the audit log's timing
 * (issue: a line whose audit record was written first overtook the line before it). Each batch
 * sets a migration parameter and reads it back, twice, around {@code stop} and {@code cont}: a
 * read that ran before its own set, or after the next one, shows the wrong value.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandOrderEndToEndTest {
    private static final int BATCHES = 100;
    private static final Pattern HMP_ANSWER = Pattern.compile("VM status: (\\w+)|downtime-limit: (\\d+) ms");

    @TempDir
    Path dir;

    private String config(Path qmp, Path front) {
        return "listeners: {telnet: {port: 0, mode: raw}}\n"
                + "audit: {path: '" + dir.resolve("audit.jsonl") + "'}\n"
                + "vms:\n  - name: vm1\n    qmp: 'unix:" + qmp + "'\n"
                + "    qmpListen: {unix: '" + front + "', role: admin}\n";
    }

    @Test
    void pipelinedTelnetLinesRunInTheOrderTypedWhileTheAuditLogIsSlowAtRandom() throws Exception {
        try (QemuProcess qemu = QemuProcess.start()) {
            List<RandomlySlowObserver> observers = new ArrayList<>();
            try (MonmuxFixture mx = MonmuxFixture.start(
                            config(qemu.qmpSocket(), qemu.dir().resolve("front.qmp")), o -> {
                                RandomlySlowObserver r = new RandomlySlowObserver(o, Duration.ofMillis(2));
                                observers.add(r);
                                return r;
                            })
                    .awaitUp()) {
                Mismatches order = new Mismatches();
                for (int b = 0; b < BATCHES; b++) {
                    int k1 = 1000 + 2 * b;
                    int k2 = k1 + 1;
                    // As `printf '...' | nc -N 127.0.0.1 PORT`: all lines at once, then end of input.
                    String script = "stop\ninfo status\nmigrate_set_parameter downtime-limit " + k1
                            + "\ninfo migrate_parameters\ncont\ninfo status\nmigrate_set_parameter downtime-limit " + k2
                            + "\ninfo migrate_parameters\n";
                    String out = ncHalfClose(mx.telnetPort(), script);
                    List<String> seen = new ArrayList<>();
                    Matcher m = HMP_ANSWER.matcher(out);
                    while (m.find()) {
                        seen.add(m.group(1) != null ? m.group(1) : m.group(2));
                    }
                    order.check(b, List.of("paused", String.valueOf(k1), "running", String.valueOf(k2)), seen);
                }
                order.assertNone();
            } finally {
                observers.forEach(RandomlySlowObserver::close);
            }
        }
    }

    @Test
    void pipelinedQmpRequestsRunInTheOrderSentWhileTheAuditLogIsSlowAtRandom() throws Exception {
        try (QemuProcess qemu = QemuProcess.start()) {
            Path front = qemu.dir().resolve("front.qmp");
            List<RandomlySlowObserver> observers = new ArrayList<>();
            try (MonmuxFixture mx = MonmuxFixture.start(config(qemu.qmpSocket(), front), o -> {
                                RandomlySlowObserver r = new RandomlySlowObserver(o, Duration.ofMillis(2));
                                observers.add(r);
                                return r;
                            })
                            .awaitUp();
                    QmpLineClient c = QmpLineClient.unix(front)) {
                c.readLine();
                c.send("{\"execute\": \"qmp_capabilities\"}\n");
                c.readLine();
                StringBuilder all = new StringBuilder();
                for (int b = 0; b < BATCHES; b++) {
                    int k = 1000 + 2 * b;
                    all.append(request(b, 0, "stop", null))
                            .append(request(b, 1, "query-status", null))
                            .append(request(b, 2, "migrate-set-parameters", "{\"downtime-limit\": " + k + "}"))
                            .append(request(b, 3, "query-migrate-parameters", null))
                            .append(request(b, 4, "cont", null))
                            .append(request(b, 5, "query-status", null))
                            .append(request(b, 6, "migrate-set-parameters", "{\"downtime-limit\": " + (k + 1) + "}"))
                            .append(request(b, 7, "query-migrate-parameters", null));
                }
                c.send(all.toString()); // every batch pipelined, without waiting for a reply
                Mismatches order = new Mismatches();
                for (int b = 0; b < BATCHES; b++) {
                    List<JsonNode> replies = new ArrayList<>();
                    while (replies.size() < 8) {
                        JsonNode msg = QmpJson.MAPPER.readTree(c.readLine());
                        if (!msg.has("event")) {
                            replies.add(msg);
                        }
                    }
                    for (int i = 0; i < 8; i++) {
                        assertEquals(b * 8 + i, replies.get(i).path("id").asInt(), "replies in request order");
                    }
                    int k = 1000 + 2 * b;
                    List<String> seen = List.of(
                            replies.get(1).path("return").path("status").asText(),
                            replies.get(3).path("return").path("downtime-limit").asText(),
                            replies.get(5).path("return").path("status").asText(),
                            replies.get(7).path("return").path("downtime-limit").asText());
                    order.check(b, List.of("paused", String.valueOf(k), "running", String.valueOf(k + 1)), seen);
                }
                order.assertNone();
            } finally {
                observers.forEach(RandomlySlowObserver::close);
            }
        }
    }

    /** Batches whose answers show QEMU ran their commands in another order than sent. */
    private static final class Mismatches {
        private int wrong;
        private String first;

        void check(int batch, List<String> expected, List<String> seen) {
            if (!expected.equals(seen)) {
                wrong++;
                if (first == null) {
                    first = "batch " + batch + ": expected " + expected + ", QEMU ran them as " + seen;
                }
            }
        }

        void assertNone() {
            assertEquals(0, wrong, wrong + " of " + BATCHES + " batches ran out of order; first: " + first);
        }
    }

    private static String request(int batch, int i, String command, String arguments) {
        return "{\"execute\": \"" + command + "\"" + (arguments == null ? "" : ", \"arguments\": " + arguments)
                + ", \"id\": " + (batch * 8 + i) + "}\n";
    }

    /** Sends {@code text}, half-closes and reads until the server closes. */
    private static String ncHalfClose(int port, String text) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
