package dev.monmux.control;

import java.util.Set;

/**
 * A local client of the control socket as the kernel names it (the socket's peer credentials) and
 * the account files describe it.
 *
 * @param uid    the client process's user id
 * @param gid    its primary group id
 * @param name   the user's name, or null when no account has that uid
 * @param groups the names of the groups it is in: the primary group and those that list the user
 */
public record LocalPeer(int uid, int gid, String name, Set<String> groups) {
    public LocalPeer {
        groups = Set.copyOf(groups);
    }

    /** {@code alice(uid 1000)}, as the audit log and the log name the client. */
    public String describe() {
        return (name == null ? "?" : name) + "(uid " + Integer.toUnsignedString(uid) + ")";
    }
}
