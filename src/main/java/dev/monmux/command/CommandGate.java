package dev.monmux.command;

import java.util.Optional;

/**
 * Decides whether a planned command may be sent (roles, VM locks). Called on the client's event
 * loop before anything is audited as started; must not block.
 */
@FunctionalInterface
public interface CommandGate {
    /** @return empty to let the command through, or the one-line reason it is refused */
    Optional<String> refuse(Actor actor, String vm, CommandPlan plan);

    CommandGate OPEN = (actor, vm, plan) -> Optional.empty();
}
