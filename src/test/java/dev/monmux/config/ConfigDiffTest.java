package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reload would change, computed from two configs. */
class ConfigDiffTest {
    private static MonmuxConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader().parse(yaml, "test.yaml");
    }

    @Test
    void vmsAddedRemovedAndReconnectedWithTheirListeners() throws Exception {
        MonmuxConfig a = parse("vms:\n"
                + "  - {name: keep, qmp: 'unix:/q/keep', qmpListen: {unix: /m/keep, role: viewer}}\n"
                + "  - {name: gone, qmp: 'unix:/q/gone', telnet: {port: 4501}}\n"
                + "  - {name: moved, qmp: 'unix:/q/moved', qmpListen: {tcp: '127.0.0.1:4600', role: admin}}\n");
        MonmuxConfig b = parse("listeners: {telnet: [{port: 4444}, {port: 4445, mode: raw}]}\n"
                + "vms:\n"
                + "  - {name: keep, qmp: 'unix:/q/keep', qmpListen: {unix: /m/keep, role: viewer}}\n"
                + "  - {name: moved, qmp: 'unix:/q/moved2', qmpListen: {tcp: '127.0.0.1:4600', role: admin}}\n"
                + "  - {name: new, qmp: 'tcp:127.0.0.1:9000'}\n");
        ConfigDiff d = ConfigDiff.between(a, b);
        assertEquals(
                List.of("moved", "new"),
                d.addedVms().stream().map(VmConfig::name).toList());
        assertEquals(
                List.of("gone", "moved"),
                d.removedVms().stream().map(VmConfig::name).toList());
        assertEquals(
                List.of("telnet 127.0.0.1:4445", "QMP tcp:127.0.0.1:4600 (VM 'moved')"),
                d.addedListeners().stream().map(Object::toString).toList());
        assertEquals(
                List.of("telnet 127.0.0.1:4501 (VM 'gone')", "QMP tcp:127.0.0.1:4600 (VM 'moved')"),
                d.removedListeners().stream().map(Object::toString).toList());
        assertFalse(d.usersChanged());
        assertEquals(List.of(), d.needRestart());
        assertEquals(
                "VMs added: new; VMs removed: gone; VMs reconnected with new settings: moved; "
                        + "listeners added: telnet 127.0.0.1:4445; listeners removed: telnet 127.0.0.1:4501 (VM 'gone'); "
                        + "listeners bound again: QMP tcp:127.0.0.1:4600 (VM 'moved')",
                d.summary());
    }

    @Test
    void keysThatNeedARestartAreNamedAndKeptAsTheyRun() throws Exception {
        MonmuxConfig a = parse("vms: [{name: a, qmp: 'unix:/q/a'}]\nmetrics: {port: 9464}\n");
        MonmuxConfig b = parse("vms: [{name: a, qmp: 'unix:/q/a'}]\nmetrics: {port: 9465}\n"
                + "limits: {lineBytes: 100}\nqmp: {commandTimeout: 5s}\nconfirmDangerous: false\n");
        ConfigDiff d = ConfigDiff.between(a, b);
        assertTrue(d.isEmpty());
        assertEquals(List.of("qmp", "limits", "metrics", "confirmDangerous"), d.needRestart());
        assertEquals("no changes; not applied until restart: qmp, limits, metrics, confirmDangerous", d.summary());
        MonmuxConfig effective = ConfigDiff.effective(a, b);
        assertEquals(9464, effective.metrics().port());
        assertEquals(4096, effective.limits().lineBytes());
    }

    @Test
    void aPublicListenerCannotBeAddedWhileAuthNoneRuns() throws Exception {
        MonmuxConfig a = parse("vms: [{name: a, qmp: 'unix:/q/a'}]\n");
        MonmuxConfig b = parse("vms: [{name: a, qmp: 'unix:/q/a'}]\nlisteners: {telnet: {bind: 0.0.0.0, port: 4444}}\n"
                + "auth: password\nusers: [{name: u, password: '"
                + dev.monmux.auth.PasswordHash.create("pw".toCharArray(), 1000).encoded() + "', role: admin}]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigDiff.effective(a, b));
        assertTrue(
                e.getMessage().startsWith("auth: none is allowed only when every client listener is bound to loopback"),
                e.getMessage());
        assertTrue(ConfigDiff.between(a, b).needRestart().containsAll(List.of("auth", "users")));
    }
}
