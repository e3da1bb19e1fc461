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
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: expected 1-64 letters, digits, '.', '_', '-' or '@'");
        }
        if (password == null) {
            throw new IllegalArgumentException(
                    "password: expected a password hash (make one with: monmux hash-password)");
        }
        try {
            PasswordHash.parse(password);
        } catch (IllegalArgumentException e) {
            // never quotes what was found: it may be a password
            throw new IllegalArgumentException("password: " + e.getMessage(), e);
        }
        if (role == null || Role.parse(role).isEmpty()) {
            throw new IllegalArgumentException("role: expected viewer, operator or admin");
        }
        vms = vms == null ? List.of("*") : List.copyOf(vms);
        if (vms.isEmpty()) {
            throw new IllegalArgumentException("vms: expected at least one VM name or pattern (\"*\" for all)");
        }
        for (int i = 0; i < vms.size(); i++) {
            try {
                VmGlob.of(vms.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "vms[" + i + "]: expected a VM name or pattern: 1-64 letters, "
                                + "digits, '.', '_', '-', '*' or '?'",
                        e);
            }
        }
    }

    public User toUser() {
        return new User(
                name,
                Role.parse(role).orElseThrow(),
                vms.stream().map(VmGlob::of).toList(),
                PasswordHash.parse(password));
    }
}
