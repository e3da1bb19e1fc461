package dev.monmux.command;

/**
 * monmux refused a command once it knew more than the plan did (e.g. it reads a secret object);
 * the message is the one-line refusal the user sees. {@link CommandResult#fromFailure} makes it
 * a {@code denied} result.
 */
public final class CommandRefusedException extends RuntimeException {
    public CommandRefusedException(String message) {
        super(message, null, false, false);
    }
}
