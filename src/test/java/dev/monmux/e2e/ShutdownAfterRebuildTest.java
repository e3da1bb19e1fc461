package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuild of the jars under a running monmux (as {@code make build} while {@code make run}
 * runs) leaves classes that were not loaded yet unreadable. SIGTERM must still end the process,
 * within {@code shutdownGrace} plus the watchdog's margin, and the exit status says it was not
 * clean.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShutdownAfterRebuildTest {
    @TempDir
    Path dir;

    @Test
    void sigtermEndsTheProcessEvenWhenItsJarsWereRewrittenInPlace() throws Exception {
        List<Path> jars = copyClasspathAsJars(dir.resolve("lib"));
        try (QemuProcess qemu = QemuProcess.start()) {
            int port = dev.monmux.testing.MonmuxProcess.freePort();
            Path config = dir.resolve("monmux.yaml");
            Files.writeString(
                    config,
                    "listeners: {telnet: {port: " + port + ", mode: raw}}\n"
                            + "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\n"
                            + "metrics: {enabled: false}\nshutdownGrace: 2s\n");
            Path log = dir.resolve("monmux.log");
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            String.join(
                                    File.pathSeparator,
                                    jars.stream().map(Path::toString).toList()),
                            "dev.monmux.Main",
                            "run",
                            "--config",
                            config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                awaitPort(port, p, log);
                try (TelnetTestClient c = TelnetTestClient.raw(port)) {
                    c.await("(qemu) ", 20_000);
                    dev.monmux.testing.MonmuxProcess.awaitVmUp(c);
                    for (Path jar : jars) {
                        rewriteInPlace(jar);
                    }
                    long t0 = System.nanoTime();
                    Process kill = new ProcessBuilder("bash", "-c", "kill -TERM " + p.pid())
                            .inheritIO()
                            .start();
                    assertEquals(0, kill.waitFor());
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "monmux did not exit: " + Files.readString(log));
                    long s = (System.nanoTime() - t0) / 1_000_000_000L;
                    assertTrue(s <= 2 + 30 + 5, "exited after " + s + " s");
                    assertEquals(1, p.exitValue(), "an unclean stop says so: " + Files.readString(log));
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static void awaitPort(int port, Process p, Path log) throws Exception {
        for (int i = 0; i < 3000; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("monmux exited: " + Files.readString(log));
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError("monmux did not listen: " + Files.readString(log));
    }

    /** The test's classpath as jars of its own: directories packed, jars copied. */
    private static List<Path> copyClasspathAsJars(Path lib) throws IOException {
        Files.createDirectories(lib);
        List<Path> out = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(entry);
            Path dst = lib.resolve((n++) + "-" + src.getFileName() + (Files.isDirectory(src) ? ".jar" : ""));
            if (Files.isDirectory(src)) {
                try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dst));
                        Stream<Path> files = Files.walk(src)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        jar.putNextEntry(
                                new JarEntry(src.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, jar);
                        jar.closeEntry();
                    }
                }
            } else if (Files.isRegularFile(src)) {
                Files.copy(src, dst);
            } else {
                continue;
            }
            out.add(dst);
        }
        return out;
    }

    /** A rebuild writing over the same file: a valid jar again, with every entry somewhere else. */
    private static void rewriteInPlace(Path jar) throws IOException {
        List<JarEntry> entries;
        List<byte[]> bodies = new ArrayList<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            entries = new ArrayList<>(Collections.list(f.entries()));
            Collections.reverse(entries);
            for (JarEntry e : entries) {
                try (InputStream in = f.getInputStream(e)) {
                    bodies.add(in.readAllBytes());
                }
            }
        }
        try (OutputStream os =
                        Files.newOutputStream(jar, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                JarOutputStream out = new JarOutputStream(os)) {
            out.putNextEntry(new JarEntry("rebuilt-" + System.nanoTime()));
            out.write(new byte[8192]);
            out.closeEntry();
            for (int i = 0; i < entries.size(); i++) {
                out.putNextEntry(new JarEntry(entries.get(i).getName()));
                out.write(bodies.get(i));
                out.closeEntry();
            }
        }
    }
}
