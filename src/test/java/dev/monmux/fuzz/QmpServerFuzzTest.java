package dev.monmux.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import dev.monmux.testing.EmbeddedQmp;
import java.util.List;

/**
 * Fuzzes a whole QMP client connection — QEMU's JSON lexer, streamer and parser, the request
 * checks, negotiation, ordered dispatch, events — with arbitrary bytes in arbitrary chunks.
 * Invariants: no exception reaches the pipeline (one would close the connection), every line
 * written is one JSON object, and afterwards (once the parser is reset with 0xFF, as QMP allows)
 * the session still answers {@code query-status}.
 */
class QmpServerFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void arbitraryBytesNeverBreakTheSession(FuzzedDataProvider data) {
        EmbeddedQmp q = new EmbeddedQmp(
                new dev.monmux.testing.ScriptedVm("vm1"),
                dev.monmux.command.CommandGate.OPEN,
                dev.monmux.command.CommandObserver.NONE,
                dev.monmux.command.ActivityListener.NONE,
                "admin",
                512);
        try {
            if (data.consumeBoolean()) {
                q.send("{\"execute\": \"qmp_capabilities\"}");
            }
            while (data.remainingBytes() > 0) {
                q.send(data.consumeBytes(data.consumeInt(1, 64)));
                checkLines(q.lines());
                if (data.consumeBoolean()) {
                    q.vm().emit("RESET");
                }
            }
            assertTrue(q.isOpen(), "the connection closed on client input");
            q.send(new byte[] {(byte) 0xff, '\n'});
            q.send("{\"execute\": \"qmp_capabilities\"}\n");
            checkLines(q.lines());
            q.send("{\"execute\": \"query-status\", \"id\": \"fuzz-check\"}\n");
            List<String> out = q.lines();
            checkLines(out);
            assertTrue(
                    !out.isEmpty()
                            && out.get(out.size() - 1)
                                    .matches(
                                            "\\{\"return\": \\{\"status\": \"(running|paused)\", "
                                                    + "\"singlestep\": false, \"running\": (true|false)}, \"id\": \"fuzz-check\"}"),
                    () -> "no answer: " + out);
        } finally {
            q.close();
        }
    }

    private static void checkLines(List<String> lines) {
        for (String l : lines) {
            JsonNode n;
            try {
                n = QmpJson.MAPPER.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + l, e);
            }
            assertTrue(n.isObject(), l);
        }
    }
}
