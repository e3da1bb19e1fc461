package dev.monmux.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.command.CommandPlan;
import dev.monmux.qmp.QemuVersion;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The shipped tables, which one a VM gets, and a table corrected from a VM's own help. */
class HmpTablesTest {
    private static final QemuVersion V72 = new QemuVersion(7, 2);
    private static final QemuVersion V100 = new QemuVersion(10, 0);
    private final HmpTables tables = HmpTables.shipped();

    @Test
    void oneTablePerShippedVersionEachFromItsOwnBuild() {
        assertEquals(List.of(V72, V100), tables.versions());
        HmpTable t72 = HmpTable.of(V72);
        HmpTable t100 = HmpTable.of(V100);
        assertTrue(t72.source().startsWith("QEMU emulator version 7.2."), t72.source());
        assertTrue(t100.source().startsWith("QEMU emulator version 10.0."), t100.source());
        assertEquals(108, t72.commands().size());
        assertEquals(110, t100.commands().size());
        assertTrue(HmpTable.find(t72.commands(), "singlestep").isPresent());
        assertFalse(HmpTable.find(t100.commands(), "singlestep").isPresent());
        assertTrue(HmpTable.find(t100.commands(), "one-insn-per-tb").isPresent(), "renamed in 8.1");
        assertTrue(HmpTable.find(t100.infoCommands(), "cryptodev").isPresent());
        assertFalse(HmpTable.find(t100.infoCommands(), "profile").isPresent());
        assertTrue(t100.isKeyName("lang1"), "10.0 knows more key names");
    }

    @Test
    void aVersionGetsItsTableOrTheNearestLowerOne() {
        assertEquals(V72, tables.choose(V72));
        assertEquals(V100, tables.choose(V100));
        assertEquals(V72, tables.choose(new QemuVersion(8, 2)), "Ubuntu 24.04's");
        assertEquals(V72, tables.choose(new QemuVersion(9, 2)), "RHEL 9's");
        assertEquals(V100, tables.choose(new QemuVersion(11, 1)));
        assertEquals(V72, tables.choose(new QemuVersion(6, 2)), "older than every table: the oldest");
        assertEquals(V100, tables.newest());
    }

    @Test
    void aCorrectedTableHasExactlyTheVmsCommands() {
        HmpTable base = HmpTable.of(V100);
        String help = new HmpEngine(base, true)
                        .plan("help", null)
                        .run(null)
                        .join()
                        .text()
                        .replace("nmi  -- inject an NMI\r\n", "")
                + "zap [x] -- new in this version\r\n";
        String helpInfo = new HmpEngine(base, true)
                .plan("help info", null)
                .run(null)
                .join()
                .text()
                .replace("info cryptodev  -- show the crypto devices\r\n", "");
        HelpListing listing = HelpListing.parse(help, helpInfo);
        assertEquals(110, listing.commands().size());
        HmpTable t = base.corrected(listing);
        assertTrue(t.corrected());
        assertFalse(HmpTable.find(t.commands(), "nmi").isPresent());
        assertTrue(HmpTable.find(t.commands(), "zap").isPresent());
        assertFalse(HmpTable.find(t.infoCommands(), "cryptodev").isPresent());
        assertEquals(base.infoCommands().size() - 1, t.infoCommands().size());

        HmpEngine engine = new HmpEngine(t, true);
        assertEquals(Set.of(), HmpEngine.certified(t, true), "no native mapping on a corrected table");
        CommandPlan zap = engine.plan("zap hard", null);
        assertEquals("zap", zap.name());
        assertEquals("human-monitor-command", zap.qmpCommand(), "QEMU reads the arguments of a command only it knows");
        assertEquals("unknown", engine.plan("nmi", null).name());
        assertEquals(
                "unknown command: 'nmi'\r\n",
                engine.plan("nmi", null).restricted().run(null).join().text());
        assertEquals(
                base.commands().size(),
                HelpListing.parse(
                                new HmpEngine(base, true)
                                        .plan("help", null)
                                        .run(null)
                                        .join()
                                        .text(),
                                "")
                        .commands()
                        .size(),
                "QEMU's own help lists every command once");
    }

    @Test
    void everyCertifiedMappingIsAMappingOfAVersionWithATable() {
        NativeCertificates certs = NativeCertificates.shipped();
        assertEquals(Set.of(V72, V100), certs.versions());
        for (QemuVersion v : certs.versions()) {
            assertTrue(tables.has(v), v.toString());
            assertTrue(
                    HmpEngine.nativeMappingNames().containsAll(certs.forVersion(v)),
                    certs.forVersion(v).toString());
        }
        assertEquals(HmpEngine.nativeMappingNames(), certs.forVersion(V100), "every mapping verified on 10.0");
    }
}
