package dev.monmux.control;

import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.command.Actor;
import dev.monmux.session.SharedVm;
import java.util.Optional;

/**
 * One local client of the control socket, once known: its Unix identity and the monmux user it
 * acts as.
 *
 * @param id   its session id (the audit log's {@code session})
 * @param peer who the kernel says it is
 * @param user the monmux user ({@link User#ANONYMOUS} with {@code auth: none})
 */
record ControlClient(String id, LocalPeer peer, User user) {
    static final String LISTENER = "control";

    Optional<Role> roleOn(SharedVm vm) {
        return user.roleOn(vm.name());
    }

    /** As the audit log records its commands on {@code vm} (null: none in particular). */
    Actor actor(SharedVm vm) {
        Role role = vm == null ? user.role() : roleOn(vm).orElse(user.role());
        return new Actor(id, user.name(), role.label(), "unix:" + peer.describe(), LISTENER);
    }

    /** How the other operators see it in notices: {@code alice@ctl}. */
    String who() {
        return (user.anonymous() ? (peer.name() == null ? "uid" + peer.uid() : peer.name()) : user.name()) + "@ctl";
    }
}
