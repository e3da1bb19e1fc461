package dev.monmux.effect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfinementTest {
    @TempDir
    Path dir;

    @Test
    void withoutMediaPathsNoMediumIsAllowed() {
        assertEquals(
                "opens a host file or block-layer URL as a medium",
                Confinement.NONE.mediaRefusal("/srv/iso/a.iso", null, null));
    }

    @Test
    void onlyPlainAbsolutePathsMatchingTheGlobsAsRawReadOnlyImages() throws Exception {
        Path iso = Files.createDirectories(dir.resolve("iso"));
        Files.writeString(iso.resolve("debian.iso"), "x");
        Files.createSymbolicLink(iso.resolve("evil.iso"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(iso.resolve("later.iso"), iso.resolve("not-yet"));
        Confinement c = new Confinement(List.of(iso + "/*.iso"), null);
        assertNull(c.mediaRefusal(iso + "/debian.iso", "raw", null));
        assertNull(c.mediaRefusal(iso + "/debian.iso", "raw", "read-only"));
        assertNull(c.mediaRefusal(iso + "/debian.iso", "raw", "retain"));
        assertTrue(
                c.mediaRefusal(iso + "/debian.iso", null, null).contains("QEMU guessing its format"),
                "a qcow2 header could name any backing file");
        assertTrue(c.mediaRefusal(iso + "/missing.iso", "raw", null).contains("does not exist"));
        assertTrue(
                c.mediaRefusal(iso + "/later.iso", "raw", null).contains("a link to nothing"),
                "it could be pointed elsewhere later");
        assertTrue(c.mediaRefusal("/etc/passwd", "raw", null).contains("'/etc/passwd' does not match"));
        assertTrue(c.mediaRefusal(iso + "/../../etc/x.iso", "raw", null).contains("is not a plain path"));
        assertTrue(c.mediaRefusal("json:{\"file.filename\":\"/etc/passwd\"}", "raw", null)
                .contains("is not an absolute path"));
        assertTrue(c.mediaRefusal("nbd:127.0.0.1:10809", "raw", null).contains("is not an absolute path"));
        assertTrue(c.mediaRefusal("debian.iso", "raw", null).contains("is not an absolute path"));
        assertTrue(
                c.mediaRefusal(iso + "/evil.iso", "raw", null).contains("leads to '/etc/passwd'"),
                "a symbolic link out of the allowed paths");
        assertTrue(c.mediaRefusal(iso + "/debian.iso", "qcow2", null).contains("raw images only"));
        assertTrue(c.mediaRefusal(iso + "/debian.iso", "raw", "read-write").contains("read-write"));
        assertTrue(
                c.mediaRefusal(iso + "/sub/debian.iso", "raw", null).contains("does not match"),
                "* stays in one directory");
    }

    @Test
    void screendumpsGetFreshNamesInTheDirectory() throws Exception {
        Clock fixed = Clock.fixed(Instant.parse("2026-12-03T08:21:00Z"), ZoneOffset.UTC);
        Confinement c = new Confinement(List.of(), dir, fixed);
        Path a = c.newScreendump("web1", null);
        assertEquals(dir, a.getParent());
        assertTrue(a.getFileName().toString().matches("web1-20261203-082100-[0-9a-f]{6}\\.ppm"), a.toString());
        assertTrue(c.newScreendump("a/../b", "png").getFileName().toString().matches("a_.._b-.*\\.png"));
        Files.writeString(a, "taken");
        for (int i = 0; i < 50; i++) {
            assertFalse(Files.exists(c.newScreendump("web1", null)), "never an existing file");
        }
    }
}
