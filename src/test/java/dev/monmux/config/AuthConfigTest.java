package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.Monmux;
import dev.monmux.auth.PasswordHash;
import dev.monmux.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, roles, grants and the {@code auth: none} loopback rule in the config file. */
class AuthConfigTest {
    private static final String HASH =
            PasswordHash.create("pw".toCharArray(), 1000).encoded();
    private static final String VM = "vms: [{name: web1, qmp: 'unix:/x'}]\n";

    private final ConfigLoader loader = new ConfigLoader();

    private MonmuxConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, "test.yaml");
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void withoutUsersAuthIsOffAndDefaultsApply() throws Exception {
        MonmuxConfig c = parse(VM);
        assertEquals(AuthMode.NONE, c.auth());
        assertEquals(List.of(), c.users());
        assertTrue(c.confirmDangerous());
        assertEquals(Duration.ofSeconds(1), c.login().failureDelay());
        assertEquals(Duration.ofSeconds(30), c.login().maxFailureDelay());
        assertEquals(3, c.login().attempts());
        assertEquals(Duration.ofSeconds(60), c.login().timeout());
    }

    @Test
    void usersTurnPasswordAuthOnAndBecomeAccounts() throws Exception {
        MonmuxConfig c = parse(VM + "users:\n"
                + "  - {name: alice, password: '" + HASH + "', role: operator, vms: [web-*, db1]}\n"
                + "  - {name: root, password: '" + HASH + "', role: ADMIN}\n"
                + "login: {failureDelay: 2s, maxFailureDelay: 1m, attempts: 5, timeout: 90s}\n"
                + "confirmDangerous: false\n");
        assertEquals(AuthMode.PASSWORD, c.auth());
        var alice = c.users().get(0).toUser();
        assertEquals(Role.OPERATOR, alice.role());
        assertEquals(Role.OPERATOR, alice.roleOn("web-7").orElseThrow());
        assertTrue(alice.roleOn("db2").isEmpty());
        assertTrue(alice.password().matches("pw".toCharArray()));
        assertEquals(Role.ADMIN, c.users().get(1).toUser().roleOn("anything").orElseThrow(), "vms default to all");
        assertEquals(Duration.ofSeconds(2), c.login().failureDelay());
        assertEquals(5, c.login().attempts());
        assertEquals(false, c.confirmDangerous());
    }

    @Test
    void badUsersNameTheKey() {
        String badHash = error(VM + "users: [{name: alice, password: hunter2, role: operator}]\n");
        assertTrue(
                badHash.contains("users[0].password: a password hash looks like 'pbkdf2-sha256$ITERATIONS$SALT$HASH'"),
                badHash);
        assertFalse(badHash.contains("hunter2"), "never quotes what may be a password: " + badHash);
        assertTrue(error(VM + "users: [{name: alice, password: '" + HASH + "', role: god}]\n")
                .contains("users[0].role: expected viewer, operator or admin, found \"god\""));
        assertTrue(error(VM + "users: [{name: alice, password: '" + HASH + "', role: viewer, vms: ['web 1']}]\n")
                .contains(
                        "users[0].vms[0]: expected a VM name or pattern: 1-64 letters, digits, '.', '_', '-', '*' or '?', "
                                + "found \"web 1\""));
        assertTrue(error(VM + "users: [{name: alice, password: '" + HASH + "', role: viewer, pasword: x}]\n")
                .contains("users[0].pasword: unknown key"));
        assertTrue(error(VM + "users: [{name: a, password: '" + HASH + "', role: viewer}," + " {name: a, password: '"
                        + HASH + "', role: admin}]\n")
                .contains("users[1].name: duplicate user name \"a\" (users[0] has it too)"));
        assertTrue(error(VM + "auth: password\n").contains("auth: password needs at least one entry in users"));
        assertTrue(error(VM + "auth: kerberos\n").contains("auth: expected none or password, found \"kerberos\""));
    }

    @Test
    void authNoneIsRefusedOnANonLoopbackListener() {
        String e = error("listeners: {telnet: {bind: 0.0.0.0, port: 4444}}\n" + VM);
        assertTrue(
                e.contains("auth: none is allowed only when every client listener is bound to loopback, but "
                        + "listeners.telnet[0] binds 0.0.0.0"),
                e);
        e = error("auth: none\nvms: [{name: web1, qmp: 'unix:/x', telnet: {bind: 192.0.2.1, port: 4501}}]\n");
        assertTrue(e.contains("vms[0].telnet binds 192.0.2.1"), e);
    }

    @Test
    void loopbackListenersMayRunWithoutAuthAndPublicOnesWithUsers() throws Exception {
        parse("listeners: {telnet: [{bind: 127.0.0.2, port: 1}, {bind: '::1', port: 2}, {bind: localhost, port: 3}]}\n"
                + VM);
        MonmuxConfig c = parse("listeners: {telnet: {bind: 0.0.0.0, port: 4444}}\n" + VM
                + "users: [{name: a, password: '" + HASH + "', role: viewer}]\n");
        assertEquals(AuthMode.PASSWORD, c.auth());
    }

    @Test
    void monmuxRefusesToStartOnAPublicBindWithoutAuth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("monmux.yaml");
        Files.writeString(file, "listeners: {telnet: {bind: 0.0.0.0, port: 0}}\n" + VM);
        // The same refusal stops `monmux run` (exit code 2) before any port is bound.
        String e = assertThrows(ConfigException.class, () -> Monmux.start(loader.load(file)))
                .getMessage();
        assertTrue(e.startsWith(file + ": "), e);
        assertTrue(e.contains("auth: none is allowed only when every client listener is bound to loopback"), e);
    }

    @Test
    void usersMayLiveInTheirOwnFileNextToTheConfig(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("users.yaml"),
                "users:\n  - {name: bob, password: '" + HASH + "', role: viewer, vms: [db*]}\n");
        Path file = dir.resolve("monmux.yaml");
        Files.writeString(file, VM + "usersFile: users.yaml\n");
        MonmuxConfig c = loader.load(file);
        assertEquals(AuthMode.PASSWORD, c.auth());
        assertEquals("bob", c.users().get(0).name());
        assertEquals(Role.VIEWER, c.users().get(0).toUser().roleOn("db1").orElseThrow());

        Files.writeString(dir.resolve("users.yaml"), "users:\n  - {name: bob, password: x, role: viewer}\n");
        String e = assertThrows(ConfigException.class, () -> loader.load(file)).getMessage();
        assertTrue(e.startsWith(dir.resolve("users.yaml") + ": "), e);
        assertTrue(e.contains("line 2, column 27: users[0].password: a password hash looks like"), e);
        assertTrue(e.contains("(make one with: monmux hash-password)"), e);

        Files.writeString(file, VM + "usersFile: nope.yaml\n");
        e = assertThrows(ConfigException.class, () -> loader.load(file)).getMessage();
        assertEquals(
                file + ": line 2, column 12: usersFile: cannot read " + dir.resolve("nope.yaml") + " (no such file)",
                e);

        Files.writeString(
                file, VM + "usersFile: users.yaml\nusers: [{name: a, password: '" + HASH + "', role: viewer}]\n");
        e = assertThrows(ConfigException.class, () -> loader.load(file)).getMessage();
        assertTrue(e.contains("usersFile: give the users in one place, users or usersFile, not both"), e);
    }
}
