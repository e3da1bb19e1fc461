package dev.monmux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a bind may remove at a socket's path: a dead socket only, never anything else. */
class UnixSocketFilesTest {

    @Test
    void aDeadSocketIsRemoved(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("dead.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        s.close(); // the file stays, nobody listens: as after a kill -9
        assertTrue(Files.exists(p));
        UnixSocketFiles.prepare(p);
        assertFalse(Files.exists(p));
    }

    @Test
    void aLiveSocketAFifoAndARegularFileAreLeftAlone(@TempDir Path dir) throws Exception {
        Path live = dir.resolve("live.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(live));
            IOException e = assertThrows(IOException.class, () -> UnixSocketFiles.prepare(live));
            assertEquals(live + " is in use by another process", e.getMessage());
            assertTrue(Files.exists(live));
        }
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        IOException e = assertThrows(IOException.class, () -> UnixSocketFiles.prepare(fifo));
        assertEquals(fifo + " exists and is not a socket", e.getMessage());
        assertTrue(Files.exists(fifo));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThrows(IOException.class, () -> UnixSocketFiles.prepare(file));
        assertTrue(Files.exists(file));
        Path missing = dir.resolve("a/b/c.sock");
        UnixSocketFiles.prepare(missing);
        assertTrue(Files.isDirectory(missing.getParent()), "the directory is made");
    }

    /** A path that fits a unix socket binds, even within a few bytes of the limit; one that does not is said so. */
    @Test
    void aSocketBindsAtAnyPathThatFitsAndALongerOneIsRefusedInWords(@TempDir Path dir) throws Exception {
        String base = dir.toAbsolutePath() + "/";
        // 107 bytes in all, the most Linux takes, with a name of 12 characters (control.sock's length).
        String sub = "d".repeat(UnixSocketFiles.MAX_PATH_BYTES - base.length() - "/control.sock".length());
        Path fits = Path.of(base + sub + "/control.sock");
        assertEquals(UnixSocketFiles.MAX_PATH_BYTES, fits.toString().length());
        ServerSocketChannel bound = UnixSocketFiles.bind(
                fits,
                UnixSocketFiles.permissions(0600),
                null,
                at -> {
                    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                    s.bind(UnixDomainSocketAddress.of(at));
                    return s;
                },
                s -> {});
        try (bound) {
            assertTrue(Files.exists(fits));
            assertEquals(List.of(fits), Files.list(fits.getParent()).toList(), "the private directory is gone");
        }
        Path longer = Path.of(base + sub + "/control.sockX");
        IOException e = assertThrows(
                IOException.class,
                () -> UnixSocketFiles.bind(
                        longer,
                        UnixSocketFiles.permissions(0600),
                        null,
                        at -> {
                            throw new AssertionError("not bound");
                        },
                        s -> {}));
        assertEquals(longer + " is too long for a unix socket (108 bytes; at most 107)", e.getMessage());
    }
}
