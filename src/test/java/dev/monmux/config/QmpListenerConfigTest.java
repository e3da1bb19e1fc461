package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code vms[].qmpListen}: the QMP listeners of a VM. */
class QmpListenerConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    private MonmuxConfig parse(String qmpListen) throws ConfigException {
        return loader.parse(
                "vms:\n  - name: web1\n    qmp: unix:/run/qemu/web1.qmp\n    qmpListen: " + qmpListen + "\n",
                "test.yaml");
    }

    private String error(String qmpListen) {
        return assertThrows(ConfigException.class, () -> parse(qmpListen)).getMessage();
    }

    @Test
    void unixAndTcpListenersWithRolesAndModes() throws Exception {
        MonmuxConfig c = parse("[{unix: /run/monmux/web1.qmp, mode: \"0660\", role: operator},"
                + " {tcp: \"127.0.0.1:4445\", role: viewer}, {unix: /run/monmux/web1-admin.qmp, role: admin}]");
        List<QmpListenerConfig> l = c.vms().get(0).qmpListen();
        assertEquals(3, l.size());
        assertEquals("rw-rw----", l.get(0).permissions());
        assertEquals("operator", l.get(0).role());
        assertEquals("127.0.0.1", l.get(1).host());
        assertEquals(4445, l.get(1).port());
        assertEquals("rw-------", l.get(2).permissions(), "default mode 0600");
    }

    @Test
    void aSingleMappingIsAListOfOne() throws Exception {
        assertEquals(
                1,
                parse("{unix: /tmp/x.qmp, role: viewer}")
                        .vms()
                        .get(0)
                        .qmpListen()
                        .size());
    }

    @Test
    void noQmpListenersByDefault() throws Exception {
        MonmuxConfig c = loader.parse("vms:\n  - {name: web1, qmp: unix:/q}\n", "t.yaml");
        assertEquals(List.of(), c.vms().get(0).qmpListen());
    }

    @Test
    void aNonLoopbackTcpListenerIsRefusedSayingWhy() {
        String e = error("[{tcp: \"0.0.0.0:4445\", role: viewer}]");
        assertTrue(
                e.contains("line 4")
                        && e.contains("vms[0].qmpListen[0]")
                        && e.contains("not a loopback address")
                        && e.contains(
                                "needs TLS client certificates (tls: {cert, key, clientCa, clientAuth: require})"),
                e);
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(
                error("[{unix: /a, role: root}]").contains("role: expected viewer, operator or admin, found \"root\""));
        assertTrue(error("[{unix: /a}]").contains("role: expected viewer, operator or admin, found nothing"));
        assertTrue(error("[{unix: /a, tcp: \"127.0.0.1:1\", role: admin}]").contains("exactly one of"));
        assertTrue(error("[{unix: /a, mode: \"999\", role: admin}]")
                .contains("mode: expected octal permissions such as \"0600\" (quoted), found \"999\""));
        assertTrue(
                error("[{tcp: \"127.0.0.1:1\", mode: \"0600\", role: admin}]").contains("unix sockets only"));
        String unknown = error("[{unix: /a, role: admin, perms: \"0600\"}]");
        assertTrue(
                unknown.contains("vms[0].qmpListen[0].perms: unknown key")
                        && unknown.contains("known keys: mode, role, tcp, tls, unix"),
                unknown);
    }

    @Test
    void anUnquotedModeIsReadAsWritten() throws Exception {
        assertEquals(
                "rw-r-----",
                parse("{unix: /a, mode: 0640, role: admin}")
                        .vms()
                        .get(0)
                        .qmpListen()
                        .get(0)
                        .permissions());
    }
}
