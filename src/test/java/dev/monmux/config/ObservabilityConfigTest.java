package dev.monmux.config;

import static dev.monmux.config.OneVmConfig.error;
import static dev.monmux.config.OneVmConfig.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code audit:} and {@code metrics:} sections. */
class ObservabilityConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void defaultsAuditOffMetricsOnLoopback9464() throws Exception {
        MonmuxConfig c = parse("");
        assertFalse(c.audit().enabled());
        assertEquals(AuditConfig.Fsync.BATCH, c.audit().fsync());
        assertEquals(AuditConfig.OnFailure.REFUSE, c.audit().onFailure());
        assertEquals(100, c.audit().maxSizeMb());
        assertEquals(10, c.audit().keep());
        assertTrue(c.metrics().enabled());
        assertEquals("127.0.0.1", c.metrics().bind());
        assertEquals(9464, c.metrics().port());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        MonmuxConfig c = parse("audit: {path: /var/log/monmux/audit.jsonl, fsync: always, onFailure: continue,"
                + " maxSizeMb: 0, keep: 3, queueSize: 50}\nmetrics: {enabled: false, bind: 0.0.0.0, port: 9100}\n");
        assertEquals("/var/log/monmux/audit.jsonl", c.audit().path());
        assertEquals(AuditConfig.Fsync.ALWAYS, c.audit().fsync());
        assertEquals(AuditConfig.OnFailure.CONTINUE, c.audit().onFailure());
        assertEquals(0, c.audit().maxSizeMb());
        assertEquals(3, c.audit().keep());
        assertEquals(50, c.audit().queueSize());
        assertFalse(c.metrics().enabled());
        assertEquals("0.0.0.0", c.metrics().bind());
        assertEquals(9100, c.metrics().port());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals(
                "test.yaml: line 3, column 26: audit.fsync: expected one of always, batch, never, found \"sometimes\"",
                error("audit: {path: /x, fsync: sometimes}\n"));
        assertTrue(error("audit: {path: /x, onFailure: ignore}\n")
                .contains("audit.onFailure: expected one of refuse, continue, found \"ignore\""));
        assertTrue(
                error("audit: {pathh: /x}\n")
                        .contains(
                                "audit.pathh: unknown key (known keys: fsync, keep, maxSizeMb, onFailure, path, queueSize)"),
                error("audit: {pathh: /x}\n"));
        assertTrue(error("metrics: {port: 70000}\n")
                .contains("metrics.port: expected a port number 0-65535, found \"70000\""));
        assertTrue(error("audit: {path: ''}\n")
                .contains("audit.path: expected a file name (leave path out to disable the audit log), found \"\""));
    }

    @Test
    void theExampleConfigShowsBothSections() throws Exception {
        MonmuxConfig c = loader.load(Path.of("config/monmux.yaml"));
        assertTrue(c.audit().enabled());
        assertTrue(c.metrics().enabled());
        assertTrue(Files.readString(Path.of("config/monmux.yaml")).contains("\naudit:\n"));
    }
}
