package dev.monmux.effect;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a deployment lets operators do with host files, within limits it states ({@code acl:} in
 * the config): insert media only from {@code mediaPaths} (globs of absolute paths), and take
 * screenshots only into {@code screendumpDir}, under a name monmux picks. Without them, commands
 * that open or write host files are admin-only.
 */
public final class Confinement {
    /** No confinement: host-file commands are admin-only. */
    public static final Confinement NONE = new Confinement(List.of(), null, Clock.systemUTC());

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final List<String> mediaGlobs;
    private final List<PathMatcher> media = new ArrayList<>();
    private final Path screendumpDir;
    private final Clock clock;

    /**
     * @param mediaPaths    globs of absolute paths ({@code /srv/iso/*.iso}) operators may insert as media
     * @param screendumpDir the directory operators' screenshots go to, or null
     */
    public Confinement(List<String> mediaPaths, Path screendumpDir, Clock clock) {
        this.mediaGlobs = List.copyOf(mediaPaths);
        for (String g : mediaPaths) {
            media.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        }
        this.screendumpDir = screendumpDir;
        this.clock = clock;
    }

    public Confinement(List<String> mediaPaths, Path screendumpDir) {
        this(mediaPaths, screendumpDir, Clock.systemUTC());
    }

    public List<String> mediaPaths() {
        return mediaGlobs;
    }

    public Optional<Path> screendumpDir() {
        return Optional.ofNullable(screendumpDir);
    }

    /**
     * Whether an operator may insert {@code filename} as a medium: a plain absolute path (no
     * block-layer protocol, no {@code json:} description, no {@code .} or {@code ..}) of an
     * existing file that matches {@code mediaPaths} both as written and once symbolic links are
     * followed, opened as {@code raw} (without a format QEMU probes the file, and a qcow2 header,
     * which a guest can write into a floppy image, could name any host file as its backing file),
     * not opened read-write on purpose.
     *
     * @return null when allowed, else why not (in the user's words)
     */
    public String mediaRefusal(String filename, String format, String readOnlyMode) {
        if (media.isEmpty()) {
            return "opens a host file or block-layer URL as a medium";
        }
        String problem = pathProblem(filename);
        if (problem != null) {
            return "opens a host file as a medium ('" + printable(filename) + "' " + problem
                    + "; operators may insert images matching acl.mediaPaths: " + String.join(", ", mediaGlobs) + ")";
        }
        if (format == null) {
            return "opens a host file as a medium, QEMU guessing its format (operators may insert raw images: "
                    + "give the format raw)";
        }
        if (!format.equals("raw")) {
            return "opens a host file as a medium in format '" + printable(format)
                    + "' (operators may insert raw images only)";
        }
        if (readOnlyMode != null && readOnlyMode.equals("read-write")) {
            return "opens a host file as a medium read-write (operators may not)";
        }
        return null;
    }

    /** Why {@code filename} is not one of {@code mediaPaths}, or null. */
    private String pathProblem(String filename) {
        if (filename == null || !filename.startsWith("/") || filename.indexOf('\0') >= 0) {
            return "is not an absolute path";
        }
        Path p;
        try {
            p = Path.of(filename);
        } catch (InvalidPathException e) {
            return "is not a path";
        }
        if (!p.normalize().toString().equals(filename)) {
            return "is not a plain path (no '.', '..', '//' or trailing '/')";
        }
        if (!matches(p)) {
            return "does not match";
        }
        if (!Files.exists(p)) {
            // a link to nowhere could be pointed elsewhere later
            return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "is a link to nothing" : "does not exist";
        }
        try {
            Path real = p.toRealPath();
            if (!matches(real)) {
                return "leads to '" + real + "', which does not match";
            }
        } catch (IOException e) {
            return "cannot be resolved";
        }
        return null;
    }

    /** Whether {@code p} matches one of {@code mediaPaths}, as written (no file system access). */
    public boolean matches(Path p) {
        for (PathMatcher m : media) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A new file in {@code screendumpDir} for a screenshot of {@code vm}: {@code
     * vm1-20261203-082100-3fa2c1.ppm}, never an existing file.
     */
    public Path newScreendump(String vm, String format) {
        if (screendumpDir == null) {
            throw new IllegalStateException("no acl.screendumpDir");
        }
        while (true) {
            Path p = screendumpDir.resolve(screendumpName(
                    vm, clock.instant(), ThreadLocalRandom.current().nextInt(1 << 24), format));
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return p;
            }
        }
    }

    /** The name of a screenshot of {@code vm} taken {@code at}: {@code vm1-20261203-082100-3fa2c1.ppm}. */
    public static String screendumpName(String vm, Instant at, int suffix, String format) {
        return vm.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + STAMP.format(at) + "-"
                + String.format("%06x", suffix & 0xffffff) + ("png".equals(format) ? ".png" : ".ppm");
    }

    private static String printable(String s) {
        return s == null
                ? ""
                : s.codePoints()
                        .filter(c -> c >= 0x20 && c != 0x7f)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                        .toString();
    }
}
