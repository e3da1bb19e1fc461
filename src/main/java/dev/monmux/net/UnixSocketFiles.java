package dev.monmux.net;

import dev.monmux.config.ConfigChecks;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The files of the unix sockets monmux listens on (QMP front ends, the control socket). */
public final class UnixSocketFiles {
    private static final Logger log = LoggerFactory.getLogger(UnixSocketFiles.class);

    private UnixSocketFiles() {}

    /**
     * Readies {@code path} for a bind: its directory is created if missing; a socket file left by
     * a process that died (a connection to it is refused) is removed. Anything else is left alone
     * and the bind fails with a one-line reason: a file that is not a socket (a FIFO, a device, a
     * typo naming {@code /dev/null}), a socket that answers (another monmux?), one monmux may not
     * connect to (someone else's).
     */
    public static void prepare(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(path.getParent());
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(path + " exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException e) {
            log.info("removing stale socket {}", path);
            Files.deleteIfExists(path);
            return;
        } catch (IOException e) {
            throw new IOException(
                    path + " is a socket monmux cannot check (" + e.getMessage() + "); remove it if it is stale", e);
        }
        throw new IOException(path + " is in use by another process");
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /** Binds a socket at the path it is given (a Netty bind, say) and returns what it bound. */
    @FunctionalInterface
    public interface Binder<C> {
        C bind(Path path) throws Exception;
    }

    /**
     * Binds a unix socket at {@code path} with {@code permissions} (and {@code group}, if not
     * null) from its first moment: it is bound inside a fresh directory only monmux may enter,
     * given its mode and group there, then renamed into place. Bound at {@code path} directly, it
     * would exist with the process's umask until a chmod, and a local user could connect in
     * between. {@code undo} is called on what was bound if the rest fails.
     */
    public static <C> C bind(
            Path path, Set<PosixFilePermission> permissions, String group, Binder<C> binder, Consumer<C> undo)
            throws Exception {
        String tooLong = tooLong(path);
        if (tooLong != null) {
            throw new IOException(tooLong);
        }
        prepare(path);
        Path dir = privateDirectory(path.getParent());
        // The staged path is the parent, 9 characters and "/s": no longer than the final one for
        // a name of 10 characters or more (control.sock), and so it fits where that fits.
        Path staged = dir.resolve("s");
        if (bytes(staged) > MAX_PATH_BYTES) {
            Files.deleteIfExists(dir);
            throw new IOException(path + " is too long for monmux to bind safely (" + bytes(path)
                    + " bytes; with a file name this short, at most " + (MAX_PATH_BYTES - bytes(staged) + bytes(path))
                    + ")");
        }
        C bound = null;
        try {
            bound = binder.bind(staged);
            Files.setPosixFilePermissions(staged, permissions);
            if (group != null) {
                GroupPrincipal g;
                try {
                    g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                } catch (UserPrincipalNotFoundException e) {
                    throw new IOException("there is no Unix group '" + group + "'", e);
                }
                Files.getFileAttributeView(staged, PosixFileAttributeView.class).setGroup(g);
            }
            Files.move(staged, path, StandardCopyOption.ATOMIC_MOVE);
            return bound;
        } catch (Exception e) {
            if (bound != null) {
                undo.accept(bound);
            }
            Files.deleteIfExists(staged);
            throw e;
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    /** The longest path a unix socket may have on Linux (sun_path is 108 bytes with its NUL). */
    public static final int MAX_PATH_BYTES = ConfigChecks.MAX_SOCKET_PATH_BYTES;

    /** Why a unix socket cannot be at {@code path} (too long), in the user's words; null if it can. */
    public static String tooLong(Path path) {
        return ConfigChecks.socketPathTooLong(path);
    }

    private static int bytes(Path p) {
        return p.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** A new directory in {@code parent} only this process's user may enter, with a short name ({@code .m} and 6 characters). */
    private static Path privateDirectory(Path parent) throws IOException {
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int attempt = 0; ; attempt++) {
            StringBuilder name = new StringBuilder(".m");
            for (int i = 0; i < 6; i++) {
                name.append(letters.charAt(RANDOM.nextInt(letters.length())));
            }
            try {
                return Files.createDirectory(
                        parent.resolve(name.toString()),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** {@code 0660} as permissions. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(bits[i]);
            }
        }
        return perms;
    }
}
