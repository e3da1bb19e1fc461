package dev.monmux.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.auth.VmGlob;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Route;
import dev.monmux.effect.Effect;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessControlTest {
    private static final PasswordHash HASH = PasswordHash.create("pw".toCharArray(), 1000);

    private static User user(String name, Role role, String... vms) {
        return new User(name, role, List.of(vms).stream().map(VmGlob::of).toList(), HASH);
    }

    private final VmLocks locks = new VmLocks();
    private final AccessControl acl = new AccessControl(
            new UserDirectory(List.of(
                    user("vera", Role.VIEWER, "*"),
                    user("otto", Role.OPERATOR, "web-*", "db1"),
                    user("ada", Role.ADMIN, "web-?"))),
            locks,
            ZoneId.of("UTC"));

    private static CommandPlan plan(String name, Effect effect) {
        return CommandPlan.answered(name, name, effect, Route.NATIVE, CommandResult.ok(""));
    }

    private static Actor actor(String user, String role) {
        return new Actor("s-" + user, user, role, "127.0.0.1:1", "telnet");
    }

    /** role x effect x VM pattern; the decision is the user's configured grant, not the actor's claim. */
    @ParameterizedTest(name = "{0} {2} on {1}: {3}")
    @CsvSource({
        "vera, web-1,  QUERY,     ok",
        "vera, web-1,  CONTROL,   needs operator",
        "vera, web-1,  DANGEROUS, needs admin",
        "vera, anyvm,  QUERY,     ok",
        "otto, web-1,  QUERY,     ok",
        "otto, web-12, CONTROL,   ok",
        "otto, db1,    CONTROL,   ok",
        "otto, db2,    QUERY,     no access",
        "otto, web-1,  DANGEROUS, needs admin",
        "ada,  web-1,  DANGEROUS, ok",
        "ada,  web-1,  CONTROL,   ok",
        "ada,  web-12, QUERY,     no access",
        "ada,  db1,    QUERY,     no access",
    })
    void matrix(String user, String vm, Effect effect, String expected) {
        // The actor claims admin: a configured user's own grant must win.
        Optional<String> r = acl.refuse(actor(user, "admin"), vm, plan("cmd", effect));
        switch (expected) {
            case "ok" -> assertEquals(Optional.empty(), r);
            case "no access" ->
                assertEquals(Optional.of("permission denied: user '" + user + "' has no access to VM '" + vm + "'"), r);
            default ->
                assertEquals(
                        Optional.of("permission denied: 'cmd' " + expected.replace("needs ", "needs role ") + " on VM '"
                                + vm + "'"),
                        r);
        }
    }

    @ParameterizedTest(name = "listener role {0}, {1}: {2}")
    @CsvSource({
        "viewer,   QUERY,     true",
        "viewer,   CONTROL,   false",
        "operator, CONTROL,   true",
        "operator, DANGEROUS, false",
        "admin,    DANGEROUS, true",
        "bogus,    QUERY,     false",
    })
    void actorsThatAreNotUsersAreJudgedByTheirRole(String role, Effect effect, boolean allowed) {
        Optional<String> r = acl.refuse(new Actor("q1", "-", role, "unix", "qmp:web1"), "web1", plan("x", effect));
        assertEquals(allowed, r.isEmpty(), r.toString());
    }

    @Test
    void theMessageNamesTheCanonicalCommandTheRoleAndTheVm() {
        assertEquals(
                Optional.of("permission denied: 'quit' needs role admin on VM 'web-1'"),
                acl.refuse(actor("otto", "operator"), "web-1", plan("quit", Effect.DANGEROUS)));
    }

    @Test
    void unknownCommandsAreAdminOnly() {
        assertEquals(
                Optional.of("permission denied: 'unknown' needs role admin on VM 'web-1'"),
                acl.refuse(actor("otto", "operator"), "web-1", plan("unknown", Effect.DANGEROUS)));
        assertEquals(Optional.empty(), acl.refuse(actor("ada", "admin"), "web-1", plan("unknown", Effect.DANGEROUS)));
    }

    @Test
    void aQmpCommandQemuDoesNotHaveIsLeftToQemuToRefuse() {
        // QmpRequestPlanner plans it as a query named 'unknown': QEMU answers CommandNotFound.
        assertEquals(Optional.empty(), acl.refuse(actor("vera", "viewer"), "web-1", plan("unknown", Effect.QUERY)));
    }

    @Test
    void aLockRefusesOthersControlButNotTheirQueriesNorTheHolder() {
        locks.acquire("web-1", "s-otto", "otto@127.0.0.1", false);
        assertEquals(Optional.empty(), acl.refuse(actor("otto", "operator"), "web-1", plan("stop", Effect.CONTROL)));
        assertEquals(Optional.empty(), acl.refuse(actor("vera", "viewer"), "web-1", plan("info status", Effect.QUERY)));
        Optional<String> r = acl.refuse(actor("ada", "admin"), "web-1", plan("system_reset", Effect.CONTROL));
        assertTrue(
                r.orElseThrow()
                        .matches("VM 'web-1' is locked by otto@127\\.0\\.0\\.1 since \\d\\d:\\d\\d:\\d\\d; "
                                + "only queries are allowed"),
                r.get());
        assertTrue(acl.refuse(actor("ada", "admin"), "web-1", plan("quit", Effect.DANGEROUS))
                .isPresent());
        assertEquals(
                Optional.empty(),
                acl.refuse(actor("ada", "admin"), "web-2", plan("stop", Effect.CONTROL)),
                "a lock is per VM");
        locks.release("web-1", "s-otto");
        assertEquals(Optional.empty(), acl.refuse(actor("ada", "admin"), "web-1", plan("stop", Effect.CONTROL)));
    }

    @Test
    void locksTakeReleaseAndForce() {
        assertTrue(locks.acquire("vm", "a", "a@h", false) instanceof VmLocks.Acquired.Taken t && t.previous() == null);
        assertTrue(locks.acquire("vm", "a", "a@h", false) instanceof VmLocks.Acquired.AlreadyYours);
        assertTrue(locks.acquire("vm", "b", "b@h", false) instanceof VmLocks.Acquired.HeldByOther h
                && h.holder().who().equals("a@h"));
        assertTrue(locks.release("vm", "b").isEmpty(), "only the holder releases");
        assertTrue(locks.acquire("vm", "b", "b@h", true) instanceof VmLocks.Acquired.Taken t
                && t.previous().who().equals("a@h"));
        assertEquals("b", locks.holder("vm").orElseThrow().sessionId());
        assertTrue(locks.release("vm", "a").isEmpty());
        assertEquals("b@h", locks.release("vm", "b").orElseThrow().who());
        assertTrue(locks.holder("vm").isEmpty());
    }

    @Test
    void globs() {
        assertTrue(VmGlob.of("web-*").matches("web-"));
        assertTrue(VmGlob.of("web-*").matches("web-1.prod"));
        assertTrue(!VmGlob.of("web-*").matches("Web-1"), "case-sensitive like VM names");
        assertTrue(!VmGlob.of("web.1").matches("webx1"), "a dot is a dot");
        assertTrue(VmGlob.of("db?").matches("db1"));
        assertTrue(!VmGlob.of("db?").matches("db12"));
    }
}
