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
        assertEquals("opens a host file or block-layer URL as a medium",
                Confinement.NONE.mediaRefusal("/srv/iso/a.iso", null, null));
    }

    @Test
    void onlyPlainAbsolutePathsMatchingTheGlobsAsRawReadOnlyImages() throws Exception {
        Path iso = Files.createDirectories(dir.resolve("iso"));
        Files.writeString(iso.resolve("debian.iso"), "x");
        Files.createSymbolicLink(iso.resolve("evil.iso"), Path.of("/etc/passwd"));
        Confinement c = new Confinement(List.of(iso + "/*.iso"), null);
        assertNull(c.mediaRefusal(iso + "/debian.iso", null, null));
        assertNull(c.mediaRefusal(iso + "/debian.iso", "raw", "read-only"));
        assertNull(c.mediaRefusal(iso + "/missing.iso", null, "retain"), "QEMU will say it is missing");
        assertTrue(c.mediaRefusal("/etc/passwd", null, null).contains("'/etc/passwd' does not match"));
        assertTrue(c.mediaRefusal(iso + "/../../etc/x.iso", null, null).contains("is not a plain path"));
        assertTrue(c.mediaRefusal("json:{\"file.filename\":\"/etc/passwd\"}", null, null).contains("is not an absolute path"));
        assertTrue(c.mediaRefusal("nbd:127.0.0.1:10809", null, null).contains("is not an absolute path"));
        assertTrue(c.mediaRefusal("debian.iso", null, null).contains("is not an absolute path"));
        assertTrue(c.mediaRefusal(iso + "/evil.iso", null, null).contains("leads to '/etc/passwd'"),
                "a symbolic link out of the allowed paths");
        assertTrue(c.mediaRefusal(iso + "/debian.iso", "qcow2", null).contains("raw images only"),
                "a qcow2 header could name any backing file");
        assertTrue(c.mediaRefusal(iso + "/debian.iso", null, "read-write").contains("read-write"));
        assertTrue(c.mediaRefusal(iso + "/sub/debian.iso", null, null).contains("does not match"), "* stays in one directory");
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
