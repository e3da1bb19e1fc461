package dev.monmux.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.effect.Effect;
import dev.monmux.hmp.HmpEngine;
import dev.monmux.qmp.QmpJson;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class QmpRequestPlannerTest {
    private final QmpRequestPlanner planner =
            new QmpRequestPlanner(new HmpEngine(dev.monmux.hmp.HmpTable.qemu72(), true));
    private static final Set<String> QEMU = Set.of("stop", "cont", "query-status", "quit", "human-monitor-command");

    private CommandPlan plan(String json, Set<String> qemu) throws Exception {
        ObjectNode req = (ObjectNode) QmpJson.MAPPER.readTree(json);
        return planner.plan(
                req,
                new dev.monmux.testing.ScriptedVm("vm1").withCommands(qemu),
                r -> vm -> CompletableFuture.completedFuture(CommandResult.ok("")),
                reply -> CommandResult.ok(reply.toString()));
    }

    @Test
    void effectsByName() throws Exception {
        assertEquals(Effect.QUERY, plan("{\"execute\": \"query-status\"}", QEMU).effect());
        assertEquals(Effect.CONTROL, plan("{\"execute\": \"stop\"}", QEMU).effect());
        assertEquals(Effect.DANGEROUS, plan("{\"execute\": \"quit\"}", QEMU).effect());
        assertEquals(Effect.CONTROL, plan("{\"exec-oob\": \"cont\"}", QEMU).effect());
    }

    @Test
    void humanMonitorCommandIsJudgedByItsLine() throws Exception {
        String hmc = "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"%s\"}}";
        assertEquals(Effect.DANGEROUS, plan(hmc.formatted("q"), QEMU).effect());
        assertEquals(Effect.CONTROL, plan(hmc.formatted(" s "), QEMU).effect());
        assertEquals(Effect.QUERY, plan(hmc.formatted("info status"), QEMU).effect());
        assertEquals("human-monitor-command", plan(hmc.formatted("q"), QEMU).name());
    }

    @Test
    void aCommandQemuLacksIsAHarmlessQueryButUnknownCommandsAreDangerousWithoutQemusList() throws Exception {
        CommandPlan missing = plan("{\"execute\": \"no-such-command\"}", QEMU);
        assertEquals("unknown", missing.name());
        assertEquals(Effect.QUERY, missing.effect());
        assertEquals("no-such-command", missing.qmpCommand());
        CommandPlan unjudged = plan("{\"execute\": \"blockdev-add\"}", Set.of());
        assertEquals(Effect.HOST, unjudged.effect());
        assertEquals("blockdev-add", unjudged.name());
    }
}
