package dev.monmux.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.hmp.HmpEngine;
import dev.monmux.hmp.HmpParse;
import dev.monmux.hmp.HmpParser;
import dev.monmux.hmp.HmpTable;
import dev.monmux.qmp.QmpCaller;
import dev.monmux.qmp.QmpJson;
import java.util.concurrent.CompletableFuture;

/**
 * Fuzzes HMP lines through the parser and both planners (native on and off). Invariants:
 * parsing and planning are total (no exception for any line), every plan has a bounded name,
 * an effect and a path, and running it against a VM that answers {@code {}} to everything yields
 * a result (renderers never fail on thin replies).
 */
class HmpParserFuzzTest {
    private static final HmpParser PARSER = new HmpParser(HmpTable.qemu72());
    private static final HmpEngine NATIVE = new HmpEngine(HmpTable.qemu72(), true);
    private static final HmpEngine FALLBACK = new HmpEngine(HmpTable.qemu72(), false);
    private static final String[] SEEDS = {
        "info ",
        "eject ",
        "balloon ",
        "sendkey ",
        "change ",
        "help ",
        "x/",
        "q",
        "screendump ",
        "info block ",
        "device_del ",
        "stop",
        "c"
    };

    @FuzzTest(maxDuration = "30s")
    void everyLineIsPlanned(FuzzedDataProvider data) {
        String line = (data.consumeBoolean() ? data.pickValue(SEEDS) : "") + data.consumeRemainingAsString();
        HmpParse parsed = PARSER.parse(line);
        assertNotNull(parsed);
        QmpCaller vm = (cmd, args) -> CompletableFuture.completedFuture(
                cmd.equals("human-monitor-command")
                        ? QmpJson.MAPPER.getNodeFactory().textNode("")
                        : QmpJson.object());
        for (HmpEngine engine : new HmpEngine[] {NATIVE, FALLBACK}) {
            CommandPlan plan = engine.plan(line, data.remainingBytes() % 2 == 0 ? null : 1);
            assertNotNull(plan.effect());
            assertNotNull(plan.path());
            assertTrue(
                    plan.name().matches("unknown|[a-z_?|-]+( [a-z_-]+)?|[a-z][a-zA-Z0-9_-]*( [a-z][a-zA-Z0-9_-]*)?"),
                    plan.name());
            CommandResult r = plan.run(vm).join();
            assertNotNull(r.text());
        }
    }
}
