package dev.monmux.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A QEMU build the tests run: the system's {@code qemu-system-x86_64} (Debian bookworm: 7.2), or
 * QEMU 10.0 from bookworm-backports, unpacked beside it by {@code scripts/test-deps.sh} into
 * {@code target/qemu/10.0} (or {@code $MONMUX_QEMU10_DIR}) and run with its own data directory
 * first: {@code -L DIR/usr/share/qemu -L /usr/share/seabios}, and its own modules
 * ({@code QEMU_MODULE_DIR}: the system's are 7.2's, and 10.0 asserts when it loads one of them,
 * e.g. for {@code info qdm}).
 *
 * @param version  {@code 7.2} or {@code 10.0}
 * @param binary   the executable
 * @param dataDirs {@code -L} directories, in order
 * @param env      environment variables it needs
 */
public record QemuBuild(String version, Path binary, List<Path> dataDirs, java.util.Map<String, String> env) {
    private static final String SYSTEM = "qemu-system-x86_64";

    /** The system's QEMU 7.2 (on PATH). */
    public static QemuBuild v72() {
        return new QemuBuild("7.2", Path.of(SYSTEM), List.of(), java.util.Map.of());
    }

    /** QEMU 10.0, unpacked beside the system's. */
    public static QemuBuild v100() {
        String env = System.getenv("MONMUX_QEMU10_DIR");
        Path dir = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getenv().getOrDefault("MONMUX_TEST_TARGET", "target"), "qemu", "10.0");
        return new QemuBuild(
                "10.0",
                dir.resolve("usr/bin/qemu-system-x86_64"),
                List.of(dir.resolve("usr/share/qemu"), Path.of("/usr/share/seabios")),
                java.util.Map.of(
                        "QEMU_MODULE_DIR",
                        dir.resolve("usr/lib/x86_64-linux-gnu/qemu").toString()));
    }

    /** Every build the tests cover, oldest first. */
    public static List<QemuBuild> all() {
        return List.of(v72(), v100());
    }

    /** The command line start: the binary and its data directories. */
    public List<String> command() {
        List<String> c = new ArrayList<>();
        c.add(binary.toString());
        for (Path d : dataDirs) {
            c.add("-L");
            c.add(d.toString());
        }
        return c;
    }

    public boolean isInstalled() {
        if (binary.getNameCount() > 1 || binary.isAbsolute()) {
            return Files.isExecutable(binary);
        }
        return QemuProcess.isInstalled();
    }

    /** Skips the calling test when this build is absent, or fails it when MONMUX_REQUIRE_QEMU=1. */
    public void requireInstalled() {
        if (isInstalled()) {
            return;
        }
        String how = version.equals("7.2")
                ? "apt-get install -y qemu-system-x86"
                : "scripts/test-deps.sh (as root: it fetches bookworm-backports' QEMU 10.0 into target/qemu/10.0)";
        if ("1".equals(System.getenv("MONMUX_REQUIRE_QEMU"))) {
            throw new AssertionError(
                    "QEMU " + version + " is not installed but MONMUX_REQUIRE_QEMU=1 (install it with: " + how + ")");
        }
        Assumptions.abort(
                "QEMU " + version + " not installed (" + how + "); set MONMUX_REQUIRE_QEMU=1 to make this a failure");
    }

    @Override
    public String toString() {
        return "QEMU " + version;
    }
}
