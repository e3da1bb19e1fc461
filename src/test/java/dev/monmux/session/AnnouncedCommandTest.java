package dev.monmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Effect;
import dev.monmux.command.Path;

/** What the other operators are shown of a control command: enough to know what happened, no secrets. */
class AnnouncedCommandTest {
    private static String announced(String line, String name, Path path) {
        return SharedVm.describe(CommandPlan.answered(line, name, Effect.CONTROL, path, CommandResult.ok("")));
    }

    @Test
    void hmpLinesAreShownAsTypedWithoutSurroundingSpace() {
        assertEquals("stop", announced("  stop\t", "stop", Path.NATIVE));
        assertEquals("c", announced("c", "cont", Path.NATIVE));
        assertEquals("sendkey ctrl-alt-delete", announced("sendkey ctrl-alt-delete", "sendkey", Path.FALLBACK));
    }

    @Test
    void passwordsAndQmpArgumentsAreNotShown() {
        assertEquals("set_password ...", announced("set_password vnc hunter2", "set_password", Path.FALLBACK));
        assertEquals("change ...", announced("change vnc password hunter2", "change", Path.FALLBACK));
        assertEquals("object-add (QMP)", announced("{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
                + "\"secret\", \"id\": \"s\", \"data\": \"hunter2\"}}", "object-add", Path.QMP));
    }

    @Test
    void controlCharactersCannotReachAnotherTerminal() {
        assertEquals("stop[2J", announced("stop\u001b[2J\u0007", "stop", Path.NATIVE));
        assertEquals("stop x", announced("stop \u009bx", "stop", Path.NATIVE));
    }
}
