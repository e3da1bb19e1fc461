package dev.monmux.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.Futures;
import dev.monmux.qmp.QmpErrorException;
import dev.monmux.qmp.VmLinkException;

/**
 * What a command printed and how it ended.
 *
 * @param text       the output for the client, exactly as it is to be written (HMP text with CRLFs,
 *                   or a QMP reply rendered by the front end); never null
 * @param outcome    how it ended
 * @param errorClass QMP error class ({@code GenericError}, ...) when QEMU said so, else null
 * @param errorText  QMP error {@code desc} or the HMP error text or monmux's reason, else null
 */
public record CommandResult(String text, Outcome outcome, String errorClass, String errorText) {

    /** The same result, its error text (for the audit log and metrics) replaced. */
    public CommandResult withErrorText(String error) {
        return new CommandResult(text, outcome, errorClass, error);
    }

    public static CommandResult ok(String text) {
        return new CommandResult(text, Outcome.OK, null, null);
    }

    public static CommandResult error(String text, String errorClass, String errorText) {
        return new CommandResult(text, Outcome.ERROR, errorClass, errorText);
    }

    /** An HMP-style failure: the text is what the client sees, a line ending added. */
    public static CommandResult hmpError(String message) {
        return new CommandResult(message + "\r\n", Outcome.ERROR, null, message);
    }

    public static CommandResult refused(Outcome outcome, String message) {
        return new CommandResult("Error: " + message + "\r\n", outcome, null, message);
    }

    /**
     * A QMP reply shown as {@code text}: ok, or an error with the reply's class and description
     * (the text shows the reply itself, so it is the same either way).
     */
    public static CommandResult ofReply(String text, JsonNode reply) {
        JsonNode error = reply.get("error");
        return error == null
                ? ok(text)
                : error(
                        text,
                        error.path("class").asText(null),
                        error.path("desc").asText(null));
    }

    /**
     * Maps a failed QMP call to the HMP text QEMU would print ({@code Error: desc}), monmux's
     * link error or its refusal; returns null for anything else (a bug, to be reported by the
     * caller).
     */
    public static CommandResult fromFailure(Throwable failure) {
        Throwable t = Futures.cause(failure);
        if (t instanceof QmpErrorException q) {
            return new CommandResult("Error: " + q.desc() + "\r\n", Outcome.ERROR, q.errorClass(), q.desc());
        }
        if (t instanceof CommandRefusedException r) {
            return new CommandResult(r.getMessage() + "\r\n", Outcome.DENIED, null, r.getMessage());
        }
        if (t instanceof VmLinkException v) {
            Outcome o = switch (v.reason()) {
                case TIMEOUT -> Outcome.TIMEOUT;
                case OVERLOADED -> Outcome.REFUSED;
                case DOWN, LOST -> Outcome.LINK_LOST;
            };
            return new CommandResult("Error: " + v.getMessage() + "\r\n", o, null, v.getMessage());
        }
        return null;
    }
}
