package dev.monmux.control;

import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.config.ControlConfig;
import java.util.Map;
import java.util.Optional;

/**
 * Who a local client of the control socket is in monmux: the user {@code control.users} maps its
 * Unix user (or, failing that, one of its groups, in the order configured) to; with
 * {@code auth: none} every client is the anonymous admin, as on a loopback telnet port.
 */
final class ControlIdentity {
    /** The monmux user, or why the client is refused (one line). */
    record Resolved(User user, String refusal) {}

    private ControlIdentity() {}

    static Resolved resolve(LocalPeer peer, ControlConfig config, UserDirectory users, boolean authRequired) {
        if (!authRequired) {
            return new Resolved(User.ANONYMOUS, null);
        }
        if (peer.name() == null) {
            // No account here (a directory service's, or none): not matched by a group either,
            // since its groups cannot be known.
            return new Resolved(
                    null,
                    "Unix user with uid " + Integer.toUnsignedString(peer.uid())
                            + " has no entry in /etc/passwd (monmux reads no directory service)");
        }
        Optional<Map.Entry<String, String>> entry = mapping(peer, config);
        if (entry.isEmpty()) {
            return new Resolved(
                    null, "Unix user '" + peer.name() + "' is not in control.users (nor any of its groups)");
        }
        Optional<User> user = users.get(entry.get().getValue());
        return user.map(u -> new Resolved(u, null))
                .orElseGet(() -> new Resolved(
                        null,
                        "control.users maps '" + entry.get().getKey() + "' to '"
                                + entry.get().getValue() + "', who is not a user any more"));
    }

    private static Optional<Map.Entry<String, String>> mapping(LocalPeer peer, ControlConfig config) {
        if (config.users().containsKey(peer.name())) {
            return Optional.of(Map.entry(peer.name(), config.users().get(peer.name())));
        }
        for (Map.Entry<String, String> e : config.users().entrySet()) {
            if (e.getKey().startsWith("@") && peer.groups().contains(e.getKey().substring(1))) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
