package dev.monmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every monmux config shipped in {@code config/} passes {@code monmux check-config}. */
class ShippedConfigsTest {
    @Test
    void everyConfigFilePassesCheckConfig() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("config"))) {
            // prometheus.yml is Prometheus's scrape config, not monmux's.
            files = s.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
        assertFalse(files.isEmpty(), "config/ holds monmux configs");
        for (Path f : files) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(
                    List.of("check-config", f.toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, code, f + ": " + err.toString(StandardCharsets.UTF_8));
        }
    }
}
