package dev.monmux.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.monmux.auth.PasswordHash;
import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.auth.VmGlob;
import dev.monmux.config.ControlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlIdentityTest {
    private static final PasswordHash HASH = PasswordHash.create("pw".toCharArray(), 1000);
    private static final UserDirectory USERS = new UserDirectory(List.of(
            new User("alice", Role.OPERATOR, List.of(VmGlob.of("*")), HASH),
            new User("vera", Role.VIEWER, List.of(VmGlob.of("*")), HASH),
            new User("root", Role.ADMIN, List.of(VmGlob.of("*")), HASH)));

    private static ControlConfig mapping(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return new ControlConfig("/run/x.sock", null, null, m);
    }

    private static String resolve(LocalPeer peer, ControlConfig c) {
        ControlIdentity.Resolved r = ControlIdentity.resolve(peer, c, USERS, true);
        return r.user() != null ? r.user().name() : r.refusal();
    }

    @Test
    void theUserEntryWinsOverGroupsAndGroupsGoInTheOrderGiven() {
        LocalPeer bob = new LocalPeer(1001, 1001, "bob", Set.of("bob", "wheel", "ops"));
        assertEquals("vera", resolve(bob, mapping("@ops", "vera", "@wheel", "root")));
        assertEquals("root", resolve(bob, mapping("@wheel", "root", "@ops", "vera")));
        assertEquals("alice", resolve(bob, mapping("@wheel", "root", "bob", "alice")));
    }

    @Test
    void strangersAndStaleMappingsAreRefusedInOneLine() {
        assertEquals(
                "Unix user 'bob' is not in control.users (nor any of its groups)",
                resolve(new LocalPeer(1001, 1001, "bob", Set.of("bob")), mapping("carol", "alice")));
        assertEquals(
                "Unix user with uid 4242 has no entry in /etc/passwd (monmux reads no directory service)",
                resolve(new LocalPeer(4242, 4242, null, Set.of()), mapping("carol", "alice")));
        assertEquals(
                "Unix user with uid 4242 has no entry in /etc/passwd (monmux reads no directory service)",
                resolve(new LocalPeer(4242, 100, null, Set.of("users")), mapping("@users", "alice")),
                "not even through the group its gid names");
        assertEquals(
                "control.users maps 'bob' to 'gone', who is not a user any more",
                resolve(new LocalPeer(1001, 1001, "bob", Set.of()), mapping("bob", "gone")));
    }

    @Test
    void withoutAuthenticationEveryClientIsTheAnonymousAdmin() {
        ControlIdentity.Resolved r = ControlIdentity.resolve(
                new LocalPeer(1001, 1001, "bob", Set.of()), ControlConfig.defaults(), USERS, false);
        assertEquals(User.ANONYMOUS, r.user());
        assertNull(r.refusal());
    }

    @Test
    void accountFilesNameTheUserAndItsGroups(@TempDir Path dir) throws Exception {
        Path passwd = Files.writeString(
                dir.resolve("passwd"),
                "# comment\nroot:x:0:0:root:/root:/bin/bash\nbob:x:1001:100:Bob:/home/bob:/bin/sh\n");
        Path group = Files.writeString(
                dir.resolve("group"), "root:x:0:\nusers:x:100:\nwheel:x:10:alice,bob\nops:x:20:alice\n");
        UnixAccounts accounts = new UnixAccounts(passwd, group);
        assertEquals(new LocalPeer(1001, 100, "bob", Set.of("users", "wheel")), accounts.peer(1001, 100));
        assertEquals(accounts.peer(1001, 100), accounts.peer(1001, 100), "unchanged files: the same answer");
        Files.writeString(group, "root:x:0:\nusers:x:100:\nwheel:x:10:alice,bob\nops:x:20:alice,bob\n");
        assertEquals(
                new LocalPeer(1001, 100, "bob", Set.of("users", "wheel", "ops")),
                accounts.peer(1001, 100),
                "a changed file is read again");
        assertEquals(new LocalPeer(4242, 4242, null, Set.of()), accounts.peer(4242, 4242));
        assertEquals("bob(uid 1001)", accounts.peer(1001, 100).describe());
        assertEquals(
                new LocalPeer(0, 0, null, Set.of()),
                new UnixAccounts(dir.resolve("missing"), dir.resolve("missing")).peer(0, 0),
                "unreadable account files name no one");
    }
}
