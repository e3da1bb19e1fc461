package dev.monmux.effect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class QmpEffectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final QmpEffects plain = new QmpEffects(EffectTable.shipped(), Confinement.NONE);

    private static ObjectNode args(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private Effect of(QmpEffects e, String command, String json) throws Exception {
        return e.classify(
                        command,
                        args(json),
                        line -> new Classification(line.startsWith("q") ? Effect.DANGEROUS : Effect.QUERY, "hmp"))
                .effect();
    }

    @Test
    void aMediumIsHostUnlessTheDeploymentAllowsIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path a = java.nio.file.Files.writeString(dir.resolve("a.iso"), "x");
        QmpEffects media = new QmpEffects(EffectTable.shipped(), new Confinement(List.of(dir + "/*.iso"), null));
        String iso = "{\"device\": \"cd0\", \"filename\": \"" + a + "\", \"format\": \"raw\"}";
        assertEquals(Effect.HOST, of(plain, "blockdev-change-medium", iso));
        assertEquals(Effect.CONTROL, of(media, "blockdev-change-medium", iso));
        assertEquals(
                Effect.HOST,
                of(media, "blockdev-change-medium", iso.replace(", \"format\": \"raw\"", "")),
                "as sent, QEMU would probe the format (the planner offers operators the raw form)");
        assertEquals(
                Effect.HOST, of(media, "blockdev-change-medium", "{\"id\": \"cd0\", \"filename\": \"/etc/shadow\"}"));
        assertEquals(
                Effect.HOST,
                of(media, "blockdev-change-medium", iso.replace("}", ", \"read-only-mode\": \"read-write\"}")));
        assertEquals(Effect.HOST, of(media, "blockdev-change-medium", iso.replace("raw", "qcow2")));
        assertEquals(Effect.HOST, of(media, "blockdev-change-medium", "{\"device\": \"cd0\"}"), "no file: no guess");
    }

    @Test
    void argumentsThatNameHostFilesMakeACommandHost() throws Exception {
        assertEquals(Effect.CONTROL, of(plain, "block-stream", "{\"device\": \"d0\"}"));
        assertEquals(Effect.HOST, of(plain, "block-stream", "{\"device\": \"d0\", \"backing-file\": \"/etc/shadow\"}"));
        assertEquals(Effect.HOST, of(plain, "block-commit", "{\"device\": \"d0\", \"backing-file\": \"x\"}"));
    }

    @Test
    void aTransactionIsItsMostPowerfulAction() throws Exception {
        assertEquals(Effect.QUERY, of(plain, "transaction", "{\"actions\": [{\"type\": \"abort\", \"data\": {}}]}"));
        assertEquals(
                Effect.DANGEROUS,
                of(
                        plain,
                        "transaction",
                        "{\"actions\": [{\"type\": \"blockdev-snapshot-internal-sync\","
                                + " \"data\": {\"device\": \"d\", \"name\": \"n\"}}]}"));
        Classification c = plain.classify(
                "transaction",
                args(
                        "{\"actions\": [{\"type\": \"abort\", \"data\": {}},"
                                + " {\"type\": \"drive-backup\", \"data\": {\"device\": \"d\", \"target\": \"/tmp/x\", \"sync\": \"full\"}}]}"),
                null);
        assertEquals(Effect.HOST, c.effect());
        assertTrue(c.why().contains("drive-backup"), c.why());
        assertEquals(Effect.DANGEROUS, of(plain, "transaction", "{\"actions\": [{\"type\": \"something-new\"}]}"));
    }

    @Test
    void humanMonitorCommandIsItsLine() throws Exception {
        assertEquals(Effect.DANGEROUS, of(plain, "human-monitor-command", "{\"command-line\": \"q\"}"));
        assertEquals(Effect.QUERY, of(plain, "human-monitor-command", "{\"command-line\": \"info status\"}"));
        assertEquals(Effect.QUERY, of(plain, "human-monitor-command", "{\"command-line\": \"  \"}"));
    }

    @Test
    void unknownCommandsAreAdminOnly() throws Exception {
        assertEquals(Classification.unknown(), plain.classify("x-frobnicate", null, null));
    }
}
