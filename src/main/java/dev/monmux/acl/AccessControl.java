package dev.monmux.acl;

import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandGate;
import dev.monmux.command.CommandPlan;
import dev.monmux.effect.Effect;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Who may run what: decides on the <em>parsed</em> command (its canonical name and class, from
 * {@code effects.txt} through the HMP or QMP planner), never on the text typed, so {@code q},
 * {@code  quit } and a {@code human-monitor-command} wrapping {@code quit} are one and the same.
 *
 * <ul>
 *   <li>The actor's role must reach the command's class: viewer for queries, operator for
 *       control, admin for dangerous, host and secret commands (and those monmux does not know).
 *       A refusal says what the command does: {@code permission denied: 'screendump' needs role
 *       admin on VM 'web1': it writes a host file (the screen image)}.</li>
 *   <li>A configured user must have a grant matching the VM; actors that are not users (QMP
 *       listeners with their own role, {@code auth: none}) are judged by role alone.</li>
 *   <li>While another session holds the VM's lock, anything but queries is refused.</li>
 * </ul>
 */
public final class AccessControl implements CommandGate {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final UserDirectory users;
    private final VmLocks locks;
    private final ZoneId zone;

    public AccessControl(UserDirectory users, VmLocks locks, ZoneId zone) {
        this.users = users;
        this.locks = locks;
        this.zone = zone;
    }

    public VmLocks locks() {
        return locks;
    }

    /** The least role that may run a command of this class. */
    public static Role needed(Effect effect) {
        return switch (effect) {
            case QUERY -> Role.VIEWER;
            case CONTROL -> Role.OPERATOR;
            case DANGEROUS, HOST, SECRET -> Role.ADMIN;
        };
    }

    @Override
    public Optional<String> refuse(Actor actor, String vm, CommandPlan plan) {
        Optional<Role> role = roleOf(actor, vm);
        if (role.isEmpty()) {
            return Optional.of("permission denied: user '" + actor.user() + "' has no access to VM '" + vm + "'");
        }
        Role needed = needed(plan.effect());
        if (!role.get().atLeast(needed)) {
            String because = plan.why() != null && needed == Role.ADMIN ? ": it " + plan.why() : "";
            return Optional.of("permission denied: '" + plan.name() + "' needs role " + needed.label() + " on VM '" + vm
                    + "'" + because);
        }
        if (plan.effect() != Effect.QUERY) {
            Optional<VmLock> lock = locks.holder(vm);
            if (lock.isPresent() && !lock.get().sessionId().equals(actor.sessionId())) {
                return Optional.of(lockedMessage(vm, lock.get()));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean reaches(Actor actor, String vm, Effect effect) {
        return roleOf(actor, vm).map(r -> r.atLeast(needed(effect))).orElse(false);
    }

    /** {@code VM 'web1' is locked by alice@10.0.0.5 since 12:01:02}. */
    public String lockedMessage(String vm, VmLock lock) {
        return "VM '" + vm + "' is locked by " + lock.who() + " since "
                + TIME.format(lock.since().atZone(zone)) + "; only queries are allowed";
    }

    /**
     * The actor's role on {@code vm}: a configured user's grant when the actor is one, otherwise
     * the role the actor carries (its listener's, or admin when authentication is off).
     */
    public Optional<Role> roleOf(Actor actor, String vm) {
        Optional<User> user = users.get(actor.user());
        if (user.isPresent()) {
            return user.get().roleOn(vm);
        }
        return Role.parse(actor.role());
    }
}
