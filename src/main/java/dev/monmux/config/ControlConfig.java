package dev.monmux.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The control socket ({@code control:} section) that {@code monmux ctl} talks to: a unix socket
 * whose clients are known by their Unix user (the socket's peer credentials), not by a password.
 *
 * @param socket the socket's path; relative to the config file's directory; absent = no control
 *               socket
 * @param mode   the socket file's permissions, octal (default {@code 0600}: monmux's own Unix user
 *               and root); {@code 0660} with {@code group} lets a Unix group connect
 * @param group  the Unix group the socket file is given to, or null (the process's group)
 * @param users  who each local client is: a Unix user name ({@code alice}) or a Unix group
 *               ({@code "@wheel"}, the peer's primary group or a group listing the user in
 *               {@code /etc/group}) mapped to a monmux user; a user entry wins over a group entry,
 *               groups are tried in the order given. With {@code auth: none} it must be empty: every
 *               client that can open the socket is the anonymous admin, as on a loopback telnet port
 */
public record ControlConfig(String socket, String mode, String group, Map<String, String> users) {
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
    private static final Pattern UNIX_NAME = Pattern.compile("@?[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}\\$?");

    public ControlConfig {
        if (socket != null && socket.isBlank()) {
            throw new IllegalArgumentException(
                    "socket: expected a socket path (leave socket out for no control socket)");
        }
        mode = mode == null ? "0600" : mode;
        if (!MODE.matcher(mode).matches()) {
            throw new IllegalArgumentException(
                    "mode: expected octal permissions such as \"0600\" or \"0660\" (quoted)");
        }
        if (group != null && !UNIX_NAME.matcher(group).matches()) {
            throw new IllegalArgumentException("group: expected a Unix group name");
        }
        users = users == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(users));
        for (Map.Entry<String, String> e : users.entrySet()) {
            if (!UNIX_NAME.matcher(e.getKey()).matches()) {
                // Named at users (a key that is no name cannot be a key path), the key quoted.
                throw new IllegalArgumentException("users: expected a Unix user name or '@' and a Unix group name "
                        + "as each key, found "
                        + ConfigException.quote(e.getKey()));
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                throw new IllegalArgumentException("users." + e.getKey() + ": expected a monmux user name");
            }
        }
    }

    public static ControlConfig defaults() {
        return new ControlConfig(null, null, null, null);
    }

    public boolean enabled() {
        return socket != null;
    }

    /** The socket file's permissions as a number. */
    public int modeBits() {
        return Integer.parseInt(mode, 8);
    }
}
