package dev.monmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.config.LogConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help, version, check-config, run's options and its exit codes (0, 1, 2). */
class MainCliTest {
    @TempDir
    Path dir;

    private static CliRun runWithEnv(String env, String... args) {
        return CliRun.monmux(env, args);
    }

    private static CliRun run(String... args) {
        return runWithEnv(null, args);
    }

    @Test
    void helpHasUsageCommandsOptionsEnvironmentAndExitCodes() {
        for (String h : List.of("--help", "-h", "help")) {
            CliRun r = run(h);
            assertEquals(0, r.code(), h);
            assertEquals("", r.err(), h);
            assertTrue(r.out().startsWith("Usage: monmux run --config FILE [--log-level LEVEL]\n"), r.out());
            for (String section : List.of("\nCommands:\n", "\nOptions:\n", "\nEnvironment:\n", "\nExit codes:\n")) {
                assertTrue(r.out().contains(section), section);
            }
            for (String item : List.of(
                    "check-config FILE...",
                    "hash-password",
                    "--log-level LEVEL",
                    "-c, --config FILE",
                    "MONMUX_LOG_LEVEL",
                    "JAVA_OPTS",
                    "  0  success",
                    "  1  runtime failure",
                    "  2  bad usage")) {
                assertTrue(r.out().contains(item), item);
            }
            for (String line : r.out().split("\n")) {
                assertTrue(line.length() <= 100, "help lines fit a terminal: " + line);
            }
        }
        CliRun none = run();
        assertEquals(2, none.code());
        assertEquals("", none.out());
        assertTrue(none.err().startsWith("Usage: monmux"), "no arguments: the help on stderr");
        assertEquals(2, run("help", "run").code());
    }

    @Test
    void versionPrintsTheProjectVersion() {
        for (String v : List.of("version", "--version", "-V")) {
            CliRun r = run(v);
            assertEquals(0, r.code());
            assertEquals("monmux " + Version.get() + "\n", r.out());
        }
        assertTrue(Version.get().matches("\\d+\\.\\d+\\.\\d+.*"), "filtered from the pom: " + Version.get());
        assertEquals(2, run("version", "extra").code());
    }

    @Test
    void unknownCommandsAndOptionsAreUsageErrors() {
        CliRun r = run("start");
        assertEquals(2, r.code());
        assertEquals("monmux: unknown command 'start' (see monmux --help)\n", r.err());
        assertEquals(
                "monmux: unknown option '--verbose' (see monmux --help)\n",
                run("run", "--verbose").err());
        assertEquals(
                "monmux: usage: monmux run --config FILE [--log-level LEVEL]\n",
                run("run").err());
        assertEquals("monmux: --config needs a FILE\n", run("run", "--config").err());
        assertEquals(
                "monmux: --config given twice\n",
                run("--config", "a.yaml", "-c", "b.yaml").err());
        assertEquals(
                "monmux: unexpected argument 'x.yaml' (see monmux --help)\n",
                run("run", "x.yaml").err());
        assertEquals(2, run("run", "--log-level").code());
        assertEquals(
                "monmux: usage: monmux check-config FILE...\n",
                run("check-config").err());
    }

    @Test
    void runOptionsAcceptTheUsualSpellings() {
        assertEquals(
                new Main.RunOptions(Path.of("m.yaml"), null), Main.RunOptions.parse(List.of("--config", "m.yaml")));
        assertEquals(new Main.RunOptions(Path.of("m.yaml"), null), Main.RunOptions.parse(List.of("-c", "m.yaml")));
        assertEquals(
                new Main.RunOptions(Path.of("m.yaml"), "debug"),
                Main.RunOptions.parse(List.of("--log-level=debug", "--config=m.yaml")));
        assertEquals(
                new Main.RunOptions(Path.of("m.yaml"), "warn"),
                Main.RunOptions.parse(List.of("--config", "m.yaml", "--log-level", "warn")));
    }

