package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * monmux's own log, from a real monmux process in front of a real QEMU: one line per record in
 * the documented format, the level chosen by --log-level, MONMUX_LOG_LEVEL or log.level, no
 * password or secret in it even at trace level, and exit 0 on SIGTERM.
 */
class LogOutputEndToEndTest {
    private static final Pattern RECORD = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (ERROR|WARN|INFO|DEBUG|TRACE) [A-Za-z0-9_$.]+ - .*");
    /** Lines of a stack trace, which only debug level (libraries' probing) or a bug may print. */
    private static final Pattern TRACE_LINE = Pattern.compile(
            "(\\s+at |\\s+\\.\\.\\. |Caused by: |\\s+Suppressed: |[a-z][\\w$]*(\\.[\\w$]+)*\\.[A-Z][\\w$]*(: |$)).*");

    @TempDir
    Path dir;

    @Test
    void traceLevelLogsOneLineRecordsAndNoSecrets() throws Exception {
        try (QemuProcess qemu = QemuProcess.start()) {
            int port = freePort();
            String hash = PasswordHash.create("Login-pw-SECRET".toCharArray(), PasswordHash.MIN_ITERATIONS)
                    .encoded();
            Path config = write(
                    "trace.yaml",
                    "listeners: {telnet: {port: " + port + ", mode: raw}}\n"
                            + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                            + "metrics: {enabled: false}\n"
                            + "login: {failureDelay: 100ms}\n"
                            + "users:\n  - {name: alice, password: '" + hash + "', role: admin}\n");
            Path log = dir.resolve("trace.log");
            // The flag wins over the environment, which says error.
            Process child = start(log, "error", "run", "--config", config.toString(), "--log-level", "trace");
            try {
                awaitListening(child, port, log);
                try (TelnetTestClient c = TelnetTestClient.raw(port)) {
                    c.await("login: ", 20_000);
                    c.line("alice");
                    c.line("Wrong-pw-SECRET");
                    c.await("Login incorrect", 20_000);
                    c.line("alice");
                    c.line("Login-pw-SECRET");
                    c.await("(qemu) ", 20_000);
                    awaitUp(c);
                    c.line(
                            "{\"execute\": \"set_password\", \"arguments\": {\"protocol\": \"vnc\", \"password\": \"Vnc-pw-SECRET\"}}");
                    c.await("\"error\"", 20_000);
                    c.line("object_add secret,id=s0,data=Object-data-SECRET");
                    c.await("(qemu) ", 20_000);
                    c.line("info status");
                    c.await("VM status: running", 20_000);
                    c.line(".quit");
                    assertTrue(c.awaitClosed(20_000));
                }
            } finally {
                stop(child);
            }
            String text = Files.readString(log);
            assertFalse(text.contains("SECRET"), "no password or secret in the log:\n" + text);
            List<String> lines = text.lines().toList();
            for (String line : lines) {
                assertTrue(
                        RECORD.matcher(line).matches()
                                || TRACE_LINE.matcher(line).matches(),
                        "not a log record: " + line);
            }
            assertTrue(
                    lines.stream()
                            .anyMatch(l ->
                                    l.matches(".* INFO TelnetListeners - telnet listener on /127\\.0\\.0\\.1:" + port)),
                    text);
            assertTrue(lines.stream().anyMatch(l -> l.matches(".* INFO VmLink - VM 'vm1': QMP link up .*")), text);
            assertTrue(lines.stream().anyMatch(l -> l.contains(" DEBUG ")), "trace level shows debug records: " + text);
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(" INFO Monmux - monmux stopped")), text);
        }
    }

    @Test
    void theEnvironmentAndTheConfigChooseTheLevel() throws Exception {
        int port = freePort();
        // No QEMU needed: the VM stays down, which monmux logs at warn.
        String vm = "vms:\n  - {name: vm1, qmp: 'unix:" + dir.resolve("absent.qmp") + "'}\n"
                + "listeners: {telnet: {port: " + port + "}}\nmetrics: {enabled: false}\n";
        Path plain = write("plain.yaml", vm);
        Path errorOnly = write("error.yaml", vm + "log: {level: error}\n");

        Path warnLog = dir.resolve("warn.log");
        Process child = start(warnLog, "warn", "--config", plain.toString());
        try {
            awaitListening(child, port, warnLog);
        } finally {
            stop(child);
        }
        List<String> warn = Files.readAllLines(warnLog);
        assertTrue(
                warn.stream().anyMatch(l -> l.matches(".* WARN Observability - audit log: off .*")), warn.toString());
        assertTrue(warn.stream().noneMatch(l -> l.contains(" INFO ")), "MONMUX_LOG_LEVEL=warn: " + warn);
        for (String line : warn) {
            assertTrue(RECORD.matcher(line).matches(), "one line per record, no stack trace at warn: " + line);
        }

        Path errorLog = dir.resolve("error.log");
        child = start(errorLog, null, "run", "--config", errorOnly.toString());
        try {
            awaitListening(child, port, errorLog);
        } finally {
            stop(child);
        }
        assertEquals(List.of(), Files.readAllLines(errorLog), "log.level: error, nothing went wrong");
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static Process start(Path log, String envLevel, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.monmux.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("MONMUX_LOG_LEVEL");
        if (envLevel != null) {
            pb.environment().put("MONMUX_LOG_LEVEL", envLevel);
        }
        return pb.start();
    }

    /** SIGTERM: monmux stops gracefully and exits 0. */
    private static void stop(Process child) throws InterruptedException {
        child.destroy();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("monmux did not stop on SIGTERM");
        }
        assertEquals(0, child.exitValue(), "exit code after SIGTERM");
    }

    private static void awaitUp(TelnetTestClient c) throws InterruptedException, IOException {
        for (int i = 0; i < 200; i++) {
            c.line(".vms");
            if (c.await("(qemu) ", 20_000).contains(" up ")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the VM did not come up: " + c.all());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(Process child, int port, Path log) throws Exception {
        for (int i = 0; i < 3000; i++) {
            if (!child.isAlive()) {
                throw new AssertionError("monmux exited " + child.exitValue() + ": " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError("monmux did not listen on " + port + ": " + Files.readString(log));
    }
}
