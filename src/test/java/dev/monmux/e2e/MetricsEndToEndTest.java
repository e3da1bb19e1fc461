package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.HttpGet;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** /metrics and /healthz of a monmux serving a real QEMU, as commands and events happen. */
class MetricsEndToEndTest {
    private static String scrape(MonmuxFixture mx) throws Exception {
        return HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
    }

    @Test
    void seriesMoveAsCommandsAndEventsHappenAndHealthFollowsTheLink() throws Exception {
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx =
                        MonmuxFixture.oneVm("unix:" + qemu.qmpSocket(), "").awaitUp()) {
            String base = "http://127.0.0.1:" + mx.metricsPort();
            HttpResponse<String> health = HttpGet.get(base + "/healthz");
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"ok\",\"vms\":{\"vm1\":\"UP\"},\"down\":[]}\n", health.body());

            String s = scrape(mx);
            assertEquals(1.0, HttpGet.sample(s, "monmux_qmp_link_up{vm=\"vm1\"}"), s);
            assertEquals(0.0, HttpGet.sample(s, "monmux_clients{listener=\"telnet\",vm=\"vm1\"}"), s);
            assertTrue(s.contains("\njvm_memory_used_bytes{"), "JVM metrics");
            assertTrue(s.contains("\nnetty_allocator_memory_used{"), "Netty allocator metrics");

            try (TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
                t.await("(qemu) ");
                for (int i = 0; i < 3; i++) {
                    t.line("info status");
                    t.await("(qemu) ");
                }
                t.line("stop");
                t.await("(qemu) ");
                t.line("cont");
                t.await("(qemu) ");
                for (int i = 0;
                        i < 1000
                                && !(HttpGet.sample(scrape(mx), "monmux_events_total{event=\"RESUME\",vm=\"vm1\"}")
                                        >= 1);
                        i++) {
                    Thread.sleep(10); // the event may come just after the reply
                }
                s = scrape(mx);
                assertEquals(1.0, HttpGet.sample(s, "monmux_clients{listener=\"telnet\",vm=\"vm1\"}"), s);
                assertEquals(3.0, HttpGet.sum(s, "monmux_commands_total{command=\"info status\",outcome=\"ok\","), s);
                assertEquals(1.0, HttpGet.sum(s, "monmux_commands_total{command=\"stop\",outcome=\"ok\","), s);
                assertEquals(
                        3.0,
                        HttpGet.sample(s, "monmux_command_duration_seconds_count{command=\"info status\",vm=\"vm1\"}"),
                        s);
                assertEquals(1.0, HttpGet.sample(s, "monmux_events_total{event=\"STOP\",vm=\"vm1\"}"), s);
                assertEquals(1.0, HttpGet.sample(s, "monmux_events_total{event=\"RESUME\",vm=\"vm1\"}"), s);
                assertEquals(0.0, HttpGet.sample(s, "monmux_qmp_reconnects_total{vm=\"vm1\"}"), s);
            }

            qemu.kill9();
            for (int i = 0; i < 1000 && HttpGet.get(base + "/healthz").statusCode() == 200; i++) {
                Thread.sleep(10);
            }
            health = HttpGet.get(base + "/healthz");
            assertEquals(503, health.statusCode());
            assertTrue(
                    health.body()
                            .matches(
                                    "\\{\"status\":\"down\",\"vms\":\\{\"vm1\":\"(DOWN|CONNECTING)\"},\"down\":\\[\"vm1\"]}\n"),
                    health.body());
            s = scrape(mx);
            assertEquals(0.0, HttpGet.sample(s, "monmux_qmp_link_up{vm=\"vm1\"}"), s);
            for (int i = 0;
                    i < 1000 && HttpGet.sample(scrape(mx), "monmux_qmp_reconnects_total{vm=\"vm1\"}") < 1;
                    i++) {
                Thread.sleep(10);
            }
            assertTrue(HttpGet.sample(scrape(mx), "monmux_qmp_reconnects_total{vm=\"vm1\"}") >= 1);

            assertEquals(404, HttpGet.get(base + "/").statusCode());
            assertEquals(405, HttpGet.send("DELETE", base + "/metrics").statusCode());
        }
    }
}