    /**
     * Every file shipped in config/ that is a monmux config passes check-config, in one call (on
     * a host that has the directories it names: here, under a temporary root).
     */
    @Test
    void checkConfigAcceptsEveryShippedConfigInOneCall() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("config"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml")
                            && !p.getFileName().toString().startsWith("prometheus"))
                    .sorted()
                    .toList()) {
                files.add(ShippedConfigsTest.onThisHost(p, dir).toString());
            }
        }
        assertTrue(files.contains(dir.resolve("monmux.yaml").toString()), files.toString());
        List<String> args = new ArrayList<>(List.of("check-config"));
        args.addAll(files);
        CliRun r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        for (String f : files) {
            assertTrue(
                    r.out().matches("(?s).*^" + java.util.regex.Pattern.quote(f) + ": OK \\(\\d+ VMs?\\)$.*"),
                    f + " in " + r.out());
        }
    }

    @Test
    void checkConfigReportsEveryBadFileAndExitsTwo() throws IOException {
        Path good = dir.resolve("good.yaml");
        Files.writeString(
                good,
                "vms:\n  - {name: a, qmp: 'unix:" + dir.resolve("a.qmp")
                        + "'}\n  - {name: b, qmp: 'tcp:127.0.0.1:9001'}\n");
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "vms:\n  - name: a\n    qmp: unix:/x\n    telnetport: 4501\n");
        Path level = dir.resolve("level.yaml");
        Files.writeString(level, "vms: [{name: a, qmp: 'unix:/x'}]\nlog: {level: loud}\n");
        CliRun r = run(
                "check-config",
                typo.toString(),
                good.toString(),
                level.toString(),
                dir.resolve("none.yaml").toString());
        assertEquals(2, r.code());
        assertEquals(good + ": OK (2 VMs)\n", r.out(), "the good file is still checked after a bad one");
        String[] errors = r.err().split("\n");
        assertEquals(3, errors.length, r.err());
        assertTrue(
                errors[0].startsWith("monmux: " + typo + ": line 4, column 5: vms[0].telnetport: unknown key"),
                errors[0]);
        assertTrue(
                errors[1].endsWith(
                        ": line 2, column 14: log.level: expected one of error, warn, info, debug, trace, found \"loud\""),
                errors[1]);
        assertEquals("monmux: " + dir.resolve("none.yaml") + ": no such file", errors[2]);
        assertEquals(0, run("check-config", good.toString()).code());
    }

    @Test
    void runWithABadConfigIsAUsageErrorNamingTheKey() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "vms: [{name: a, qmp: 'unix:/x'}]\nqmp: {commandTimeout: soon}\n");
        CliRun r = run("run", "--config", bad.toString());
        assertEquals(2, r.code());
        assertTrue(
                r.err().startsWith("monmux: " + bad + ": line 2, column 23: qmp.commandTimeout: expected a duration"),
                r.err());
        assertEquals(1, r.err().split("\n").length, "one line, no stack trace");
    }

    @Test
    void runWithAPortInUseIsARuntimeFailure() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("taken.yaml");
            Files.writeString(
                    config,
                    "listeners: {telnet: {port: " + taken.getLocalPort() + "}}\n" + "vms: [{name: a, qmp: 'unix:"
                            + dir.resolve("none.qmp") + "'}]\nmetrics: {enabled: false}\n");
            CliRun r = runWithEnv("info", "--config", config.toString());
            assertEquals(1, r.code(), r.err());
            assertEquals(
                    "monmux: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                            + ": the port is in use (by another program, or a monmux already running)\n",
                    r.err());
            assertEquals(1, r.err().split("\n").length, "one line, no stack trace: " + r.err());
        }
    }

    @Test
    void aBadLogLevelFromTheFlagOrTheEnvironmentIsAUsageError() throws IOException {
        Path config = dir.resolve("ok.yaml");
        Files.writeString(config, "vms: [{name: a, qmp: 'unix:/x'}]\n");
        assertEquals(
                "monmux: MONMUX_LOG_LEVEL: level 'chatty' must be one of error, warn, info, debug, trace\n",
                runWithEnv("chatty", "run", "--config", config.toString()).err());
        assertEquals(
                "monmux: --log-level: level 'verbose' must be one of error, warn, info, debug, trace\n",
                runWithEnv("info", "--config", config.toString(), "--log-level", "verbose")
                        .err());
    }

    @Test
    void theLogLevelComesFromTheFlagThenTheEnvironmentThenTheConfig() {
        LogConfig debug = new LogConfig("debug");
        assertEquals("info", Logging.level(null, null, LogConfig.defaults()));
        assertEquals("debug", Logging.level(null, null, debug));
        assertEquals("debug", Logging.level(null, "  ", debug), "an empty variable is no setting");
        assertEquals("error", Logging.level(null, "ERROR", debug));
        assertEquals("trace", Logging.level("Trace", "error", debug));
        assertThrows(IllegalArgumentException.class, () -> new LogConfig("all"));
        assertFalse(LogConfig.LEVELS.contains("off"), "errors are always logged");
    }
}
