package dev.monmux.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The configured users by name; replaced whole on reload. */
public final class UserDirectory {
    private volatile Map<String, User> users;
    private volatile PasswordHash decoy;

    public UserDirectory(List<User> users) {
        replace(users);
    }

    public synchronized void replace(List<User> list) {
        Map<String, User> m = new LinkedHashMap<>();
        int maxIterations = PasswordHash.MIN_ITERATIONS;
        for (User u : list) {
            m.put(u.name(), u);
            if (u.password() != null) {
                maxIterations = Math.max(maxIterations, u.password().iterations());
            }
        }
        users = Map.copyOf(m);
        // A user that does not exist costs as much to check as the dearest real one, so the
        // answer's timing does not tell which names exist.
        decoy = PasswordHash.create("monmux-decoy".toCharArray(), maxIterations);
    }

    public Optional<User> get(String name) {
        return Optional.ofNullable(users.get(name));
    }

    public boolean isEmpty() {
        return users.isEmpty();
    }

    /** The hash to check an unknown user's password against. */
    PasswordHash decoy() {
        return decoy;
    }
}
