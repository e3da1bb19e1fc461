package dev.monmux.session;

import dev.monmux.acl.VmLocks;
import dev.monmux.auth.Authenticator;
import dev.monmux.config.LoginConfig;

/**
 * How operators get in and share a VM: the password check (null when {@code auth: none}),
 * login limits, the VM locks, and whether dangerous commands ask for confirmation.
 */
public record Access(Authenticator authenticator, LoginConfig login, VmLocks locks, boolean confirmDangerous) {
    /** No login (everyone is admin), no confirmation: for tests of other concerns. */
    public static Access open() {
        return new Access(null, LoginConfig.defaults(), new VmLocks(), false);
    }

    public boolean loginRequired() {
        return authenticator != null;
    }
}
