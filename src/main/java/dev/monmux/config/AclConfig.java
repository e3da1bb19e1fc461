package dev.monmux.config;

import dev.monmux.effect.Confinement;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What operators may do with host files ({@code acl:} section). Without it, every command that
 * opens or writes a host file is admin-only.
 *
 * @param mediaPaths    globs of absolute paths ({@code /srv/iso/*.iso}) that operators may insert
 *                      as removable media ({@code change}, {@code blockdev-change-medium}): raw
 *                      images, not read-write
 * @param screendumpDir an absolute directory: operators' {@code screendump} goes there, under a
 *                      name monmux picks (the operator is told it)
 */
public record AclConfig(List<String> mediaPaths, String screendumpDir) {
    public AclConfig {
        mediaPaths = mediaPaths == null ? List.of() : List.copyOf(mediaPaths);
        for (int i = 0; i < mediaPaths.size(); i++) {
            String g = mediaPaths.get(i);
            if (g == null || !g.startsWith("/")) {
                throw new IllegalArgumentException(
                        "mediaPaths[" + i + "]: expected an absolute path or glob (e.g. /srv/iso/*.iso)");
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + g);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "mediaPaths[" + i + "]: expected a valid glob (e.g. /srv/iso/*.iso)");
            }
        }
        if (screendumpDir != null) {
            Path dir;
            try {
                dir = Path.of(screendumpDir);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("screendumpDir: expected an absolute directory");
            }
            if (!screendumpDir.startsWith("/") || !dir.isAbsolute()) {
                throw new IllegalArgumentException("screendumpDir: expected an absolute directory");
            }
        }
    }

    public static AclConfig defaults() {
        return new AclConfig(null, null);
    }

    /**
     * Refuses a deployment that would let operators reach monmux's own files or write what they
     * may then insert: the audit log (or one of its rotated files) under {@code screendumpDir} or
     * matching {@code mediaPaths}, screenshots of any of {@code vms} matching {@code mediaPaths}.
     */
    void check(AuditConfig audit, List<String> vms) {
        Path dir = screendumpDir == null ? null : Path.of(screendumpDir).normalize();
        Confinement confinement = new Confinement(mediaPaths, dir);
        if (audit.enabled()) {
            Path log = Path.of(audit.path()).toAbsolutePath().normalize();
            if (dir != null && log.startsWith(dir)) {
                throw new IllegalArgumentException(
                        "acl.screendumpDir: the audit log (" + log + ") must not be in the screenshots' directory");
            }
            for (int i = 0; i <= audit.keep(); i++) {
                Path file = i == 0 ? log : log.resolveSibling(log.getFileName() + "." + i);
                if (confinement.matches(file)) {
                    throw new IllegalArgumentException("acl.mediaPaths: matches the audit log (" + file + ")");
                }
            }
        }
        if (dir == null) {
            return;
        }
        List<String> names = new ArrayList<>(vms);
        names.add("screen");
        for (String vm : names) {
            for (String format : new String[] {null, "png"}) {
                // any moment, any suffix: the sample stands for every name monmux may pick
                if (confinement.matches(dir.resolve(Confinement.screendumpName(vm, Instant.EPOCH, 0, format)))) {
                    throw new IllegalArgumentException("acl.mediaPaths: matches screenshots in acl.screendumpDir ("
                            + dir + "); operators could insert what they wrote");
                }
            }
        }
    }
}
