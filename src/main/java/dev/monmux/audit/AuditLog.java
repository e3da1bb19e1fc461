package dev.monmux.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.monmux.config.AuditConfig;
import dev.monmux.config.AuditConfig.Fsync;
import dev.monmux.config.AuditConfig.OnFailure;
import dev.monmux.qmp.QmpJson;

/**
 * The append-only audit log: records are handed over from any thread (never blocking it) and
 * written by one dedicated thread, in order, one JSON object per line. {@link #append} completes
 * once the record is written: handed to the OS ({@code fsync: batch}, forced to disk at most
 * 10 ms later; {@code never}: the OS decides) or forced to disk ({@code always}).
 *
 * <p>Up to {@code queueSize} records wait for the writer; records beyond that are parked and
 * their futures complete later (the commands wait), so no record is ever dropped for lack of
 * room. When the file cannot be written, the futures fail with {@link AuditUnavailableException}
 * ({@code onFailure: refuse}) or complete with the record lost ({@code continue}); either way it is
 * counted, and the next record tries the file again.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    static final long BATCH_SYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MAX_BATCH = 512;

    private record Pending(byte[] line, CompletableFuture<Void> done) {
    }

    private final AuditFile file;
    private final Fsync fsync;
    private final OnFailure onFailure;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final ArrayDeque<Pending> parked = new ArrayDeque<>();
    private boolean reopenRequested;
    private boolean closing;
    private final Thread writer;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private final LongAdder written = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile String lastFailure;

    private long unsyncedSince = -1;
    private long lastFailureLogged;

    private AuditLog(Path path, Fsync fsync, OnFailure onFailure, long maxBytes, int keep, int queueSize) {
        this.file = new AuditFile(path, maxBytes, keep);
        this.fsync = fsync;
        this.onFailure = onFailure;
        this.capacity = queueSize;
        this.writer = new Thread(this::run, "monmux-audit");
        writer.setDaemon(true);
    }

    /** Opens the log and starts its writer; an unwritable file is reported, not fatal (see onFailure). */
    public static AuditLog start(AuditConfig c) {
        return start(Path.of(c.path()), c.fsync(), c.onFailure(), c.maxSizeMb() * 1024L * 1024L, c.keep(),
                c.queueSize());
    }

    /** As {@link #start(AuditConfig)}, with the rotation size in bytes (0: never rotate). */
    public static AuditLog start(Path path, Fsync fsync, OnFailure onFailure, long maxBytes, int keep, int queueSize) {
        AuditLog a = new AuditLog(path, fsync, onFailure, maxBytes, keep, queueSize);
        try {
            a.file.open();
            log.info("audit log: {} (fsync {}, onFailure {})", path, fsync.label(), onFailure.label());
        } catch (IOException e) {
            a.lastFailure = e.getMessage();
            log.error("audit log: {}; {}", e.getMessage(), onFailure == OnFailure.REFUSE
                    ? "commands are refused until it can be written (audit.onFailure: refuse)"
                    : "commands go on unrecorded (audit.onFailure: continue)");
        }
        a.writer.start();
        return a;
    }

    public Path path() {
        return file.path();
    }

    /** Records written so far. */
    public long written() {
        return written.sum();
    }

    /** Records that could not be written. */
    public long failures() {
        return failures.sum();
    }

    /** The last write failure, or null. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Records waiting to be written (queued and parked). */
    public int backlog() {
        lock.lock();
        try {
            return queue.size() + parked.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands a record to the writer; never blocks. Completes once it is written (see the class
     * comment), or fails with {@link AuditUnavailableException}.
     */
    public CompletableFuture<Void> append(ObjectNode record) {
        byte[] line;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            QmpJson.MAPPER.writeValue(out, record);
            out.write('\n');
            line = out.toByteArray();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new AuditUnavailableException("audit record not serializable: " + e));
        }
        Pending p = new Pending(line, new CompletableFuture<>());
        lock.lock();
        try {
            if (closing) {
                return CompletableFuture.failedFuture(new AuditUnavailableException("audit log closed"));
            }
            if (queue.size() < capacity && parked.isEmpty()) {
                queue.add(p);
            } else {
                parked.add(p);
            }
            wake.signal();
        } finally {
            lock.unlock();
        }
        return p.done();
    }

    /** Closes the file and opens it again before the next record (SIGHUP after logrotate moved it). */
    public void reopen() {
        lock.lock();
        try {
            reopenRequested = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                boolean reopen;
                boolean last;
                lock.lock();
                try {
                    while (queue.isEmpty() && !reopenRequested && !closing && !syncDue()) {
                        if (unsyncedSince >= 0) {
                            wake.awaitNanos(Math.max(1, unsyncedSince + BATCH_SYNC_NANOS - System.nanoTime()));
                        } else {
                            wake.await();
                        }
                    }
                    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                        batch.add(queue.poll());
                    }
                    while (!parked.isEmpty() && queue.size() < capacity) {
                        queue.add(parked.poll());
                    }
                    reopen = reopenRequested;
                    reopenRequested = false;
                    last = closing && queue.isEmpty() && parked.isEmpty();
                } finally {
                    lock.unlock();
                }
                if (reopen) {
                    reopenFile();
                }
                if (!batch.isEmpty()) {
                    write(batch);
                    batch.clear();
                }
                if (syncDue() || (last && unsyncedSince >= 0)) {
                    sync();
                }
                if (last) {
                    file.closeQuietly();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("audit writer stopped", e);
            failAll(new AuditUnavailableException("audit writer stopped: " + e));
            throw e;
        } finally {
            stopped.complete(null);
        }
    }

    private boolean syncDue() {
        return unsyncedSince >= 0 && System.nanoTime() - unsyncedSince >= BATCH_SYNC_NANOS;
    }

    private void write(List<Pending> batch) {
        int bytes = 0;
        for (Pending p : batch) {
            bytes += p.line().length;
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        for (Pending p : batch) {
            buf.put(p.line());
        }
        buf.flip();
        try {
            file.append(buf);
            if (fsync == Fsync.ALWAYS) {
                file.sync();
            } else if (fsync == Fsync.BATCH && unsyncedSince < 0) {
                unsyncedSince = System.nanoTime();
            }
        } catch (IOException e) {
            failed(batch, e.getMessage());
            return;
        }
        written.add(batch.size());
        if (lastFailure != null) {
            log.info("audit log: writing {} again", file.path());
            lastFailure = null;
        }
        for (Pending p : batch) {
            p.done().complete(null);
        }
        if (file.full()) {
            try {
                file.rotate();
                unsyncedSince = -1;
                log.info("audit log: rotated {}", file.path());
            } catch (IOException e) {
                noteFailure("cannot rotate " + file.path() + ": " + e.getMessage());
            }
        }
    }

    private void failed(List<Pending> batch, String message) {
        failures.add(batch.size());
        noteFailure(message);
        for (Pending p : batch) {
            if (onFailure == OnFailure.REFUSE) {
                p.done().completeExceptionally(new AuditUnavailableException("audit log unavailable: " + message));
            } else {
                p.done().complete(null);
            }
        }
    }

    private void noteFailure(String message) {
        lastFailure = message;
        long now = System.nanoTime();
        if (now - lastFailureLogged > TimeUnit.SECONDS.toNanos(10) || lastFailureLogged == 0) {
            lastFailureLogged = now;
            log.error("audit log: {} ({} records lost or refused so far)", message, failures.sum());
        }
    }

    private void sync() {
        unsyncedSince = -1;
        try {
            file.sync();
        } catch (IOException e) {
            failures.increment();
            noteFailure(e.getMessage());
        }
    }

    private void reopenFile() {
        try {
            file.reopen();
            unsyncedSince = -1;
            file.open();
            log.info("audit log: reopened {}", file.path());
        } catch (IOException e) {
            noteFailure(e.getMessage());
        }
    }

    private void failAll(AuditUnavailableException e) {
        lock.lock();
        try {
            closing = true;
            queue.forEach(p -> p.done().completeExceptionally(e));
            parked.forEach(p -> p.done().completeExceptionally(e));
            queue.clear();
            parked.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Writes what is waiting, forces it to disk and closes the file. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        try {
            stopped.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("audit log: writer did not finish in time: {}", e.toString());
        }
    }
}
