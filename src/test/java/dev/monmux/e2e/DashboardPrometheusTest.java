package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.HttpGet;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard against a real Prometheus scraping a real monmux in front of a real QEMU:
 * every PromQL expression in grafana/monmux-dashboard.json must evaluate without error and return
 * series; {@code promtool check metrics} must find nothing to complain about in a scrape; the
 * example scrape config must pass {@code promtool check config}. Without Prometheus the test is
 * skipped, unless MONMUX_REQUIRE_QEMU=1 (then it fails).
 */
class DashboardPrometheusTest {
    private static final Path DASHBOARD = Path.of("grafana/monmux-dashboard.json");

    @TempDir
    Path dir;

    static Path requireTool(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("1".equals(System.getenv("MONMUX_REQUIRE_QEMU"))) {
            throw new AssertionError(name + " is not installed but MONMUX_REQUIRE_QEMU=1 "
                    + "(install it with: apt-get install -y prometheus)");
        }
        Assumptions.abort(name + " not installed (apt-get install -y prometheus)");
        return null;
    }

    /** Every target expression in the dashboard, by panel title. */
    static Map<String, String> expressions(JsonNode dashboard) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode t : panel.get("targets")) {
                out.put(
                        panel.get("title").asText() + " [" + t.get("refId").asText() + "]",
                        t.get("expr").asText());
            }
        }
        return out;
    }

    /** What Grafana does before sending a query, for the variables the dashboard uses. */
    static String substitute(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$vm", ".*");
    }

    @Test
    void dashboardIsImportableWithADataSourceVariable() throws Exception {
        JsonNode d = QmpJson.MAPPER.readTree(Files.readString(DASHBOARD));
        JsonNode vars = d.get("templating").get("list");
        assertEquals("datasource", vars.get(0).get("type").asText());
        assertEquals("prometheus", vars.get(0).get("query").asText());
        for (JsonNode panel : d.get("panels")) {
            assertEquals(
                    "${datasource}",
                    panel.get("datasource").get("uid").asText(),
                    panel.get("title").asText());
            for (JsonNode t : panel.get("targets")) {
                assertEquals("${datasource}", t.get("datasource").get("uid").asText());
            }
        }
        List<String> titles = new ArrayList<>();
        d.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        for (String needed : List.of(
                "QMP link state per VM",
                "Clients per VM",
                "Command rate by command and outcome",
                "Command latency p50 / p99 per VM",
                "QMP events rate",
                "Dropped events",
                "Denied commands",
                "Logins",
                "Audit write failures")) {
            assertTrue(titles.contains(needed), needed);
        }
        assertFalse(d.has("__inputs"), "provisioning cannot fill __inputs: the datasource variable does it");
    }

    @Test
    void everyDashboardQueryReturnsSeriesFromARealPrometheus() throws Exception {
        Path prometheus = requireTool("prometheus");
        Path promtool = requireTool("promtool");
        assertEquals(
                0,
                run(List.of(promtool.toString(), "check", "config", "config/prometheus.yml"))
                        .exit());

        Map<String, String> exprs = expressions(QmpJson.MAPPER.readTree(Files.readString(DASHBOARD)));
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = MonmuxFixture.oneVm(
                                "unix:" + qemu.qmpSocket(), "audit: {path: '" + dir.resolve("audit.jsonl") + "'}\n")
                        .awaitUp()) {
            int port = freePort();
            Path conf = dir.resolve("prometheus.yml");
            Files.writeString(
                    conf,
                    "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                            + "scrape_configs:\n  - job_name: monmux\n    static_configs:\n"
                            + "      - targets: ['127.0.0.1:" + mx.metricsPort() + "']\n");
            Process prom = new ProcessBuilder(
                            prometheus.toString(),
                            "--config.file=" + conf,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile())
                    .start();
            String api = "http://127.0.0.1:" + port;
            try {
                awaitReady(prom, api);
                try (TelnetTestClient t = TelnetTestClient.raw(mx.telnetPort())) {
                    t.await("(qemu) ");
                    for (int round = 0; round < 3; round++) {
                        for (String line : List.of("info status", "stop", "cont", "{\"execute\": \"nope\"}")) {
                            t.line(line);
                            t.await("(qemu) ");
                        }
                        awaitScrapes(api, 2); // rate() needs two samples of each new series
                    }
                    Map<String, String> problems = new LinkedHashMap<>();
                    for (int attempt = 0; attempt < 30; attempt++) {
                        problems.clear();
                        for (var e : exprs.entrySet()) {
                            JsonNode r = query(api, substitute(e.getValue()));
                            if (!r.path("status").asText().equals("success")) {
                                throw new AssertionError(e.getKey() + ": " + e.getValue() + " -> " + r);
                            }
                            if (r.path("data").path("result").isEmpty()) {
                                problems.put(e.getKey(), e.getValue());
                            }
                        }
                        if (problems.isEmpty()) {
                            break;
                        }
                        awaitScrapes(api, 1);
                    }
                    assertEquals(Map.of(), problems, "dashboard queries with no series");
                    // And the numbers are monmux's: the commands the client ran.
                    JsonNode ok = query(api, "sum(monmux_commands_total{command=\"stop\",outcome=\"ok\"})");
                    assertEquals(
                            "3",
                            ok.path("data")
                                    .path("result")
                                    .get(0)
                                    .path("value")
                                    .get(1)
                                    .asText());
                    // A QMP command QEMU does not have is counted as "unknown" (bounded labels).
                    JsonNode err = query(api, "sum(monmux_commands_total{command=\"unknown\",outcome=\"error\"})");
                    assertEquals(
                            "3",
                            err.path("data")
                                    .path("result")
                                    .get(0)
                                    .path("value")
                                    .get(1)
                                    .asText());

                    // A scrape with every kind of series in it (histograms, per-command counters) lints clean.
                    String scrape = HttpGet.body("http://127.0.0.1:" + mx.metricsPort() + "/metrics");
                    assertTrue(scrape.contains("monmux_command_duration_seconds_bucket{"), "histogram present");
                    Result lint = run(List.of(promtool.toString(), "check", "metrics"), scrape);
                    assertEquals(0, lint.exit(), lint.output());
                    assertEquals("", lint.output().strip(), "promtool check metrics");
                }
            } finally {
                prom.destroy();
                if (!prom.waitFor(10, TimeUnit.SECONDS)) {
                    prom.destroyForcibly();
                    prom.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static JsonNode query(String api, String expr) throws Exception {
        String body = HttpGet.get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))
                .body();
        return QmpJson.MAPPER.readTree(body);
    }

    /** Waits until Prometheus has scraped monmux {@code n} more times. */
    private static void awaitScrapes(String api, int n) throws Exception {
        double start = scrapes(api);
        for (int i = 0; i < 3000 && scrapes(api) < start + n; i++) {
            Thread.sleep(20);
        }
    }

    private static double scrapes(String api) throws Exception {
        JsonNode r = query(api, "count_over_time(up{job=\"monmux\"}[1h])");
        JsonNode result = r.path("data").path("result");
        return result.isEmpty() ? 0 : result.get(0).path("value").get(1).asDouble();
    }

    private void awaitReady(Process prom, String api) throws Exception {
        for (int i = 0; i < 3000; i++) {
            if (!prom.isAlive()) {
                throw new AssertionError("prometheus exited " + prom.exitValue() + ": "
                        + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                if (HttpGet.get(api + "/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new AssertionError("prometheus not ready: " + Files.readString(dir.resolve("prometheus.log")));
    }

    record Result(int exit, String output) {}

    private static Result run(List<String> cmd) throws Exception {
        return run(cmd, null);
    }

    private static Result run(List<String> cmd, String stdin) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
