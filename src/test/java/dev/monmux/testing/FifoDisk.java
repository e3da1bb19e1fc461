package dev.monmux.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A disk that does not keep up, for real: a FIFO ({@code mkfifo}) whose reader, a thread of the
 * test's, reads only when told ({@link #stalled}) or a chunk at a time with pauses ({@link #slow}).
 * A writer's {@code write(2)} then blocks in the kernel once the pipe's 64 KiB are full, as it
 * does on a disk under dirty-page throttling. What was read is kept ({@link #text}).
 */
public final class FifoDisk {
    private final Path path;
    private final CountDownLatch release = new CountDownLatch(1);
    private final ByteArrayOutputStream read = new ByteArrayOutputStream();
    private final Thread reader;

    private FifoDisk(Path path, int chunk, long pauseMs, boolean wait) throws Exception {
        this.path = path;
        Process mkfifo =
                new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new AssertionError("mkfifo " + path + " failed");
        }
        this.reader = new Thread(
                () -> {
                    byte[] buf = new byte[chunk];
                    try (InputStream in = Files.newInputStream(path)) {
                        if (wait) {
                            release.await();
                        }
                        for (int n; (n = in.read(buf)) > 0; ) {
                            synchronized (read) {
                                read.write(buf, 0, n);
                            }
                            if (pauseMs > 0) {
                                Thread.sleep(pauseMs);
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                "slow-disk");
        reader.start();
    }

    /** A disk that reads nothing until {@link #release}, then everything. */
    public static FifoDisk stalled(Path path) throws Exception {
        return new FifoDisk(path, 64 * 1024, 0, true);
    }

    /** A disk that reads {@code chunk} bytes, then pauses {@code pauseMs}, until the writer closes it. */
    public static FifoDisk slow(Path path, int chunk, long pauseMs) throws Exception {
        return new FifoDisk(path, chunk, pauseMs, false);
    }

    public Path path() {
        return path;
    }

    /** The stalled disk catches up. */
    public void release() {
        release.countDown();
    }

    /** Waits until the writer closed the FIFO and everything was read; returns it. */
    public String text() throws InterruptedException {
        reader.join(20_000);
        synchronized (read) {
            return read.toString(StandardCharsets.UTF_8);
        }
    }
}
