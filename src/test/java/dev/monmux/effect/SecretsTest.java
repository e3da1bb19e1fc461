package dev.monmux.effect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }

    private static JsonNode redact(String command, String args) throws Exception {
        return Secrets.redactQmp(command, json(args), line -> "HMP(" + line + ")");
    }

    @Test
    void membersNamedLikeSecretsAreRedactedAtAnyDepthInAnyCase() throws Exception {
        ObjectNode in = json(
                "{\"protocol\":\"vnc\",\"password\":\"hunter2\",\"opts\":{\"NewPassword\":\"x\","
                        + "\"list\":[{\"api-key\":\"k\",\"keep\":1},{\"name\":\"a\"}],\"Secret-Id\":3,\"passwd\":\"p\"},\"size\":5}");
        assertEquals(
                json("{\"protocol\":\"vnc\",\"password\":\"[redacted]\",\"opts\":{\"NewPassword\":\"[redacted]\","
                        + "\"list\":[{\"api-key\":\"[redacted]\",\"keep\":1},{\"name\":\"a\"}],\"Secret-Id\":\"[redacted]\","
                        + "\"passwd\":\"[redacted]\"},\"size\":5}"),
                Secrets.redactQmp("x", in, l -> l));
        assertEquals("hunter2", in.get("password").asText(), "the input is not changed");
    }

    @Test
    void theDataOfSecretObjectsAndWhatQomSetWritesIntoThem() throws Exception {
        assertEquals(
                json("{\"qom-type\":\"secret\",\"id\":\"s0\",\"data\":\"[redacted]\"}"),
                redact("object-add", "{\"qom-type\":\"secret\",\"id\":\"s0\",\"data\":\"cGFzcw==\"}"));
        assertEquals(
                json("{\"qom-type\":\"secret_keyring\",\"id\":\"s0\",\"data\":\"[redacted]\"}"),
                redact("object-add", "{\"qom-type\":\"secret_keyring\",\"id\":\"s0\",\"data\":\"x\"}"));
        assertEquals(
                json("{\"qom-type\":\"secret\",\"id\":\"s0\",\"dta\":\"[redacted]\",\"Data\":\"[redacted]\","
                        + "\"format\":\"raw\"}"),
                redact(
                        "object-add",
                        "{\"qom-type\":\"secret\",\"id\":\"s0\",\"dta\":\"x\",\"Data\":\"y\",\"format\":\"raw\"}"),
                "a misspelt property of a secret object is redacted too: QEMU refuses it only after the record");
        assertEquals(
                json("{\"path\":\"/objects/s0\",\"property\":\"Data\",\"value\":\"[redacted]\"}"),
                redact("qom-set", "{\"path\":\"/objects/s0\",\"property\":\"Data\",\"value\":\"hunter2\"}"));
        assertEquals(
                json("{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\",\"data\":\"d\"}"),
                redact("object-add", "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\",\"data\":\"d\"}"));
        assertEquals(
                json("{\"path\":\"/objects/s0\",\"property\":\"data\",\"value\":\"[redacted]\"}"),
                redact("qom-set", "{\"path\":\"/objects/s0\",\"property\":\"data\",\"value\":\"hunter2\"}"));
        assertEquals(
                json("{\"path\":\"/machine\",\"property\":\"x\",\"value\":5}"),
                redact("qom-set", "{\"path\":\"/machine\",\"property\":\"x\",\"value\":5}"));
    }

    @Test
    void typedTextAndTheLineInsideHumanMonitorCommand() throws Exception {
        assertEquals(
                json("{\"keys\":\"[redacted]\",\"hold-time\":5}"),
                redact("send-key", "{\"keys\":[{\"type\":\"qcode\",\"data\":\"a\"}],\"hold-time\":5}"));
        assertEquals(
                json("{\"device\":\"r\",\"data\":\"[redacted]\"}"),
                redact("ringbuf-write", "{\"device\":\"r\",\"data\":\"pw\\n\"}"));
        assertEquals(json("{\"events\":\"[redacted]\"}"), redact("input-send-event", "{\"events\":[]}"));
        assertEquals(
                json("{\"command-line\":\"HMP(set_password vnc x)\"}"),
                redact("human-monitor-command", "{\"command-line\":\"set_password vnc x\"}"));
        assertEquals(
                json("{\"secret\":\"[redacted]\",\"packet-header\":\"h\"}"),
                redact("sev-inject-launch-secret", "{\"secret\":\"s\",\"packet-header\":\"h\"}"));
    }

    @Test
    void passwordsInsideUrlsAndBlockFileNames() throws Exception {
        assertEquals(
                json("{\"device\":\"cd0\",\"filename\":\"nbd://[redacted]@127.0.0.1/x\"}"),
                redact("blockdev-change-medium", "{\"device\":\"cd0\",\"filename\":\"nbd://u:NBDPW10@127.0.0.1/x\"}"));
        java.util.List<String> found = new java.util.ArrayList<>();
        assertEquals(
                "rbd:p/i:id=admin:key=[redacted]:conf=/etc/ceph.conf",
                Secrets.cleanInline("rbd:p/i:id=admin:key=K1:conf=/etc/ceph.conf", found::add));
        assertEquals(java.util.List.of("K1"), found);
    }
}
