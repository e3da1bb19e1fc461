package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    private MonmuxConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, "test.yaml");
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void minimalConfigGetsDefaults() throws Exception {
        MonmuxConfig c = parse("vms:\n  - {name: web1, qmp: unix:/run/qemu/web1.qmp}\n");
        assertEquals(1, c.vms().size());
        assertEquals(
                UnixDomainSocketAddress.of(Path.of("/run/qemu/web1.qmp")),
                c.vms().get(0).qmp().socketAddress());
        assertEquals(4444, c.listeners().telnet().get(0).port());
        assertEquals("127.0.0.1", c.listeners().telnet().get(0).bind());
        assertEquals(TelnetMode.AUTO, c.listeners().telnet().get(0).mode());
        assertEquals(Duration.ofSeconds(30), c.qmp().commandTimeout());
        assertEquals(Duration.ofMillis(100), c.qmp().reconnectInitial());
        assertEquals(Duration.ofSeconds(5), c.qmp().reconnectMax());
        assertEquals(10 * 1024 * 1024, c.qmp().maxMessageBytes());
        assertEquals(4096, c.limits().lineBytes());
        assertTrue(c.hmp().nativeMappings());
    }

    @Test
    void fullConfig() throws Exception {
        MonmuxConfig c = parse("""
                listeners:
                  telnet:
                    - {bind: 127.0.0.2, port: 4444}
                    - {port: 4445, mode: raw}
                qmp:
                  commandTimeout: 5s
                  reconnectMax: 2s
                hmp: {native: false}
                limits: {lineBytes: 1024}
                vms:
                  - name: web1
                    qmp: tcp:127.0.0.1:9000
                    telnet: {port: 4501}
                    commandTimeout: 250ms
                """);
        assertEquals(2, c.listeners().telnet().size());
        assertEquals(TelnetMode.RAW, c.listeners().telnet().get(1).mode());
        assertEquals(Duration.ofSeconds(5), c.qmp().commandTimeout());
        assertEquals(false, c.hmp().nativeMappings());
        assertEquals(1024, c.limits().lineBytes());
        VmConfig vm = c.vms().get(0);
        assertEquals(
                InetSocketAddress.createUnresolved("127.0.0.1", 9000), vm.qmp().socketAddress());
        assertEquals(4501, vm.telnet().port());
        assertEquals(Duration.ofMillis(250), vm.commandTimeout());
    }

    @Test
    void singleListenerMappingIsAccepted() throws Exception {
        MonmuxConfig c = parse("listeners:\n  telnet: {port: 5000}\nvms: [{name: a, qmp: 'unix:/x'}]\n");
        assertEquals(5000, c.listeners().telnet().get(0).port());
    }

    @Test
    void unknownKeyIsNamedWithLineAndPath() {
        String e = error("vms:\n  - name: web1\n    qmp: unix:/x\n    telnetport: 4501\n");
        assertEquals(
                "test.yaml: line 4, column 5: vms[0].telnetport: unknown key "
                        + "(known keys: commandTimeout, name, qmp, qmpListen, telnet)",
                e);
    }

    @Test
    void unknownTopLevelKey() {
        String e = error("vms: [{name: a, qmp: 'unix:/x'}]\nlistener: {}\n");
        assertTrue(e.startsWith("test.yaml: line 2, column 1: listener: unknown key (known keys: acl, audit,"), e);
    }

    @Test
    void badValuesNameTheKey() {
        assertEquals(
                "test.yaml: line 1, column 22: vms[0].qmp: expected unix:/path or tcp:host:port, found \"udp:1.2.3.4:5\"",
                error("vms: [{name: a, qmp: 'udp:1.2.3.4:5'}]\n"));
        assertEquals(
                "test.yaml: line 1, column 22: vms[0].qmp: expected tcp:host:port, found \"tcp:host\"",
                error("vms: [{name: a, qmp: 'tcp:host'}]\n"));
        assertEquals(
                "test.yaml: line 1, column 14: vms[0].name: expected 1-64 letters, digits, '.', '_' or '-', found \"a b\"",
                error("vms: [{name: 'a b', qmp: 'unix:/x'}]\n"));
        assertEquals(
                "test.yaml: line 1, column 23: qmp.commandTimeout: expected a duration (250ms, 30s, 5m, 1h or off), "
                        + "found \"30 seconds\"",
                error("qmp: {commandTimeout: 30 seconds}\nvms: [{name: a, qmp: 'unix:/x'}]\n"));
        assertEquals(
                "test.yaml: line 1, column 28: listeners.telnet.port: expected a port number 0-65535, found \"70000\"",
                error("listeners: {telnet: {port: 70000}}\nvms: [{name: a, qmp: 'unix:/x'}]\n"));
        assertEquals(
                "test.yaml: line 2, column 30: listeners.telnet[1].port: expected a port number 0-65535, found \"abc\"",
                error("listeners:\n  telnet: [{port: 1}, {port: abc}]\nvms: [{name: a, qmp: 'unix:/x'}]\n"));
        assertEquals(
                "test.yaml: line 1, column 37: listeners.telnet.mode: expected one of auto, telnet, raw, found \"cooked\"",
                error("listeners: {telnet: {port: 1, mode: cooked}}\nvms: [{name: a, qmp: 'unix:/x'}]\n"));
    }

    @Test
    void duplicateVmNamesAndMissingVms() {
        assertTrue(error("vms: [{name: a, qmp: 'unix:/x'}, {name: a, qmp: 'unix:/y'}]\n")
                .contains("vms[1].name: duplicate VM name \"a\" (vms[0] has it too)"));
        assertTrue(error("listeners: {telnet: {port: 1}}\n").contains("vms: expected at least one VM"));
        assertEquals(
                "test.yaml: line 1, column 7: vms[0].qmp: expected unix:/path or tcp:host:port, found nothing",
                error("vms: [{name: a}]\n"));
        assertEquals("test.yaml: the file is empty (at least 'vms:' is required)", error("  \n"));
    }

    @Test
    void duplicateKeysAndBrokenYamlAreErrors() {
        assertEquals(
                "test.yaml: line 2, column 1: vms: given twice (first on line 1)",
                error("vms: [{name: a, qmp: 'unix:/x'}]\nvms: []\n"));
        String e = error("vms: [{name: a, qmp: 'unix:/x'}\n");
        assertTrue(e.startsWith("test.yaml: line "), e);
        assertTrue(e.contains("not valid YAML"), e);
    }

    @Test
    void missingFile() {
        String e = assertThrows(ConfigException.class, () -> loader.load(Path.of("/nonexistent/monmux.yaml")))
                .getMessage();
        assertEquals("/nonexistent/monmux.yaml: no such file", e);
    }
}
