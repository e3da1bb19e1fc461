package dev.monmux.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.monmux.command.CommandPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What others see of a typed line, for every spelling of a secret QEMU accepts: the redaction
 * follows QEMU's parse of the line, not a list of words.
 */
class HmpRedactionTest {
    private final HmpEngine engine = new HmpEngine(HmpTable.qemu72(), true);

    private String shown(String line) {
        CommandPlan p = engine.plan(line, null);
        return p.shown();
    }

    @Test
    void passwordsWhereverAndHoweverTheyAreTyped() {
        assertEquals("set_password vnc [redacted]", shown("set_password vnc hunter2"));
        assertEquals("set_password vnc [redacted] -d vnc0", shown("set_password vnc hunter2 -d vnc0"));
        assertEquals("set_password vnc [redacted] keep", shown("set_password vnc hunter2 keep"));
        assertEquals("set_password [redacted] [redacted]", shown("set_password hunter2 vnc"), "swapped by mistake");
        assertEquals("set_password vnc [redacted]", shown("set_password vnc \"hunter 2\""), "quoted");
        assertEquals("set_password \"vnc\" [redacted]", shown("set_password \"vnc\" 'hunter2'"));
        assertEquals("change vnc password [redacted]", shown("change vnc password hunter2"));
        assertEquals("change vnc passwd [redacted]", shown("change vnc passwd hunter2"));
        assertEquals("change vnc \"passwd\" [redacted]", shown("change vnc \"passwd\" \"hunter2\""));
        assertEquals(
                "change vnc -f passwd [redacted]", shown("change vnc -f passwd hunter2"), "a flag before the target");
        assertEquals("change vnc [redacted]", shown("change vnc hunter2"), "QEMU refuses it; the word is still hidden");
        assertEquals("change cd0 /srv/iso/a.iso raw", shown("change cd0 /srv/iso/a.iso raw"), "a medium is no secret");
    }

    @Test
    void secretObjectsInEveryFormObjectAddTakes() {
        assertEquals("object_add secret,id=s0,data=[redacted]", shown("object_add secret,id=s0,data=hunter2"));
        assertEquals(
                "object_add qom-type=secret,id=s0,data=[redacted]", shown("object_add qom-type=secret,id=s0,data=x"));
        assertEquals(
                "object_add id=s0,data=[redacted],qom-type=secret", shown("object_add id=s0,data=x,qom-type=secret"));
        assertEquals(
                "object_add secret_keyring,id=s0,serial=1,data=[redacted]",
                shown("object_add secret_keyring,id=s0,serial=1,data=x"));
        assertEquals(
                "object_add {\"qom-type\":\"secret\",\"id\":\"s0\",\"data\":\"[redacted]\"}",
                shown("object_add {\"qom-type\": \"secret\", \"id\": \"s0\", \"data\": \"hunter2\"}"));
        assertEquals(
                "object_add [redacted]",
                shown("object_add {\"qom-type\": \"secret\", \"data\": \"hun"),
                "JSON that does not parse is hidden whole");
        assertEquals("object_add memory-backend-ram,id=m,size=1M", shown("object_add memory-backend-ram,id=m,size=1M"));
        assertEquals("qom-set /objects/s0 data [redacted]", shown("qom-set /objects/s0 data hunter2"));
        assertEquals("qom-set -j /objects/s0 data [redacted]", shown("qom-set -j /objects/s0 data \"hunter2\""));
        assertEquals("qom-set /machine/peripheral/x foo 5", shown("qom-set /machine/peripheral/x foo 5"));
    }

    @Test
    void keystrokesRingBufferTextAndOptionStrings() {
        assertEquals("sendkey [redacted]", shown("sendkey h-u-n-t-e-r-2"));
        assertEquals("sendkey [redacted] 100", shown("sendkey h-u-n 100"));
        assertEquals("ringbuf_write serial0 [redacted]", shown("ringbuf_write serial0 hunter2"));
        assertEquals(
                "drive_add 0 if=none,id=d,file=/x.qcow2,encrypt.key-secret=[redacted]",
                shown("drive_add 0 if=none,id=d,file=/x.qcow2,encrypt.key-secret=sec0"));
        assertEquals(
                "chardev-add socket,id=c,path=/tmp/c,password=[redacted]",
                shown("chardev-add socket,id=c,path=/tmp/c,password=x"));
        assertEquals("netdev_add user,id=n,password=[redacted]", shown("netdev_add user,id=n,password=x"));
        assertEquals("device_add virtio-net-pci,netdev=n,id=nic1", shown("device_add virtio-net-pci,netdev=n,id=nic1"));
    }

    @Test
    void passwordsInsideFileNamesAndUrls() {
        assertEquals(
                "change cd0 http://[redacted]@127.0.0.1:1/x.iso",
                shown("change cd0 http://alice:URLPW1@127.0.0.1:1/x.iso"));
        assertEquals(
                "drive_add 0 if=none,id=d1,file=rbd:pool/img:id=admin:key=[redacted]",
                shown("drive_add 0 if=none,id=d1,file=rbd:pool/img:id=admin:key=RBDKEY2"));
        assertEquals(
                "drive_add 0 if=none,id=d2,file=iscsi://[redacted]@10.0.0.1/iqn.x/0",
                shown("drive_add 0 if=none,id=d2,file=iscsi://bob%ISCSIPW3@10.0.0.1/iqn.x/0"));
        assertEquals("change cd0 ssh://[redacted]@h/x.img", shown("change cd0 ssh://carol:SSHPW11@h/x.img"));
        assertEquals(
                "change cd0 /srv/iso/a@b=c.iso", shown("change cd0 /srv/iso/a@b=c.iso"), "no URL, no secret option");
    }

    @Test
    void aLineThatDoesNotParseIsShownToNoOne() {
        for (String line : List.of(
                "hunter2",
                "correct horse battery staple",
                "set_password",
                "set_password vnc",
                "change vnc",
                "info stauts",
                "qom-set /objects/s0")) {
            assertNull(shown(line), line);
        }
    }

    @Test
    void ordinaryLinesAreShownAsQemuReadsThem() {
        assertEquals("info status", shown("info status"));
        assertEquals("stop", shown("stop"));
        assertEquals("x /10x 0", shown("x /10x 0"));
        // QEMU gets the line inside a QMP string: a NUL is two bytes of modified UTF-8, not the end
        assertNull(shown("info registers\u0000hunter2"), "arguments that do not parse");
    }

    @Test
    void theAuditCopyOfTheArgumentsHoldsNoSecret() {
        for (String line : List.of(
                "set_password vnc hunter2",
                "change vnc passwd hunter2",
                "object_add secret,id=s0,data=hunter2",
                "qom-set /objects/s0 data hunter2",
                "sendkey h-u-n-t-e-r-2",
                "hunter2",
                "ringbuf_write s0 hunter2")) {
            CommandPlan p = engine.plan(line, null);
            assertFalse(
                    String.valueOf(p.qmpArguments()).contains("hunter")
                            || p.auditLine().contains("hunter")
                            || p.auditLine().contains("h-u-n"),
                    line + ": " + p.qmpArguments() + " " + p.auditLine());
        }
    }
}
