package dev.monmux.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.config.ConfigLoader;
import dev.monmux.config.MonmuxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/monmux.service: the keys the deployment relies on, checked by parsing the unit; and, when
 * {@code systemd-analyze} is installed, systemd's own {@code verify} (which must print nothing).
 */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("config", "monmux.service");

    @TempDir
    Path dir;

    /** section -> key -> values in order (a key may repeat); an empty assignment is kept as "". */
    static Map<String, Map<String, List<String>>> parse(String text) {
        Map<String, Map<String, List<String>>> unit = new LinkedHashMap<>();
        Map<String, List<String>> section = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = unit.computeIfAbsent(line.substring(1, line.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            assertNotNull(section, "a key before any section: " + line);
            int eq = line.indexOf('=');
            assertTrue(eq > 0, "not key=value: " + line);
            section.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return unit;
    }

    @Test
    void theUnitRunsMonmuxUnprivilegedAndHardened() throws Exception {
        var unit = parse(Files.readString(UNIT));
        var service = unit.get("Service");
        Map<String, String> required = new LinkedHashMap<>();
        required.put("Type", "simple");
        required.put("User", "monmux");
        required.put("ExecStart", "/usr/local/bin/monmux run --config /etc/monmux/monmux.yaml");
        required.put("ExecReload", "/bin/kill -HUP $MAINPID");
        required.put("Restart", "on-failure");
        required.put("RestartPreventExitStatus", "2"); // a bad config is not retried forever
        required.put("NoNewPrivileges", "yes");
        required.put("ProtectSystem", "strict");
        required.put("ProtectHome", "yes");
        required.put("PrivateTmp", "yes");
        required.put("CapabilityBoundingSet", "");
        required.put("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6");
        required.put("LimitNOFILE", "65536");
        required.put("RuntimeDirectory", "monmux");
        required.put("LogsDirectory", "monmux");
        for (var e : required.entrySet()) {
            assertEquals(List.of(e.getValue()), service.get(e.getKey()), e.getKey());
        }
        List<String> writable =
                List.of(String.join(" ", service.get("ReadWritePaths")).split("\\s+"));
        assertTrue(writable.containsAll(List.of("/var/log/monmux", "/run/monmux")), writable.toString());
        assertTrue(!service.containsKey("MemoryDenyWriteExecute"), "the JVM's JIT needs writable+executable memory");
        assertEquals(List.of("multi-user.target"), unit.get("Install").get("WantedBy"));

        // What the unit starts is a valid command line, and the example config's audit log is writable.
        String[] exec = service.get("ExecStart").get(0).split(" ");
        assertEquals(
                List.of("run", "--config", "/etc/monmux/monmux.yaml"),
                List.of(exec).subList(1, exec.length));
        MonmuxConfig example = new ConfigLoader().load(Path.of("config", "monmux.yaml"));
        String audit = example.audit().path();
        assertTrue(
                writable.stream().anyMatch(w -> audit.startsWith(w + "/")),
                "audit.path " + audit + " is under ReadWritePaths " + writable);
    }

    @Test
    void systemdAnalyzeVerifyFindsNothingToSay() throws Exception {
        Path analyze = Commands.onPath("systemd-analyze");
        if (analyze == null) {
            // Not required: the keys are checked by theUnitRunsMonmuxUnprivilegedAndHardened.
            System.out.println("systemd-analyze is not installed; config/monmux.service checked by parsing only");
            return;
        }
        // verify insists that ExecStart's program exists: point it at the launcher in this checkout.
        Path launcher = Path.of("bin", "monmux").toAbsolutePath();
        String text = Files.readString(UNIT).replace("ExecStart=/usr/local/bin/monmux ", "ExecStart=" + launcher + " ");
        Path copy = dir.resolve("monmux.service");
        Files.writeString(copy, text);
        Commands.Result r = Commands.run(List.of(analyze.toString(), "verify", copy.toString()), Map.of());
        assertEquals(0, r.code(), r.output());
        assertEquals("", r.output(), "systemd-analyze verify warns about nothing (unknown keys, bad values)");

        // The check is not vacuous: a misspelt key is reported.
        Files.writeString(copy, text.replace("ProtectHome=yes", "ProtectHomes=yes"));
        assertTrue(
                Commands.run(List.of(analyze.toString(), "verify", copy.toString()), Map.of())
                        .output()
                        .contains("Unknown key"),
                "verify reports unknown keys");
    }
}
