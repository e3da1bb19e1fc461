package dev.monmux.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.monmux.config.AuditConfig.Fsync;
import dev.monmux.config.AuditConfig.OnFailure;
import dev.monmux.qmp.QmpJson;

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

    @Test
    void aFullQueueParksRecordsInsteadOfDroppingThem() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.NEVER, OnFailure.REFUSE, 0, 3, 1)) {
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
            // Each thread's records in its own order.
            int[] next = new int[4];
            for (JsonNode l : lines) {
                int n = l.get("n").asInt();
                assertEquals(next[n / 1000]++, n % 1000, "order of thread " + n / 1000);
            }
        }
    }

    @Test
    void rotatesBySizeKeepingTheNewestFiles() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 500, 2, 100)) {
            for (int i = 0; i < 200; i++) {
                log.append(rec(i)).get(10, TimeUnit.SECONDS);   // one at a time: one record per write
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
            log.append(rec(2)).get(10, TimeUnit.SECONDS);   // still the open (moved) file
            log.reopen();
            log.append(rec(3)).get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of(1, 2), read(moved).stream().map(n -> n.get("n").asInt()).toList());
        assertEquals(List.of(3), read(file).stream().map(n -> n.get("n").asInt()).toList());
    }

    @Test
    void anUnwritableFileRefusesWithAOneLineReasonAndRecoversWhenFixed() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        Path file = notADir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.start(file, Fsync.BATCH, OnFailure.REFUSE, 0, 3, 100)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> log.append(rec(1)).get(10, TimeUnit.SECONDS));
            assertInstanceOf(AuditUnavailableException.class, e.getCause());
            assertEquals("audit log unavailable: cannot open " + file + ": " + notADir + " is not a directory",
                    e.getCause().getMessage());
            assertEquals(1, log.failures());
            assertEquals(0, log.written());

            Files.delete(notADir);   // the operator fixes it: the next record goes through
            log.append(rec(2)).get(10, TimeUnit.SECONDS);
            assertEquals(1, log.written());
        }
        assertEquals(List.of(2), read(file).stream().map(n -> n.get("n").asInt()).toList());
    }

    @Test
    void onFailureContinueLetsCommandsGoOnAndCountsTheLoss() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        try (AuditLog log = AuditLog.start(notADir.resolve("audit.jsonl"), Fsync.BATCH, OnFailure.CONTINUE, 0, 3, 100)) {
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
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> log.append(rec(101)).get(1, TimeUnit.SECONDS));
        assertEquals("audit log closed", e.getCause().getMessage());
    }
}
