package dev.monmux.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** External programs the end-to-end tests run (openssl, socat, ...). */
public final class Tools {
    private Tools() {}

    public static boolean installed(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Skips the calling test when {@code command} is missing, or fails it when
     * MONMUX_REQUIRE_QEMU=1 (CI installs every tool: scripts/test-deps.sh).
     */
    public static void require(String command, String debianPackage) {
        if (installed(command)) {
            return;
        }
        String how = "apt-get install -y " + debianPackage;
        if ("1".equals(System.getenv("MONMUX_REQUIRE_QEMU"))) {
            throw new AssertionError(command + " is not installed but MONMUX_REQUIRE_QEMU=1 (" + how + ")");
        }
        Assumptions.abort(command + " not installed (" + how + ")");
    }
}
