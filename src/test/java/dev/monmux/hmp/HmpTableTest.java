package dev.monmux.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.monmux.command.Effect;

class HmpTableTest {
    private final HmpTable table = HmpTable.qemu72();

    @Test
    void qemu72X86Table() {
        assertEquals(108, table.commands().size());
        assertEquals(67, table.infoCommands().size());
        assertEquals(List.of("cont|c", "help|?", "print|p", "quit|q", "stop|s"), table.commands().stream()
                .map(HmpCommand::tableName).filter(n -> n.contains("|")).toList());
        HmpCommand eject = HmpTable.find(table.commands(), "eject").orElseThrow();
        assertEquals("force:-f,device:B", eject.argsType());
        assertEquals("[-f] device", eject.params());
        assertTrue(HmpTable.find(table.infoCommands(), "sgx").isPresent(), "x86 has info sgx");
        assertFalse(HmpTable.find(table.infoCommands(), "skeys").isPresent(), "s390x only");
        assertTrue(table.isKeyName("ctrl_r"));
    }

    @Test
    void effectClasses() {
        assertEquals(Effect.DANGEROUS, effect("quit"));
        assertEquals(Effect.DANGEROUS, effect("pmemsave"));
        assertEquals(Effect.DANGEROUS, effect("savevm"));
        assertEquals(Effect.DANGEROUS, effect("qemu-io"));
        assertEquals(Effect.DANGEROUS, effect("chardev-add"));
        assertEquals(Effect.CONTROL, effect("stop"));
        assertEquals(Effect.CONTROL, effect("sendkey"));
        assertEquals(Effect.CONTROL, effect("device_add"));
        assertEquals(Effect.QUERY, effect("help"));
        assertTrue(table.infoCommands().stream().allMatch(c -> c.effect() == Effect.QUERY));
    }

    private Effect effect(String name) {
        return HmpTable.find(table.commands(), name).orElseThrow().effect();
    }
}
