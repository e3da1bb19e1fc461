package dev.monmux.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.config.AuditConfig;
import dev.monmux.config.AuditConfig.Fsync;
import dev.monmux.config.AuditConfig.OnFailure;
import dev.monmux.qmp.QmpJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit log, one JSON object per line. {@link #append} completes once the record
 * is written: handed to the OS ({@code fsync: batch}, forced to disk at most 10 ms later;
 * {@code never}: the OS decides) or forced to disk ({@code always}).
 *
 * <p><b>Who writes.</b> With {@code batch} and {@code never} the caller (an event loop) writes its
 * record itself: one {@code write(2)} into the page cache, and the future it gets back is already
 * complete, so the command goes on without being handed to another thread and back. The writer
 * thread only forces the file to disk every 10 ms, rotates it and reopens it. Only when the file
 * is busy for longer than {@value #LOCK_PATIENCE_MICROS} µs (another thread is in a slow write: a
 * slow or stalled disk), or records already wait, does a record go to the writer's queue; its
 * future then completes on the writer thread once it is written, and the caller's later records
 * queue behind it, so each thread's records stay in its order. A write of the caller's own that
 * takes more than 50 ms (the disk is slow: dirty-page throttling, a network file system; a thread
 * merely preempted on a busy machine takes a few ms) sends every record through the writer for
 * the next 10 s, so a slow disk holds up an event loop for one write, not for every one; a write
 * that blocks outright (a hung file system) still holds the caller until the disk answers. With
 * {@code always} every record goes through the writer, which writes what has gathered and forces
 * it to disk once for all (group commit).
 *
 * <p><b>Bounds.</b> At most {@code queueSize} records wait for the writer before a new command's
 * start is refused ({@link #appendOrRefuse}): a disk that cannot keep up refuses commands rather
 * than hold an ever-growing backlog. The other records (a command's outcome, sessions, logins)
 * always queue: refusing them would lose what already happened.
 *
 * <p><b>Failures.</b> When the file cannot be written, the futures fail with
 * {@link AuditUnavailableException} ({@code onFailure: refuse}) or complete with the record lost
 * ({@code continue}); either way it is counted, and the next record tries the file again.
 *
 * <p>One class because the callers' own writes and the writer thread share two locks, a queue and the
 * file's state; apart, that protocol would be spread over files.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    static final long BATCH_SYNC_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How long a caller waits for the file while another thread writes it, before queueing. */
    static final long LOCK_PATIENCE_MICROS = 200;
    /** A caller's own write that takes longer than this means the disk is slow right now... */
    static final long SLOW_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** ...and for this long every record goes through the writer thread instead. */
    static final long SLOW_DISK_HOLD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final int MAX_BATCH = 512;

    private record Pending(byte[] line, CompletableFuture<Void> done) {}

    private final AuditFile file;
    private final Fsync fsync;
    private final OnFailure onFailure;
    private final int queueLimit;

    /** Held while the file is written, rotated, reopened or closed; never while forced to disk. */
    private final ReentrantLock fileLock = new ReentrantLock();
    /** Guards the queue and the writer's requests; never held across I/O. */
    private final ReentrantLock stateLock = new ReentrantLock();

    private final Condition wake = stateLock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** {@code queue.size()}, readable without the lock (a caller checks it before writing itself). */
    private final AtomicInteger queued = new AtomicInteger();
    /** SIGHUP asked for the file to be reopened: records queue until the writer has. */
    private volatile boolean reopenRequested;
    /** The file reached its rotation size: records queue until the writer has rotated it. */
    private volatile boolean rotateRequested;

    private volatile boolean closing;
    /** Set under {@link #fileLock} once the writer closed the file for good. */
    private boolean closed;
    /** Until when ({@code System.nanoTime()}) callers hand records to the writer: the disk was slow. */
    private volatile long slowUntil = Long.MIN_VALUE;
    /** When the oldest record not yet forced to disk was written; -1: none. */
    private final AtomicLong unsyncedSince = new AtomicLong(-1);

    private final Thread writer;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private final LongAdder written = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile String lastFailure;
    private final Object failureLogging = new Object();
    private long lastFailureLogged;
    private long lastBacklogLogged;

    private AuditLog(Path path, Fsync fsync, OnFailure onFailure, long maxBytes, int keep, int queueSize) {
        this.file = new AuditFile(path, maxBytes, keep);
        this.fsync = fsync;
        this.onFailure = onFailure;
        this.queueLimit = queueSize;
        this.writer = new Thread(this::run, "monmux-audit");
        writer.setDaemon(true);
    }

    /** Opens the log and starts its writer; an unwritable file is reported, not fatal (see onFailure). */
    public static AuditLog start(AuditConfig c) {
        return start(
                Path.of(c.path()), c.fsync(), c.onFailure(), c.maxSizeMb() * 1024L * 1024L, c.keep(), c.queueSize());
    }

    /** As {@link #start(AuditConfig)}, with the rotation size in bytes (0: never rotate). */
    public static AuditLog start(Path path, Fsync fsync, OnFailure onFailure, long maxBytes, int keep, int queueSize) {
        AuditLog a = new AuditLog(path, fsync, onFailure, maxBytes, keep, queueSize);
        try {
            a.file.open();
            log.info("audit log: {} (fsync {}, onFailure {})", path, fsync.label(), onFailure.label());
        } catch (IOException e) {
            a.lastFailure = e.getMessage();
            log.error(
                    "audit log: {}; {}",
                    e.getMessage(),
                    onFailure == OnFailure.REFUSE
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

    /** Records that could not be written (or were refused for want of room). */
    public long failures() {
        return failures.sum();
    }

    /** The last write failure, or null. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Whether a record was written that is not yet forced to disk ({@code fsync: batch}). */
    boolean unsynced() {
        return unsyncedSince.get() >= 0;
    }

    /** Whether callers hand their records to the writer thread now (a recent write was slow). */
    boolean handingOff() {
        return diskSlow();
    }

    /** Records waiting for the writer. */
    public int backlog() {
        return queued.get();
    }

    /**
     * Writes a record, or hands it to the writer. Completes once it is written (see the class
     * comment), or fails with {@link AuditUnavailableException}.
     */
    public CompletableFuture<Void> append(ObjectNode record) {
        return append(record, false);
    }

    /**
     * As {@link #append}, for the start of a command: refused when {@code queueSize} records
     * already wait for the disk (the command is then not sent).
     */
    public CompletableFuture<Void> appendOrRefuse(ObjectNode record) {
        return append(record, true);
    }

    private CompletableFuture<Void> append(ObjectNode record, boolean refusable) {
        byte[] line;
        try {
            byte[] json = QmpJson.MAPPER.writeValueAsBytes(record);
            line = Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new AuditUnavailableException("audit record not serializable: " + e));
        }
        return append(line, refusable);
    }

    /** As {@link #append(ObjectNode)}, for a record already written as one line ({@code \n} included). */
    CompletableFuture<Void> append(byte[] line) {
        return append(line, false);
    }

    /** As {@link #appendOrRefuse(ObjectNode)}, for a record already written as one line. */
    CompletableFuture<Void> appendOrRefuse(byte[] line) {
        return append(line, true);
    }

    private CompletableFuture<Void> append(byte[] line, boolean refusable) {
        if (closing) {
            return CompletableFuture.failedFuture(new AuditUnavailableException("audit log closed"));
        }
        if (fsync != Fsync.ALWAYS
                && queued.get() == 0
                && !rotateRequested
                && !reopenRequested
                && !diskSlow()
                && lockFile()) {
            try {
                // Checked again under the lock: the writer takes its batch under it, so a record
                // of this thread that went to the queue earlier is written by now, or still queued.
                if (queued.get() == 0 && !rotateRequested && !reopenRequested && !closed) {
                    return writeNow(line);
                }
            } finally {
                fileLock.unlock();
            }
        }
        return enqueue(line, refusable);
    }

    private boolean lockFile() {
        if (fileLock.tryLock()) {
            return true;
        }
        try {
            return fileLock.tryLock(LOCK_PATIENCE_MICROS, TimeUnit.MICROSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean diskSlow() {
        long until = slowUntil;
        return until != Long.MIN_VALUE && System.nanoTime() - until < 0;
    }

    /**
     * The caller's own write, under {@link #fileLock}. One that took longer than
     * {@link #SLOW_WRITE_NANOS} sends every record through the writer thread for
     * {@link #SLOW_DISK_HOLD_NANOS}: while a disk is slow, event loops stop writing to it.
     */
    private CompletableFuture<Void> writeNow(byte[] line) {
        long t0 = System.nanoTime();
        try {
            file.append(ByteBuffer.wrap(line));
        } catch (IOException e) {
            return failed(1, e.getMessage());
        }
        long took = System.nanoTime() - t0;
        if (took > SLOW_WRITE_NANOS) {
            boolean wasSlow = diskSlow();
            slowUntil = System.nanoTime() + SLOW_DISK_HOLD_NANOS;
            if (!wasSlow) {
                log.warn(
                        "audit log: a write took {} ms; records go through the audit thread for the next {} s",
                        TimeUnit.NANOSECONDS.toMillis(took),
                        TimeUnit.NANOSECONDS.toSeconds(SLOW_DISK_HOLD_NANOS));
            }
        }
        wroteOk(1);
        boolean wakeWriter = false;
        if (fsync == Fsync.BATCH && unsyncedSince.get() < 0) {
            wakeWriter = unsyncedSince.compareAndSet(-1, System.nanoTime());
        }
        if (file.full()) {
            rotateRequested = true;
            wakeWriter = true;
        }
        if (wakeWriter) {
            signalWriter();
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> enqueue(byte[] line, boolean refusable) {
        Pending p = new Pending(line, new CompletableFuture<>());
        stateLock.lock();
        try {
            if (closing) {
                return CompletableFuture.failedFuture(new AuditUnavailableException("audit log closed"));
            }
            if (refusable && queue.size() >= queueLimit) {
                return backlogRefusal(queue.size());
            }
            queue.add(p);
            queued.incrementAndGet();
            wake.signal();
        } finally {
            stateLock.unlock();
        }
        return p.done();
    }

    private void signalWriter() {
        stateLock.lock();
        try {
            wake.signal();
        } finally {
            stateLock.unlock();
        }
    }

    /** Closes the file and opens it again before the next record (SIGHUP after logrotate moved it). */
    public void reopen() {
        stateLock.lock();
        try {
            reopenRequested = true;
            wake.signal();
        } finally {
            stateLock.unlock();
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                boolean reopen;
                boolean rotate;
                boolean last;
                stateLock.lock();
                try {
                    while (queue.isEmpty() && !reopenRequested && !rotateRequested && !closing && !syncDue()) {
                        long since = unsyncedSince.get();
                        if (since >= 0) {
                            wake.awaitNanos(Math.max(1, since + BATCH_SYNC_NANOS - System.nanoTime()));
                        } else {
                            wake.await();
                        }
                    }
                    reopen = reopenRequested;
                    rotate = rotateRequested;
                    last = closing;
                } finally {
                    stateLock.unlock();
                }
                if (reopen || rotate || queued.get() > 0 || last) {
                    fileLock.lock();
                    try {
                        if (reopen) {
                            reopenFile();
                        }
                        if (rotate) {
                            rotateFile();
                        }
                        drain(batch, last);
                        if (last) {
                            syncNow();
                            file.closeQuietly();
                            closed = true;
                            return;
                        }
                    } finally {
                        fileLock.unlock();
                    }
                }
                if (syncDue()) {
                    syncNow();
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

    /** Writes the queued records, a batch at a time (all of them when closing); under {@link #fileLock}. */
    private void drain(List<Pending> batch, boolean all) {
        do {
            stateLock.lock();
            try {
                while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.poll());
                }
                queued.set(queue.size());
            } finally {
                stateLock.unlock();
            }
            if (batch.isEmpty()) {
                return;
            }
            writeBatch(batch);
            batch.clear();
        } while (all);
    }

    private boolean syncDue() {
        long since = unsyncedSince.get();
        return since >= 0 && System.nanoTime() - since >= BATCH_SYNC_NANOS;
    }

    private void writeBatch(List<Pending> batch) {
        int bytes = 0;
        for (Pending p : batch) {
            bytes += p.line().length;
        }
        ByteBuffer buf = ByteBuffer.allocate(bytes);
        for (Pending p : batch) {
            buf.put(p.line());
        }
        buf.flip();
        Throwable refused = null;
        try {
            file.append(buf);
            if (fsync == Fsync.ALWAYS) {
                file.sync();
            } else if (fsync == Fsync.BATCH) {
                unsyncedSince.compareAndSet(-1, System.nanoTime());
            }
            wroteOk(batch.size());
            if (file.full()) {
                rotateRequested = true;
            }
        } catch (IOException e) {
            refused = lost(batch.size(), e.getMessage());
        }
        for (Pending p : batch) {
            if (refused == null) {
                p.done().complete(null);
            } else {
                p.done().completeExceptionally(refused);
            }
        }
    }

    private void wroteOk(int records) {
        written.add(records);
        if (lastFailure != null) {
            log.info("audit log: writing {} again", file.path());
            lastFailure = null;
        }
    }

    /**
     * A command's start refused because {@code queueSize} records already wait for a slow disk:
     * whatever {@code onFailure} says (it is about a file that cannot be written; this one can, it
     * is only behind), the command is refused, so that no command runs unrecorded.
     */
    private CompletableFuture<Void> backlogRefusal(int waiting) {
        failures.increment();
        String message = waiting + " records wait for the disk (audit.queueSize)";
        synchronized (failureLogging) {
            long now = System.nanoTime();
            if (now - lastBacklogLogged > TimeUnit.SECONDS.toNanos(10) || lastBacklogLogged == 0) {
                lastBacklogLogged = now;
                log.error("audit log: {}; new commands are refused until it catches up", message);
            }
        }
        return CompletableFuture.failedFuture(new AuditUnavailableException("audit log unavailable: " + message));
    }

    /** Counts {@code records} lost; the future for them, as {@code onFailure} says. */
    private CompletableFuture<Void> failed(int records, String message) {
        AuditUnavailableException refused = lost(records, message);
        return refused != null ? CompletableFuture.failedFuture(refused) : CompletableFuture.completedFuture(null);
    }

    /** Counts {@code records} lost; what their futures fail with ({@code onFailure: refuse}), or null. */
    private AuditUnavailableException lost(int records, String message) {
        failures.add(records);
        noteFailure(message);
        return onFailure == OnFailure.REFUSE
                ? new AuditUnavailableException("audit log unavailable: " + message)
                : null;
    }

    private void noteFailure(String message) {
        lastFailure = message;
        synchronized (failureLogging) {
            long now = System.nanoTime();
            if (now - lastFailureLogged > TimeUnit.SECONDS.toNanos(10) || lastFailureLogged == 0) {
                lastFailureLogged = now;
                log.error("audit log: {} ({} records lost or refused so far)", message, failures.sum());
            }
        }
    }

    /**
     * Forces what was written to disk. Outside {@link #fileLock} when called from the loop (the
     * callers keep writing meanwhile); a file closed under it by a rotation was forced then.
     */
    private void syncNow() {
        unsyncedSince.set(-1);
        FileChannel ch = file.channel();
        if (ch == null) {
            return;
        }
        try {
            ch.force(false);
        } catch (ClosedChannelException e) {
            // Closed meanwhile: by a rotation or reopen (forced first), or by a failed write. Force
            // again next round: fsync of the reopened file forces what the old descriptor wrote.
            unsyncedSince.compareAndSet(-1, System.nanoTime());
        } catch (IOException e) {
            failures.increment();
            noteFailure("cannot sync " + file.path() + ": " + e.getMessage());
            fileLock.lock();
            try {
                if (file.channel() == ch) {
                    file.closeQuietly(); // the next record opens it again
                }
            } finally {
                fileLock.unlock();
            }
        }
    }

    private void rotateFile() {
        rotateRequested = false;
        try {
            file.rotate();
            log.info("audit log: rotated {}", file.path());
        } catch (IOException e) {
            noteFailure("cannot rotate " + file.path() + ": " + e.getMessage());
        }
    }

    private void reopenFile() {
        reopenRequested = false;
        try {
            file.reopen();
            file.open();
            log.info("audit log: reopened {}", file.path());
        } catch (IOException e) {
            noteFailure(e.getMessage());
        }
    }

    private void failAll(AuditUnavailableException e) {
        stateLock.lock();
        try {
            closing = true;
            queue.forEach(p -> p.done().completeExceptionally(e));
            queue.clear();
            queued.set(0);
        } finally {
            stateLock.unlock();
        }
    }

    /** Writes what is waiting, forces it to disk and closes the file. */
    @Override
    public void close() {
        stateLock.lock();
        try {
            closing = true;
            wake.signal();
        } finally {
            stateLock.unlock();
        }
        try {
            stopped.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("audit log: writer did not finish in time: {}", e.toString());
        }
    }
}
