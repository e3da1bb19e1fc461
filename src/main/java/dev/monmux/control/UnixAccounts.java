package dev.monmux.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Unix user and group names from {@code /etc/passwd} and {@code /etc/group}: who a uid is, and
 * which groups list them. Accounts that only a directory service (LDAP, sssd) knows are not in
 * these files: such a client is refused, naming its uid. The files change under a running
 * monmux: each is read again when its modification time or size changed, otherwise a
 * connection (on an event loop) costs one stat of each, not a read.
 */
public final class UnixAccounts {
    private final Path passwd;
    private final Path group;

    /** A file's lines split at ':', as of its modification time and size. */
    private record Read(FileTime modified, long size, List<String[]> entries) {}

    private final Map<Path, Read> cache = new ConcurrentHashMap<>();

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

    private List<String[]> entries(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Read known = cache.get(file);
            if (known != null && known.modified().equals(a.lastModifiedTime()) && known.size() == a.size()) {
                return known.entries();
            }
            List<String[]> entries = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split(":", -1))
                    .toList();
            cache.put(file, new Read(a.lastModifiedTime(), a.size(), entries));
            return entries;
        } catch (IOException e) {
            cache.remove(file);
            return List.of();
        }
    }
}
