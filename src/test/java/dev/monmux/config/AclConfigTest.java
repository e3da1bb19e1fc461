package dev.monmux.config;

import static dev.monmux.config.OneVmConfig.error;
import static dev.monmux.config.OneVmConfig.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The {@code acl:} section and the deployments it refuses. */
class AclConfigTest {
    @Test
    void bothKeysAreRead() throws Exception {
        MonmuxConfig c = parse("acl: {mediaPaths: ['/srv/iso/*.iso'], screendumpDir: /srv/shots}\n");
        assertEquals(java.util.List.of("/srv/iso/*.iso"), c.acl().mediaPaths());
        assertEquals("/srv/shots", c.acl().screendumpDir());
    }

    @Test
    void relativeOrBrokenPathsAreRefused() {
        assertTrue(error("acl: {mediaPaths: ['iso/*.iso']}\n").contains("expected an absolute path or glob"));
        assertTrue(error("acl: {screendumpDir: shots}\n").contains("expected an absolute directory"));
    }

    @Test
    void mediaPathsMustNotReachTheAuditLogNorItsRotatedFiles() {
        assertTrue(error("audit: {path: /var/log/monmux/audit.jsonl}\nacl: {mediaPaths: ['/var/log/monmux/*.jsonl']}\n")
                .contains("acl.mediaPaths: matches the audit log (/var/log/monmux/audit.jsonl)"));
        assertTrue(error("audit: {path: /var/log/monmux/audit.jsonl, keep: 3}\n"
                        + "acl: {mediaPaths: ['/var/log/monmux/*.3']}\n")
                .contains("acl.mediaPaths: matches the audit log (/var/log/monmux/audit.jsonl.3)"));
    }

    @Test
    void theAuditLogMustNotBeAmongScreenshots() {
        assertTrue(error("audit: {path: /srv/shots/audit.jsonl}\nacl: {screendumpDir: /srv/shots}\n")
                .contains("must not be in the screenshots' directory"));
    }

    @Test
    void mediaPathsMustNotReachScreenshotsOfAnyVm() throws Exception {
        // a glob naming one VM's screenshots is refused, not only a glob of every file
        assertTrue(error("acl: {screendumpDir: /srv/shots, mediaPaths: ['/srv/shots/web1-*']}\n")
                .contains("matches screenshots in acl.screendumpDir"));
        assertTrue(error("acl: {screendumpDir: /srv/shots, mediaPaths: ['/srv/shots/*.png']}\n")
                .contains("matches screenshots in acl.screendumpDir"));
        parse("acl: {screendumpDir: /srv/shots, mediaPaths: ['/srv/iso/*.iso']}\n");
    }
}
