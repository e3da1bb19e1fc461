package dev.monmux.command;

import dev.monmux.effect.Effect;
import java.util.Optional;

/**
 * Decides whether a planned command may be sent (roles, VM locks). Called on the client's event
 * loop before anything is audited as started; must not block.
 */
@FunctionalInterface
public interface CommandGate {
    /** @return empty to let the command through, or the one-line reason it is refused */
    Optional<String> refuse(Actor actor, String vm, CommandPlan plan);

    /**
     * Whether the actor's role on {@code vm} reaches {@code effect} at all (locks aside): for what
     * is learnt only as the command runs, such as a {@code qom-get} that turns out to read a
     * secret object.
     */
    default boolean reaches(Actor actor, String vm, Effect effect) {
        return true;
    }

    CommandGate OPEN = (actor, vm, plan) -> Optional.empty();
}
