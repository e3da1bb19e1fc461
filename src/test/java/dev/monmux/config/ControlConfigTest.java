package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.monmux.auth.PasswordHash;
import org.junit.jupiter.api.Test;

class ControlConfigTest {
    private static final String VM = "vms: [{name: a, qmp: 'unix:/tmp/a.qmp'}]\n";

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> new ConfigLoader().parse(VM + yaml, "m.yaml"))
                .getMessage();
    }

    @Test
    void withoutLoginsOnlyMonmuxsOwnUserMayOpenTheSocket() {
        assertEquals(
                "m.yaml: line 2, column 33: control.mode: with auth: none every client of the control socket is "
                        + "the anonymous admin, so only monmux's Unix user and root may open it: expected \"0600\", "
                        + "found \"0660\" (for a Unix group, set auth: password and control.users)",
                error("control: {socket: c.sock, mode: '0660'}\n"));
    }

    @Test
    void withLoginsEveryClientMustMapToAUser() {
        assertEquals(
                "m.yaml: line 3, column 1: control.users: auth is password, so the control socket needs to know who "
                        + "each local client is: map Unix users to users of this file (e.g. control: {users: {root: al}})",
                error("users: [{name: al, password: '" + HASH + "', role: admin}]\ncontrol: {socket: c.sock}\n"));
    }

    private static final String HASH =
            PasswordHash.create("pw".toCharArray(), 1000).encoded();
}
