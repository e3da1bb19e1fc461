package dev.monmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every monmux config shipped in {@code config/} passes {@code monmux check-config} (on a host with its directories). */
class ShippedConfigsTest {
    @TempDir
    Path dir;

    /**
     * {@code config} as installed on a host that has the directories it names: a copy in {@code
     * root} whose absolute paths ({@code /run/qemu/web1.qmp}, {@code /var/log/monmux/...}) are
     * under {@code root}, their directories made. check-config checks the host's files too.
     */
    static Path onThisHost(Path config, Path root) throws IOException {
        Matcher m = ABSOLUTE.matcher(Files.readString(config));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Path p = Path.of(root + m.group(2));
            Files.createDirectories(p.getParent());
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + p));
        }
        m.appendTail(sb);
        Path copy = root.resolve(config.getFileName());
        Files.writeString(copy, sb.toString());
        return copy;
    }

    private static final Pattern ABSOLUTE = Pattern.compile("([:\\s'\"])(/(?:run|var|etc|srv)/[^\\s'\"]+)");

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
        for (Path shipped : files) {
            Path f = onThisHost(shipped, dir);
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
