package dev.monmux.net;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The files of the unix sockets monmux listens on (QMP front ends, the control socket). */
public final class UnixSocketFiles {
    private static final Logger log = LoggerFactory.getLogger(UnixSocketFiles.class);

    private UnixSocketFiles() {}

    /**
     * Readies {@code path} for a bind: its directory is created if missing; a socket file left by
     * a process that died is removed; one that still answers belongs to a running process
     * (another monmux?) and is left alone, and so is anything that is not a socket: the bind
     * fails with a one-line reason.
     */
    public static void prepare(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(path.getParent());
            return;
        }
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                || Files.isSymbolicLink(path)) {
            throw new IOException(path + " exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            log.info("removing stale socket {}", path);
            Files.deleteIfExists(path);
            return;
        }
        throw new IOException(path + " is in use by another process");
    }
}
