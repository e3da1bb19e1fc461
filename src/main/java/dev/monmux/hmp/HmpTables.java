package dev.monmux.hmp;

import dev.monmux.qmp.QemuVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU versions monmux has an HMP table for ({@code tables.txt} beside the tables), and which
 * table a VM gets: its own version's, else the nearest lower one (the oldest, for a VM older than
 * every table), to be corrected from the VM's own {@code help}.
 */
public final class HmpTables {
    private static final String INDEX = "/dev/monmux/hmp/tables.txt";
    private static volatile HmpTables shipped;

    private final List<QemuVersion> versions;

    HmpTables(List<QemuVersion> versions) {
        if (versions.isEmpty()) {
            throw new IllegalStateException("no HMP tables");
        }
        this.versions = versions.stream().sorted().toList();
    }

    /** The tables shipped with monmux. */
    public static HmpTables shipped() {
        HmpTables t = shipped;
        if (t == null) {
            try (InputStream in = HmpTables.class.getResourceAsStream(INDEX)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + INDEX);
                }
                List<QemuVersion> vs = new ArrayList<>();
                for (String line : new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        .lines()
                        .toList()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        QemuVersion v = QemuVersion.parse(line);
                        if (v == null) {
                            throw new IllegalStateException(INDEX + ": not a version: " + line);
                        }
                        vs.add(v);
                    }
                }
                t = new HmpTables(vs);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shipped = t;
        }
        return t;
    }

    /** Oldest first. */
    public List<QemuVersion> versions() {
        return versions;
    }

    /** The newest table's version (for a VM that never said which QEMU it is). */
    public QemuVersion newest() {
        return versions.get(versions.size() - 1);
    }

    /** The table a VM of {@code version} gets: exact, else the nearest lower, else the oldest. */
    public QemuVersion choose(QemuVersion version) {
        QemuVersion best = null;
        for (QemuVersion v : versions) {
            if (v.compareTo(version) <= 0) {
                best = v;
            }
        }
        return best != null ? best : versions.get(0);
    }

    public boolean has(QemuVersion version) {
        return versions.contains(version);
    }
}
