package dev.monmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.QmpRequestPlanner;
import dev.monmux.command.Route;
import dev.monmux.effect.Effect;
import dev.monmux.hmp.HmpEngine;
import dev.monmux.hmp.HmpTable;
import dev.monmux.qmp.QmpJson;
import org.junit.jupiter.api.Test;

/** What the other operators are shown of a command: enough to know what happened, no secrets. */
class AnnouncedCommandTest {
    private static final HmpEngine HMP = new HmpEngine(HmpTable.qemu72(), true);

    private static String announced(String line) {
        return SharedVm.describe(HMP.plan(line, null));
    }

    @Test
    void hmpLinesAreShownAsTypedWithoutSurroundingSpace() {
        assertEquals("stop", announced("  stop\t"));
        assertEquals("c", announced("c"));
        assertEquals("system_reset", announced("system_reset"));
    }

    @Test
    void secretsAreShownAsRedactedAndQmpRequestsByName() throws Exception {
        assertEquals("set_password vnc [redacted]", announced("set_password vnc hunter2"));
        assertEquals("change vnc passwd [redacted]", announced("change vnc passwd hunter2"));
        assertEquals("object_add secret,id=s,data=[redacted]", announced("object_add secret,id=s,data=hunter2"));
        assertEquals("sendkey [redacted]", announced("sendkey h-u-n-t-e-r"));
        CommandPlan qmp = new QmpRequestPlanner(HMP)
                .plan(
                        (com.fasterxml.jackson.databind.node.ObjectNode) QmpJson.MAPPER.readTree(
                                "{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": \"secret\", \"id\": \"s\", "
                                        + "\"data\": \"hunter2\"}}"),
                        new dev.monmux.testing.ScriptedVm("vm1"),
                        r -> vm -> java.util.concurrent.CompletableFuture.completedFuture(CommandResult.ok("")),
                        r -> CommandResult.ok(""));
        assertEquals("object-add (QMP)", SharedVm.describe(qmp));
    }

    @Test
    void aLineThatDoesNotParseIsShownToNoOne() {
        assertNull(announced("hunter2"), "perhaps a password typed at the prompt");
        assertNull(announced("set_password"), "arguments that do not parse");
        assertNull(announced("change vnc"));
    }

    @Test
    void controlCharactersCannotReachAnotherTerminal() {
        CommandPlan p =
                CommandPlan.answered("stop\u001b[2J\u0007", "stop", Effect.CONTROL, Route.NATIVE, CommandResult.ok(""));
        assertEquals("stop[2J", SharedVm.describe(p));
        p = CommandPlan.answered("stop \u009bx", "stop", Effect.CONTROL, Route.NATIVE, CommandResult.ok(""));
        assertEquals("stop x", SharedVm.describe(p));
    }
}
