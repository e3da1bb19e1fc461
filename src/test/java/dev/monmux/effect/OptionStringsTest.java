package dev.monmux.effect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OptionStringsTest {
    @Test
    void secretOptionsAndTheDataOfSecretObjectsAreRedacted() {
        assertEquals(
                "secret,id=s0,data=[redacted],format=raw",
                OptionStrings.redact("secret,id=s0,data=hunter2,format=raw", "qom-type"));
        assertEquals(
                "qom-type=secret,id=s0,data=[redacted]",
                OptionStrings.redact("qom-type=secret,id=s0,data=x", "qom-type"));
        assertEquals(
                "id=s0,data=[redacted],qom-type=secret_keyring",
                OptionStrings.redact("id=s0,data=x,qom-type=secret_keyring", "qom-type"));
        assertEquals(
                "memory-backend-ram,id=m,size=1M,data=d",
                OptionStrings.redact("memory-backend-ram,id=m,size=1M,data=d", "qom-type"));
        assertEquals(
                "file=/x.qcow2,file.password-secret=[redacted],id=d",
                OptionStrings.redact("file=/x.qcow2,file.password-secret=sec0,id=d", null));
        assertEquals(
                "iscsi,password=[redacted]",
                OptionStrings.redact("iscsi,password=a,,b", "driver"),
                "a doubled comma is part of the value");
        assertEquals(
                "socket,id=c,path=/tmp/x,server=on",
                OptionStrings.redact("socket,id=c,path=/tmp/x,server=on", "backend"));
        assertEquals("", OptionStrings.redact("", null));
        assertEquals("x,,y,key=[redacted]", OptionStrings.redact("x,,y,key=1", "qom-type"));
    }

    @Test
    void everyOptionOfASecretObjectButTheKnownPublicOnesIsRedactedMisspeltOrNot() {
        assertEquals(
                "secret,id=s,dta=[redacted],Data=[redacted],format=base64,keyid=[redacted],iv=[redacted]", // keyid:
                // named like
                // a key
                OptionStrings.redact("secret,id=s,dta=SECRET,Data=SECRET,format=base64,keyid=k0,iv=IV", "qom-type"));
        assertEquals(
                "secret_keyring,id=s,serial=1234,loaded=on",
                OptionStrings.redact("secret_keyring,id=s,serial=1234,loaded=on", "qom-type"));
        assertEquals(
                "secret id=[redacted],data=[redacted]",
                OptionStrings.redact("secret id=s,data=SECRET", "qom-type"),
                "a space for the comma: still a secret object");
        assertEquals(
                "secret,id=s,file=/run/keys/s0",
                OptionStrings.redact("secret,id=s,file=/run/keys/s0", "qom-type"),
                "where the secret is read from is no secret");
    }
}
