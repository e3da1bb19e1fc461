package dev.monmux.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.config.AuditConfig.Fsync;
import dev.monmux.config.AuditConfig.OnFailure;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.FifoDisk;
import dev.monmux.testing.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AuditLogTest {
    @TempDir
    Path dir;

    static ObjectNode rec(int n) {
        ObjectNode r = QmpJson.object();
        r.put("type", "test");
        r.put("n", n);
        return r;
    }

    static List<JsonNode> read(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(QmpJson.MAPPER.readTree(line));
        }
        return out;
    }

    static void await(List<CompletableFuture<Void>> fs) throws Exception {
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Fsync.class)
    void everyRecordIsOneJsonLineInOrderOnceItsFutureCompletes(Fsync fsync) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, fsync, OnFailure.REFUSE, 0, 3, 100)) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(log.append(rec(i)));
            }
            fs.get(49).get(10, TimeUnit.SECONDS);
            // Written once complete: the file holds it now, before close.
            List<JsonNode> lines = read(file);
            assertEquals(50, lines.size());
            for (int i = 0; i < 50; i++) {
                assertEquals(i, lines.get(i).get("n").asInt());
            }
            assertEquals(50, log.written());
            assertEquals(0, log.failures());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Fsync.class,
            names = {"BATCH", "NEVER"})
    void withoutFsyncAlwaysTheCallerWritesItsRecordItselfAndGoesOnAtOnce(Fsync fsync) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, fsync, OnFailure.REFUSE, 0, 3, 100)) {
            for (int i = 0; i < 20; i++) {
                CompletableFuture<Void> f = log.append(rec(i));
                // No hand-off to the writer thread: written (to the OS) before append returned.
                assertTrue(f.isDone() && !f.isCompletedExceptionally(), "record " + i);
                assertEquals(i + 1, read(file).size());
            }
            assertEquals(0, log.backlog());
        }
    }

    @Test
    void batchForcesTheFileToDiskWithin10msOfAWrite() throws Exception {
        // What a forced file looks like from here: the writer asked for it (no failure, nothing
        // waiting), the record is there. The fsync itself is seen in the strace-free way: no
        // record is left unsynced once 10 ms (plus scheduling) have passed.
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 0, 3, 100)) {
            log.append(rec(1)).get(1, TimeUnit.SECONDS);
            assertTrue(log.unsynced(), "just written, not yet forced");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (log.unsynced() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertFalse(log.unsynced(), "forced to disk by the writer");
            assertEquals(0, log.failures());
        }
    }

    @ParameterizedTest
    @EnumSource(Fsync.class)
    void manyThreadsAtOnceLoseNothingAndKeepEachThreadsOrder(Fsync fsync) throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, fsync, OnFailure.REFUSE, 0, 3, 10)) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            Thread[] writers = new Thread[4];
            for (int t = 0; t < writers.length; t++) {
                int base = t * 1000;
                writers[t] = new Thread(() -> {
                    List<CompletableFuture<Void>> mine = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        mine.add(log.append(rec(base + i)));
                    }
                    synchronized (fs) {
                        fs.addAll(mine);
                    }
                });
                writers[t].start();
            }
            for (Thread w : writers) {
                w.join(20_000);
            }
            await(fs);
            List<JsonNode> lines = read(file);
            assertEquals(2000, lines.size());
            int[] next = new int[4];
            for (JsonNode l : lines) {
                int n = l.get("n").asInt();
                assertEquals(next[n / 1000]++, n % 1000, "order of thread " + n / 1000);
            }
        }
    }

    /**
     * A disk that does not keep up, for real: the audit "file" is a FIFO whose reader stops
     * reading, so {@code write(2)} blocks in the kernel once the pipe's 64 KiB are full. The
     * thread caught in that write waits; every other caller waits at most a moment for the file,
     * then hands its record to the writer and goes on. Beyond {@code queueSize} waiting records
     * a new command's start is refused (one line, in the user's words); outcomes and session
     * records still queue. Once the disk drains, everything queued is written, in each thread's
     * order, and nothing is lost.
     */
    @Test
    void aStalledDiskParksOnlyTheThreadInTheWriteAndBoundsTheBacklog() throws Exception {
        FifoDisk disk = FifoDisk.stalled(dir.resolve("audit.fifo"));
        Path fifo = disk.path();
        String pad = "x".repeat(1000);
        try (AuditLog log = AuditLog.start(fifo, Fsync.NEVER, OnFailure.REFUSE, 0, 3, 5)) {
            // Fill the pipe from a thread of its own: its write ends up blocked in the kernel.
            Thread stuck = new Thread(
                    () -> {
                        for (int i = 0; i < 200; i++) {
                            ObjectNode r = rec(i);
                            r.put("pad", pad);
                            log.append(r);
                        }
                    },
                    "stuck-loop");
            stuck.start();
            // Wait until the writes stop: the pipe is full and the thread is blocked in write(2).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long written = -1;
            while (written != log.written()) {
                assertTrue(System.nanoTime() < deadline, "the writes never stopped");
                written = log.written();
                Thread.sleep(200);
            }
            assertTrue(written > 0 && written < 200, "a full pipe stops the writes: " + written);
            assertTrue(stuck.isAlive());

            // This thread is not held up by the stalled write.
            List<CompletableFuture<Void>> mine = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                mine.add(log.appendOrRefuse(rec(1000 + i)));
            }
            CompletableFuture<Void> refused = log.appendOrRefuse(rec(2000));
            CompletableFuture<Void> outcome = log.append(rec(1005)); // not refusable: queued
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(tookMs < 1000, "appends waited " + tookMs + " ms for the stalled disk");
            assertTrue(mine.stream().noneMatch(CompletableFuture::isDone), "queued, not written yet");
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
            assertEquals(
                    "audit log unavailable: 5 records wait for the disk (audit.queueSize)",
                    e.getCause().getMessage());
            assertEquals(6, log.backlog());

            disk.release(); // the disk catches up
            stuck.join(20_000);
            mine.add(outcome);
            await(mine);
        }
        List<Integer> got = new ArrayList<>();
        for (String line : disk.text().split("\n")) {
            got.add(QmpJson.MAPPER.readTree(line).get("n").asInt());
        }
        assertEquals(206, got.size(), "every record but the refused one");
        assertEquals(
                java.util.stream.IntStream.range(0, 200).boxed().toList(),
                got.stream().filter(n -> n < 1000).toList(),
                "the stuck thread's records, in order");
        assertEquals(
                List.of(1000, 1001, 1002, 1003, 1004, 1005),
                got.stream().filter(n -> n >= 1000).toList(),
                "this thread's records, in order");
    }

    /**
     * A full disk, for real (a tmpfs of 64 KiB, filled but for 8 KiB): the record that does not
     * fit is refused in one line, the file keeps only whole records (a write cut short is cut
     * back), and once space is freed the next record is written.
     */
    @ParameterizedTest
    @EnumSource(
            value = Fsync.class,
            names = {"BATCH", "ALWAYS"})
    void aFullDiskRefusesInOneLineKeepsWholeRecordsAndRecovers(Fsync fsync) throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 64)) {
            Path file = disk.dir().resolve("audit.jsonl");
            disk.fill(8);
            String pad = "y".repeat(700);
            try (AuditLog log = AuditLog.start(file, fsync, OnFailure.REFUSE, 0, 3, 100)) {
                ExecutionException refused = null;
                int n = 0;
                while (refused == null && n < 100) {
                    ObjectNode r = rec(n++);
                    r.put("pad", pad);
                    try {
                        log.appendOrRefuse(r).get(10, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        refused = e;
                    }
                }
                org.junit.jupiter.api.Assertions.assertNotNull(refused, "the disk never filled");
                assertInstanceOf(AuditUnavailableException.class, refused.getCause());
                assertEquals(
                        "audit log unavailable: cannot write " + file + ": No space left on device",
                        refused.getCause().getMessage());
                long kept = log.written();
                assertTrue(kept > 0 && kept == n - 1, kept + " of " + n);
                List<JsonNode> lines = read(file); // every line parses: no half record
                assertEquals(kept, lines.size());

                disk.free();
                log.appendOrRefuse(rec(999)).get(10, TimeUnit.SECONDS);
                List<JsonNode> after = read(file);
                assertEquals(kept + 1, after.size());
                assertEquals(999, after.get(after.size() - 1).get("n").asInt());
                assertEquals(1, log.failures());
            }
        }
    }

    /**
     * {@code onFailure: continue} is about a file that cannot be written; a disk that is only
     * behind still refuses new commands beyond {@code queueSize}, so none runs unrecorded.
     */
    @Test
    void aBacklogRefusesNewCommandsEvenWithOnFailureContinue() throws Exception {
        FifoDisk disk = FifoDisk.stalled(dir.resolve("audit.fifo"));
        Path fifo = disk.path();
        try (AuditLog log = AuditLog.start(fifo, Fsync.NEVER, OnFailure.CONTINUE, 0, 3, 2)) {
            Thread stuck = new Thread(
                    () -> {
                        for (int i = 0; i < 200; i++) {
                            log.append(rec(i).put("pad", "x".repeat(1000)));
                        }
                    },
                    "stuck-loop");
            stuck.start();
            long written = -1;
            while (written != log.written()) {
                written = log.written();
                Thread.sleep(200);
            }
            List<CompletableFuture<Void>> queued =
                    List.of(log.appendOrRefuse(rec(1000)), log.appendOrRefuse(rec(1001)));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class,
                    () -> log.appendOrRefuse(rec(1002)).get(1, TimeUnit.SECONDS));
            assertEquals(
                    "audit log unavailable: 2 records wait for the disk (audit.queueSize)",
                    e.getCause().getMessage());
            assertEquals(null, log.lastFailure(), "a backlog is not a write failure");
            disk.release();
            stuck.join(20_000);
            await(queued);
        }
        disk.text(); // all read: the writer closed the FIFO
    }

    /** After one slow write of an event loop's own, records go through the writer thread for a while. */
    @Test
    void aSlowWriteSendsTheNextRecordsThroughTheWriterThread() throws Exception {
        FifoDisk disk = FifoDisk.stalled(dir.resolve("audit.fifo"));
        Path fifo = disk.path();
        try (AuditLog log = AuditLog.start(fifo, Fsync.NEVER, OnFailure.REFUSE, 0, 3, 100)) {
            assertFalse(log.handingOff());
            Thread loop = new Thread(
                    () -> {
                        for (int i = 0; i < 100; i++) {
                            log.append(rec(i).put("pad", "x".repeat(1000)));
                        }
                    },
                    "loop");
            loop.start();
            long written = -1;
            while (written != log.written()) { // until the pipe is full and the loop's write blocks
                written = log.written();
                Thread.sleep(100);
            }
            Thread.sleep(200); // blocked in write(2) for well over 50 ms
            disk.release(); // the disk answers, late
            loop.join(20_000);
            assertTrue(log.handingOff(), "a write that took >50 ms: the next records go through the writer");
            log.append(rec(500)).get(10, TimeUnit.SECONDS);
        }
        disk.text(); // all read: the writer closed the FIFO
    }

    /** logrotate's copytruncate empties the file under monmux: the rotation size is judged on the file. */
    @Test
    void aFileTruncatedFromOutsideIsNotRotatedEarly() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.NEVER, OnFailure.REFUSE, 4000, 3, 100)) {
            log.append(rec(1).put("pad", "p".repeat(3000))).get(5, TimeUnit.SECONDS);
            try (java.nio.channels.FileChannel ch =
                    java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            log.append(rec(2).put("pad", "q".repeat(800))).get(5, TimeUnit.SECONDS);
            log.append(rec(3)).get(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            assertFalse(Files.exists(dir.resolve("audit.jsonl.1")), "rotated a file of " + Files.size(file) + " bytes");
            assertEquals(
                    List.of(2, 3),
                    read(file).stream().map(n -> n.get("n").asInt()).toList());
        }
    }

    @Test
    void rotatesBySizeKeepingTheNewestFiles() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 500, 2, 100)) {
            for (int i = 0; i < 200; i++) {
                log.append(rec(i)).get(10, TimeUnit.SECONDS); // one at a time: one record per write
            }
        }
        assertTrue(Files.exists(dir.resolve("audit.jsonl.1")));
        assertTrue(Files.exists(dir.resolve("audit.jsonl.2")));
        assertFalse(Files.exists(dir.resolve("audit.jsonl.3")), "keep: 2");
        List<JsonNode> all = new ArrayList<>(read(dir.resolve("audit.jsonl.2")));
        all.addAll(read(dir.resolve("audit.jsonl.1")));
        all.addAll(read(file));
        assertTrue(Files.size(dir.resolve("audit.jsonl.1")) >= 500 && Files.size(dir.resolve("audit.jsonl.1")) < 600);
        int last = all.get(all.size() - 1).get("n").asInt();
        assertEquals(199, last);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(last - all.size() + 1 + i, all.get(i).get("n").asInt(), "consecutive across the files");
        }
    }

    @Test
    void reopenAfterLogrotateMovedTheFileStartsANewOne() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Path moved = dir.resolve("audit.jsonl.rotated");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 0, 3, 100)) {
            log.append(rec(1)).get(10, TimeUnit.SECONDS);
            Files.move(file, moved);
            log.append(rec(2)).get(10, TimeUnit.SECONDS); // still the open (moved) file
            log.reopen();
            log.append(rec(3)).get(10, TimeUnit.SECONDS);
        }
        assertEquals(
                List.of(1, 2), read(moved).stream().map(n -> n.get("n").asInt()).toList());
        assertEquals(
                List.of(3), read(file).stream().map(n -> n.get("n").asInt()).toList());
    }

    @Test
    void anUnwritableFileRefusesWithAOneLineReasonAndRecoversWhenFixed() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        Path file = notADir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 0, 3, 100)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> log.append(rec(1)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(AuditUnavailableException.class, e.getCause());
            assertEquals(
                    "audit log unavailable: cannot open " + file + ": " + notADir + " is not a directory",
                    e.getCause().getMessage());
            assertEquals(1, log.failures());
            assertEquals(0, log.written());

            Files.delete(notADir); // the operator fixes it: the next record goes through
            log.append(rec(2)).get(10, TimeUnit.SECONDS);
            assertEquals(1, log.written());
        }
        assertEquals(
                List.of(2), read(file).stream().map(n -> n.get("n").asInt()).toList());
    }

    @Test
    void onFailureContinueLetsCommandsGoOnAndCountsTheLoss() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        try (AuditLog log =
                AuditLog.start(notADir.resolve("audit.jsonl"), Fsync.BATCH, OnFailure.CONTINUE, 0, 3, 100)) {
            log.append(rec(1)).get(10, TimeUnit.SECONDS);
            log.append(rec(2)).get(10, TimeUnit.SECONDS);
            assertEquals(2, log.failures());
            assertTrue(log.lastFailure().contains("is not a directory"), log.lastFailure());
        }
    }

    @Test
    void closeWritesWhatIsWaitingAndLaterAppendsAreRefused() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditLog log = AuditLog.start(file, Fsync.ALWAYS, OnFailure.REFUSE, 0, 3, 100);
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fs.add(log.append(rec(i)));
        }
        log.close();
        await(fs);
        assertEquals(100, read(file).size());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> log.append(rec(101)).get(1, TimeUnit.SECONDS));
        assertEquals("audit log closed", e.getCause().getMessage());
    }
}
