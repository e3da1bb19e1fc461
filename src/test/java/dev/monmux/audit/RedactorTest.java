package dev.monmux.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.monmux.qmp.QmpJson;

class RedactorTest {
    private static JsonNode json(String s) throws Exception {
        return QmpJson.MAPPER.readTree(s);
    }

    @Test
    void membersNamedLikeSecretsAreRedactedAtAnyDepthInAnyCase() throws Exception {
        JsonNode in = json("{\"protocol\":\"vnc\",\"password\":\"hunter2\",\"opts\":{\"NewPassword\":\"x\","
                + "\"list\":[{\"api-key\":\"k\",\"keep\":1},{\"name\":\"a\"}],\"Secret-Id\":3},\"size\":5}");
        JsonNode out = Redactor.redact(in);
        assertEquals(json("{\"protocol\":\"vnc\",\"password\":\"[redacted]\",\"opts\":{\"NewPassword\":\"[redacted]\","
                + "\"list\":[{\"api-key\":\"[redacted]\",\"keep\":1},{\"name\":\"a\"}],\"Secret-Id\":\"[redacted]\"},\"size\":5}"), out);
        assertEquals("hunter2", in.get("password").asText(), "the input is not changed");
    }

    @Test
    void theDataOfASecretObjectIsRedacted() throws Exception {
        assertEquals(json("{\"qom-type\":\"secret\",\"id\":\"s0\",\"data\":\"[redacted]\"}"),
                Redactor.redact(json("{\"qom-type\":\"secret\",\"id\":\"s0\",\"data\":\"cGFzcw==\"}")));
        assertEquals(json("{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\",\"data\":\"d\"}"),
                Redactor.redact(json("{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\",\"data\":\"d\"}")));
    }

    @Test
    void hmpLinesLoseTheirSecretArgumentsAndOptions() {
        assertEquals("set_password vnc [redacted]", Redactor.line("set_password vnc hunter2 -d vnc0"));
        assertEquals("change vnc password [redacted]", Redactor.line("change vnc password hunter2"));
        assertEquals("sendkey [redacted]", Redactor.line("sendkey h-u-n"));
        assertEquals("object_add secret,id=s0,data=[redacted],format=raw",
                Redactor.line("object_add secret,id=s0,data=hunter2,format=raw"));
        assertEquals("drive_add 0 if=none,id=d,file=x.qcow2,encrypt.key-secret=[redacted]",
                Redactor.line("drive_add 0 if=none,id=d,file=x.qcow2,encrypt.key-secret=sec0"));
        assertEquals("info status", Redactor.line("info status"));
        assertEquals("stop", Redactor.line("stop"));
    }

    @Test
    void rawQmpLinesAndTheInnerLineOfHumanMonitorCommandAreRedacted() throws Exception {
        assertEquals("{\"execute\":\"set_password\",\"arguments\":{\"protocol\":\"vnc\",\"password\":\"[redacted]\"}}",
                Redactor.line("{\"execute\": \"set_password\", \"arguments\": {\"protocol\": \"vnc\", \"password\": \"hunter2\"}}"));
        String unchanged = "{ \"execute\" : \"query-status\" }";
        assertEquals(unchanged, Redactor.line(unchanged), "nothing secret: the line exactly as typed");
        assertEquals(json("{\"command-line\":\"set_password vnc [redacted]\"}"),
                Redactor.redact(json("{\"command-line\":\"set_password vnc hunter2\"}")));
        // Not JSON after all (it was never sent), still no secret in the log.
        assertEquals("{\"execute\":\"set_password\",\"arguments\":{\"password\": \"[redacted]\" ",
                Redactor.line("{\"execute\":\"set_password\",\"arguments\":{\"password\": \"hun\\\"ter2\" "));
    }
}
