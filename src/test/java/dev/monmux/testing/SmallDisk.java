package dev.monmux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real file system that fills up: a tmpfs of a few KiB mounted on a folder of the test's
 * ({@code mount -t tmpfs -o size=N}), unmounted by {@link #close}. Mounting needs root (CI runs
 * as root); elsewhere the calling test is skipped, or fails when MONMUX_REQUIRE_QEMU=1, as in CI.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    public static SmallDisk mount(Path dir, int kib) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(
                        "mount", "-t", "tmpfs", "-o", "size=" + kib + "k,mode=0755", "tmpfs", dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            String why = "cannot mount a small tmpfs (needs root): " + out;
            if ("1".equals(System.getenv("MONMUX_REQUIRE_QEMU"))) {
                throw new AssertionError(why + " but MONMUX_REQUIRE_QEMU=1");
            }
            Assumptions.abort(why);
        }
        return new SmallDisk(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Fills the disk but for about {@code freeKib} KiB, with a file that {@link #free} deletes. */
    public void fill(int freeKib) throws IOException {
        var store = Files.getFileStore(dir);
        long fill = store.getUsableSpace() - freeKib * 1024L;
        Files.write(dir.resolve("filler"), new byte[(int) Math.max(0, fill)]);
    }

    /** Deletes what {@link #fill} wrote. */
    public void free() throws IOException {
        Files.deleteIfExists(dir.resolve("filler"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
}
