package dev.monmux.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HmpCompleterTest {
    private final HmpCompleter completer = new HmpCompleter(HmpTable.qemu72());

    @Test
    void commandsSubCommandsAndHelpArguments() {
        assertEquals(List.of("system_powerdown", "system_reset", "system_wakeup"), completer.complete("sys"));
        assertEquals(List.of("q", "qemu-io", "qom-get", "qom-list", "qom-set", "quit"), completer.complete("q"));
        assertEquals(List.of("stats", "status"), completer.complete("info st"));
        assertEquals(List.of("status"), completer.complete("info statu"));
        assertEquals(List.of("block", "block-jobs", "blockstats"), completer.complete("info bl"));
        assertEquals(List.of("stop", "stopcapture"), completer.complete("help sto"));
        assertEquals(
                List.of("migrate", "migrate_capabilities", "migrate_parameters"), completer.complete("help info mig"));
        assertEquals(List.of(), completer.complete("eject cd"));
        assertEquals(108 + 5, completer.complete("").size(), "every name and alias");
    }
}
