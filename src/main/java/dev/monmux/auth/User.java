package dev.monmux.auth;

import java.util.List;
import java.util.Optional;

/**
 * An operator account: a role granted on the VMs its patterns match.
 *
 * @param name     login name
 * @param role     the role on every granted VM
 * @param vms      the VMs granted ({@code *} for all)
 * @param password the password hash, or null for the anonymous account of {@code auth: none}
 */
public record User(String name, Role role, List<VmGlob> vms, PasswordHash password) {
    /** Everyone when authentication is off: admin on every VM, named {@code -} in audit records. */
    public static final User ANONYMOUS = new User("-", Role.ADMIN, List.of(VmGlob.of("*")), null);

    /** A session that has not logged in: no grant anywhere. */
    public static final User NOBODY = new User("-", Role.VIEWER, List.of(), null);

    public User {
        vms = List.copyOf(vms);
    }

    /** The user's role on {@code vm}, or empty when no grant matches. */
    public Optional<Role> roleOn(String vm) {
        for (VmGlob g : vms) {
            if (g.matches(vm)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    public boolean anonymous() {
        return password == null;
    }
}
