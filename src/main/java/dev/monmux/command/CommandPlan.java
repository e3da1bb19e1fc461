package dev.monmux.command;

import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.monmux.qmp.QmpCaller;

/**
 * One client line, understood before anything is sent: what it is called, what it does, and how
 * it will reach QEMU. The ACL decides on it, the audit log records it before {@link #run}, the
 * metrics count it after.
 *
 * @param line         the line as the client sent it (HMP text, or the QMP request as JSON text)
 * @param name         the command's canonical name, aliases resolved: {@code quit} for {@code q},
 *                     {@code info status}, or the QMP command name; bounded (a metric tag), so
 *                     an unknown command is named {@code unknown}
 * @param effect       what it does to the VM
 * @param path         native, fallback, qmp or builtin
 * @param qmpCommand   the QMP command that will be sent, or null if none will be (parse error)
 * @param qmpArguments its arguments, or null
 * @param action       sends it and renders the result
 */
public record CommandPlan(String line, String name, Effect effect, Path path, String qmpCommand,
                          ObjectNode qmpArguments, Action action) {

    /** Sends the planned command and renders what the client sees. */
    @FunctionalInterface
    public interface Action {
        /**
         * Completes with the result; a failure that {@link CommandResult#fromFailure} maps (QMP
         * error, link error) may also be left as an exceptional completion.
         */
        CompletableFuture<CommandResult> run(QmpCaller vm);
    }

    /** Runs the action, turning QMP and link failures into results. */
    public CompletableFuture<CommandResult> run(QmpCaller vm) {
        CompletableFuture<CommandResult> f;
        try {
            f = action.run(vm);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((r, err) -> {
            if (err == null) {
                return r;
            }
            CommandResult mapped = CommandResult.fromFailure(err);
            if (mapped == null) {
                throw err instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(err);
            }
            return mapped;
        });
    }

    /** A plan that sends nothing and answers at once (a line that did not parse, say). */
    public static CommandPlan answered(String line, String name, Effect effect, Path path, CommandResult result) {
        return new CommandPlan(line, name, effect, path, null, null, vm -> CompletableFuture.completedFuture(result));
    }
}
