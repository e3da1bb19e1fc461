package dev.monmux.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The audit file itself: opened for appending (created {@code rw-r-----}), written whole batches at
 * a time, forced to disk on request, rotated by size ({@code audit.jsonl} becomes
 * {@code audit.jsonl.1}, the oldest beyond {@code keep} is deleted). A write that fails halfway is
 * cut back so the file stays valid JSON Lines. Written under {@link AuditLog}'s file lock, by
 * whichever thread holds it; {@link #channel()} may be forced to disk outside it.
 */
final class AuditFile implements AutoCloseable {
    private static final FileAttribute<?>[] PERMISSIONS =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                    ? new FileAttribute<?>[] {
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"))
                    }
                    : new FileAttribute<?>[0];

    private final Path path;
    private final long maxBytes;
    private final int keep;
    private volatile FileChannel channel;
    private long size;

    /**
     * @param maxBytes rotate once the file reaches this size (0: never)
     * @param keep     rotated files kept
     */
    AuditFile(Path path, long maxBytes, int keep) {
        this.path = path;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    Path path() {
        return path;
    }

    boolean isOpen() {
        return channel != null;
    }

    /** The open file, or null. */
    FileChannel channel() {
        return channel;
    }

    /** Opens the file if it is not open (after a failure, a rotation or a reopen). */
    void open() throws IOException {
        if (channel != null) {
            return;
        }
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            channel = FileChannel.open(
                    path,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                    PERMISSIONS);
            size = channel.size();
        } catch (IOException e) {
            throw new IOException("cannot open " + path + ": " + describe(e), e);
        }
    }

    /** Appends whole records; on failure the file is cut back to where it was, and closed. */
    void append(ByteBuffer records) throws IOException {
        open();
        int bytes = records.remaining();
        try {
            while (records.hasRemaining()) {
                channel.write(records);
            }
            // Counted, not asked: position() of a file opened for appending is an fstat(2).
            size += bytes;
        } catch (IOException e) {
            try {
                // Cut back what of this write got in (the counted size may be stale if someone
                // truncated the file meanwhile, so count from the end).
                long partial = (long) bytes - records.remaining();
                if (partial > 0) {
                    channel.truncate(Math.max(0, channel.size() - partial));
                }
            } catch (IOException ignored) {
                // the file may be gone or read-only; closing is all that is left
            }
            closeQuietly();
            throw new IOException("cannot write " + path + ": " + describe(e), e);
        }
    }

    /** Forces what was written to the disk. */
    void sync() throws IOException {
        if (channel != null) {
            try {
                channel.force(false);
            } catch (IOException e) {
                closeQuietly();
                throw new IOException("cannot sync " + path + ": " + describe(e), e);
            }
        }
    }

    /**
     * True when the file has reached the rotation size. The counted size is checked against the
     * file when it says so (logrotate's copytruncate may have emptied the file meanwhile).
     */
    boolean full() {
        if (maxBytes <= 0 || size < maxBytes) {
            return false;
        }
        if (channel != null) {
            try {
                size = channel.size();
            } catch (IOException e) {
                return true; // rotating is the safe side
            }
        }
        return size >= maxBytes;
    }

    /** {@code path.(keep-1)} → {@code path.keep}, ..., {@code path} → {@code path.1}; the next append starts a new file. */
    void rotate() throws IOException {
        sync();
        closeQuietly();
        Files.deleteIfExists(numbered(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
    }

    Path numbered(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    /** Closes the file; the next append opens {@code path} again (for logrotate's move-and-HUP). */
    void reopen() throws IOException {
        sync();
        closeQuietly();
    }

    void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to lose
            }
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        sync();
        closeQuietly();
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
            return ((FileSystemException) e).getFile() + " is not a directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? "input/output error" : e.getMessage();
    }
}
