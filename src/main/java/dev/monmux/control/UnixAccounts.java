package dev.monmux.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Unix user and group names from {@code /etc/passwd} and {@code /etc/group}: who a uid is, and
 * which groups list them. Accounts that only a directory service (LDAP, sssd) knows are not in
 * these files: such a client is refused, naming its uid. Read at each connection (the files are
 * small and change under a running monmux).
 */
public final class UnixAccounts {
    private final Path passwd;
    private final Path group;

    public UnixAccounts(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    /** The system's account files. */
    public static UnixAccounts system() {
        return new UnixAccounts(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** Names the client with {@code uid} and primary group {@code gid}. */
    public LocalPeer peer(int uid, int gid) {
        String uidText = Integer.toUnsignedString(uid);
        String gidText = Integer.toUnsignedString(gid);
        String name = null;
        for (String[] f : entries(passwd)) {
            if (f.length >= 4 && f[2].equals(uidText)) {
                name = f[0];
                break;
            }
        }
        Set<String> groups = new LinkedHashSet<>();
        for (String[] f : entries(group)) {
            if (f.length < 3) {
                continue;
            }
            if (f[2].equals(gidText)) {
                groups.add(f[0]);
            } else if (name != null && f.length >= 4 && List.of(f[3].split(",")).contains(name)) {
                groups.add(f[0]);
            }
        }
        return new LocalPeer(uid, gid, name, groups);
    }

    private static List<String[]> entries(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split(":", -1))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
