package dev.monmux.config;

import dev.monmux.auth.PasswordHash;
import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.VmGlob;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One operator account ({@code users:} entry).
 *
 * @param name     login name: letters, digits, {@code . _ - @}
 * @param password a hash from {@code monmux hash-password} ({@code pbkdf2-sha256$...}), never the password
 * @param role     {@code viewer}, {@code operator} or {@code admin}
 * @param vms      VM names or patterns ({@code web-*}) the role applies to; default all ({@code *})
 */
public record UserConfig(String name, String password, String role, List<String> vms) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public UserConfig {
        if (name == null) {
            throw new IllegalArgumentException("name is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "name '" + name + "' must be 1-64 letters, digits, '.', '_', '-' or '@'");
        }
        if (password == null) {
            throw new IllegalArgumentException(
                    "password is required (a hash from: java -jar monmux.jar hash-password)");
        }
        PasswordHash.parse(password);
        if (role == null) {
            throw new IllegalArgumentException("role is required (viewer, operator, admin)");
        }
        if (Role.parse(role).isEmpty()) {
            throw new IllegalArgumentException("role '" + role + "' is not a role (viewer, operator, admin)");
        }
        vms = vms == null ? List.of("*") : List.copyOf(vms);
        if (vms.isEmpty()) {
            throw new IllegalArgumentException("vms must name at least one VM or pattern (\"*\" for all)");
        }
        vms.forEach(VmGlob::of);
    }

    public User toUser() {
        return new User(
                name,
                Role.parse(role).orElseThrow(),
                vms.stream().map(VmGlob::of).toList(),
                PasswordHash.parse(password));
    }
}
