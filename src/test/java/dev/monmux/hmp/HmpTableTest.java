package dev.monmux.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HmpTableTest {
    private final HmpTable table = HmpTable.qemu72();

    @Test
    void qemu72X86Table() {
        assertEquals(108, table.commands().size());
        assertEquals(67, table.infoCommands().size());
        assertEquals(
                List.of("cont|c", "help|?", "print|p", "quit|q", "stop|s"),
                table.commands().stream()
                        .map(HmpCommand::tableName)
                        .filter(n -> n.contains("|"))
                        .toList());
        HmpCommand eject = HmpTable.find(table.commands(), "eject").orElseThrow();
        assertEquals("force:-f,device:B", eject.argsType());
        assertEquals("[-f] device", eject.params());
        assertTrue(HmpTable.find(table.infoCommands(), "sgx").isPresent(), "x86 has info sgx");
        assertFalse(HmpTable.find(table.infoCommands(), "skeys").isPresent(), "s390x only");
        assertTrue(table.isKeyName("ctrl_r"));
    }
}
