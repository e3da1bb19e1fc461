package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.TestPki;
import dev.monmux.tls.TlsContexts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls:} keys: defaults, mistakes, the QMP rule for non-loopback addresses, unreadable files. */
class TlsConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    private MonmuxConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, "test.yaml");
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void clientAuthDefaultsToRequireWithACaAndNoneWithout() throws Exception {
        MonmuxConfig c = parse("listeners: {telnet: {port: 4444, tls: {cert: s.crt, key: s.key}}}\n"
                + "metrics: {tls: {cert: s.crt, key: s.key, clientCa: ca.crt}}\nvms: [{name: a, qmp: 'unix:/a'}]\n");
        assertEquals(
                TlsConfig.ClientAuth.NONE, c.listeners().telnet().get(0).tls().clientAuth());
        assertEquals(TlsConfig.ClientAuth.REQUIRE, c.metrics().tls().clientAuth());
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(error("listeners: {telnet: {port: 1, tls: {cert: s.crt}}}\nvms: [{name: a, qmp: 'unix:/a'}]\n")
                .contains("listeners.telnet.tls.key: expected a PEM private key file, found nothing"));
        assertTrue(error("listeners: {telnet: {port: 1, tls: {cert: a, key: b, clientAuth: require}}}\n"
                        + "vms: [{name: a, qmp: 'unix:/a'}]\n")
                .contains("listeners.telnet.tls.clientCa: clientAuth require needs clientCa"));
        assertTrue(error("listeners: {telnet: {port: 1, tls: {cert: a, key: b, clientCa: c, clientAuth: maybe}}}\n"
                        + "vms: [{name: a, qmp: 'unix:/a'}]\n")
                .contains("listeners.telnet.tls.clientAuth: expected one of none, optional, require, found \"maybe\""));
        assertTrue(
                error("vms: [{name: a, qmp: 'unix:/a', qmpListen: {unix: /x, role: admin, tls: {cert: a, key: b}}}]\n")
                        .contains("tls: applies to tcp listeners only"));
    }

    @Test
    void aQmpListenerOffLoopbackNeedsRequiredClientCertificates() throws Exception {
        String base = "vms: [{name: a, qmp: 'unix:/a', qmpListen: {tcp: '0.0.0.0:4445', role: viewer, tls: "
                + "{cert: s.crt, key: s.key, clientCa: ca.crt";
        assertEquals(
                "0.0.0.0",
                parse(base + "}}}]\n").vms().get(0).qmpListen().get(0).host());
        assertTrue(error(base + ", clientAuth: optional}}}]\n").contains("not a loopback address"));
        // auth: none on a public telnet listener stays refused, TLS or not.
        assertTrue(error("listeners: {telnet: {bind: 0.0.0.0, port: 1, tls: {cert: a, key: b, clientCa: c}}}\n"
                        + "vms: [{name: a, qmp: 'unix:/a'}]\n")
                .contains("auth: none is allowed only when every client listener"));
    }

    @Test
    void unreadableOrWrongFilesAreConfigErrors(@TempDir Path dir) throws Exception {
        MonmuxConfig missing = parse("listeners: {telnet: {port: 1, tls: {cert: nope.crt, key: nope.key}}}\n"
                + "vms: [{name: a, qmp: 'unix:/a'}]\n");
        String e = assertThrows(ConfigException.class, () -> TlsContexts.load(missing, dir))
                .getMessage();
        assertEquals("listeners.telnet[0].tls.cert: cannot read " + dir.resolve("nope.crt") + " (no such file)", e);

        TestPki.create(dir);
        MonmuxConfig swapped = parse("listeners: {telnet: {port: 1, tls: {cert: server.key, key: server.crt}}}\n"
                + "vms: [{name: a, qmp: 'unix:/a'}]\n");
        String w = assertThrows(ConfigException.class, () -> TlsContexts.load(swapped, dir))
                .getMessage();
        assertTrue(w.startsWith("listeners.telnet[0].tls: cannot use cert "), w);
        MonmuxConfig good =
                parse("listeners: {telnet: {port: 1, tls: {cert: server.crt, key: server.key, clientCa: ca.crt}}}\n"
                        + "vms: [{name: a, qmp: 'unix:/a'}]\n");
        assertTrue(!TlsContexts.load(good, dir).isEmpty());
    }
}
