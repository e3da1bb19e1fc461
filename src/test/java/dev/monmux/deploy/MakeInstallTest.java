package dev.monmux.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make install DESTDIR=... [PREFIX=...]} lays out the jar, the launcher, the systemd unit,
 * the docs and the example config, and the installed launcher runs monmux. The jar installed here
 * is built from target/classes with a Class-Path to the dependency jars (the shaded jar does not
 * exist yet while the tests run), so it really runs.
 */
class MakeInstallTest {
    @TempDir
    static Path work;

    static Path jar;

    static Path manPage;

    @BeforeAll
    static void buildRunnableJar() throws IOException {
        assertNotNull(Commands.onPath("make"), "make is not installed (apt-get install -y make)");
        Path classes = Path.of("target", "classes").toAbsolutePath();
        StringBuilder classPath = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                classPath
                        .append(classPath.length() == 0 ? "" : " ")
                        .append(Path.of(entry).toUri());
            }
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.monmux.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString());
        manPage = work.resolve("monmux.1");
        dev.monmux.docs.ManPage.main(new String[] {"README.md", manPage.toString(), "0.1.0"});
        jar = work.resolve("monmux-test.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static Commands.Result make(String... vars) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("make", "-s", "--no-print-directory", "install"));
        cmd.add("MANPAGE=" + manPage); // as `make build` makes it (target/monmux.1)
        cmd.addAll(List.of(vars));
        return Commands.run(cmd, Map.of());
    }

    private static Commands.Result monmux(Path launcher, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        return Commands.run(
                cmd,
                Map.of(
                        "JAVA",
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "JAVA_OPTS",
                        "-Xmx64m -XX:TieredStopAtLevel=1"));
    }

    @Test
    void installsUnderUsrLocalAndTheLauncherRuns() throws Exception {
        Path dest = Files.createDirectory(work.resolve("local"));
        Commands.Result r = make("DESTDIR=" + dest, "JAR=" + jar);
        assertEquals(0, r.code(), r.output());
        Path prefix = dest.resolve("usr/local");
        Path launcher = prefix.resolve("bin/monmux");
        assertTrue(Files.isExecutable(launcher), "launcher");
        assertEquals(-1, Files.mismatch(jar, prefix.resolve("share/monmux/monmux.jar")), "the jar");
        for (String doc : List.of("README.md", "monmux.yaml", "prometheus.yml", "monmux-dashboard.json")) {
            assertTrue(Files.isRegularFile(prefix.resolve("share/doc/monmux").resolve(doc)), doc);
        }
        assertEquals(-1, Files.mismatch(manPage, prefix.resolve("share/man/man1/monmux.1")), "the man page");
        Path completion = prefix.resolve("share/bash-completion/completions/monmux");
        assertEquals("check-config\n", complete(completion, "monmux ch"), "a command");
        assertEquals("--config\n--log-level\n", complete(completion, "monmux run --"), "run's options");
        assertEquals("debug\n", complete(completion, "monmux run --log-level de"), "a log level");
        assertEquals("events\n", complete(completion, "monmux ctl ev"), "a ctl subcommand");
        assertEquals("events\n", complete(completion, "monmux ctl --socket /tmp/x.sock ev"), "after --socket");
        assertEquals("--event\n", complete(completion, "monmux ctl events web1 --ev"), "an events option");
        assertEquals("RESUME\nRESET\n", complete(completion, "monmux ctl events web1 --event RES"), "an event name");
        assertEquals("init\n", complete(completion, "monmux tls "), "tls's command");
        assertEquals("--host\n", complete(completion, "monmux tls init /tmp --h"), "tls init's options");
        Path unit = prefix.resolve("share/monmux/monmux.service");
        assertTrue(Files.readString(unit)
                .contains("\nExecStart=/usr/local/bin/monmux run --config /etc/monmux/monmux.yaml\n"));
        Path config = dest.resolve("etc/monmux/monmux.yaml");
        assertEquals(
                "rw-r-----",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(config)),
                "the config may name a users file: not world-readable");

        Commands.Result version = monmux(launcher, "--version");
        assertEquals(0, version.code(), version.output());
        assertTrue(version.output().matches("monmux \\d+\\.\\d+\\.\\d+\\S*\n"), version.output());
        Commands.Result check = monmux(launcher, "check-config", config.toString());
        if (Files.isDirectory(Path.of("/var/log/monmux"))
                && Files.isDirectory(Path.of("/run/qemu"))
                && Files.isWritable(Path.of("/run"))) {
            assertEquals(config + ": OK (2 VMs)\n", check.output());
        } else {
            // check-config looks at this host too: the example's audit and QMP socket directories
            // are there only where monmux is deployed; nothing else may be wrong.
            assertEquals(2, check.code(), check.output());
            for (String line : check.output().split("\n")) {
                assertTrue(
                        line.matches("monmux: " + java.util.regex.Pattern.quote(config.toString())
                                + ": line \\d+, column \\d+: (audit\\.path|vms\\[0]\\.qmp|control\\.socket): the "
                                + "directory (/var/log/monmux|/run/qemu|/run/monmux) does not exist.*"),
                        line);
            }
        }
        assertEquals(2, monmux(launcher, "--no-such-option").code(), "the launcher passes on the exit code");

        // A second install keeps the operator's config.
        Files.writeString(config, "# edited\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(0, make("DESTDIR=" + dest, "JAR=" + jar).code());
        assertTrue(Files.readString(config).endsWith("# edited\n"), "an existing /etc/monmux/monmux.yaml is kept");
    }

    @Test
    void prefixUsrPutsTheUnitWhereSystemdLooks() throws Exception {
        Path dest = Files.createDirectory(work.resolve("usr"));
        Commands.Result r = make("DESTDIR=" + dest, "PREFIX=/usr", "JAR=" + jar);
        assertEquals(0, r.code(), r.output());
        String unit = Files.readString(dest.resolve("usr/lib/systemd/system/monmux.service"));
        assertTrue(unit.contains("\nExecStart=/usr/bin/monmux run --config /etc/monmux/monmux.yaml\n"), unit);
        assertTrue(unit.contains("\nDocumentation=file:/usr/share/doc/monmux/README.md\n"), unit);
        assertTrue(Files.isExecutable(dest.resolve("usr/bin/monmux")));
        assertTrue(Files.isRegularFile(dest.resolve("usr/share/monmux/monmux.jar")));
        assertTrue(Files.isRegularFile(dest.resolve("usr/share/man/man1/monmux.1")), "where man looks");
    }

    @Test
    void withoutAJarInstallSaysWhatToDo() throws Exception {
        Path dest = Files.createDirectory(work.resolve("none"));
        Commands.Result r = make("DESTDIR=" + dest, "JAR=" + work.resolve("missing.jar"));
        assertNotEquals(0, r.code());
        assertTrue(r.output().contains("missing.jar is missing; run 'make build' first"), r.output());
        try (Stream<Path> s = Files.list(dest)) {
            assertEquals(0, s.count(), "nothing installed");
        }
    }

    /** What bash completion offers for {@code line} (the last word completed), one per line. */
    private static String complete(Path completion, String line) throws Exception {
        String script = "source '" + completion + "'\n"
                + "COMP_WORDS=(" + line + (line.endsWith(" ") ? "''" : "") + ")\n"
                + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "_monmux\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", script)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
