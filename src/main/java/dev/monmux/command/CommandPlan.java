package dev.monmux.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.effect.Effect;
import dev.monmux.effect.Secrets;
import dev.monmux.qmp.QmpCaller;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One client line, understood before anything is sent: what it is called, what it does, and how
 * it will reach QEMU. The ACL decides on it, the audit log records it before {@link #run}, the
 * metrics count it after. It holds no secret: what others may see of the line is {@link #shown},
 * and the arguments kept for the audit log are redacted; only {@link #action} sends the real ones.
 *
 * @param shown        the line as the other operators, the audit log and monmux's log may see it:
 *                     secrets replaced by {@code [redacted]}; null when the line must be shown to
 *                     no one (it did not parse: it may be a password typed at the wrong prompt)
 * @param name         the command's canonical name, aliases resolved: {@code quit} for {@code q},
 *                     {@code info status}, or the QMP command name; bounded (a metric tag), so
 *                     an unknown command is named {@code unknown}
 * @param effect       what it does
 * @param why          what it does in the user's words ({@code writes a host file (the screen
 *                     image)}), named when a role may not run it; may be null
 * @param path         native, fallback, qmp or builtin
 * @param qmpCommand   the QMP command that will be sent, or null if none will be (parse error)
 * @param qmpArguments its arguments with secrets redacted (for the audit log), or null
 * @param action       sends it and renders the result
 * @param secretObject the QOM path whose properties the command reads ({@code qom-get}), or null:
 *                     when it is a secret object, only roles that may read secrets see the answer
 * @param restricted   what the line becomes for a role that may not run it as planned (an
 *                     operator's {@code screendump} into {@code acl.screendumpDir}, a viewer's
 *                     unknown command answered as QEMU answers it), or null
 */
public record CommandPlan(
        String shown,
        String name,
        Effect effect,
        String why,
        Route path,
        String qmpCommand,
        ObjectNode qmpArguments,
        Action action,
        String secretObject,
        CommandPlan restricted) {

    /** Sends the planned command and renders what the client sees. */
    @FunctionalInterface
    public interface Action {
        /**
         * Completes with the result; a failure that {@link CommandResult#fromFailure} maps (QMP
         * error, link error, a refusal) may also be left as an exceptional completion.
         */
        CompletableFuture<CommandResult> run(QmpCaller vm);
    }

    public CommandPlan(
            String shown,
            String name,
            Effect effect,
            Route path,
            String qmpCommand,
            ObjectNode qmpArguments,
            Action action) {
        this(shown, name, effect, null, path, qmpCommand, qmpArguments, action, null, null);
    }

    /** Runs the action, turning QMP and link failures into results. */
    public CompletableFuture<CommandResult> run(QmpCaller vm) {
        return run(action, vm);
    }

    private static CompletableFuture<CommandResult> run(Action action, QmpCaller vm) {
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
                throw err instanceof RuntimeException re ? re : new CompletionException(err);
            }
            return mapped;
        });
    }

    /**
     * {@code action}, its error texts cleaned of {@code secrets} (QEMU may repeat a value typed in
     * the wrong place: {@code invalid parameter value: hunter2}); the client's own text is left as
     * QEMU wrote it.
     */
    public static Action cleaning(Action action, Collection<String> secrets) {
        if (secrets.isEmpty()) {
            return action;
        }
        List<String> longestFirst = secrets.stream()
                .filter(s -> !s.isEmpty())
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        return vm -> run(action, vm)
                .thenApply(
                        r -> r.errorText() == null ? r : r.withErrorText(Secrets.clean(r.errorText(), longestFirst)));
    }

    /** A plan that sends nothing and answers at once (a line that did not parse, say). */
    public static CommandPlan answered(String shown, String name, Effect effect, Route path, CommandResult result) {
        return new CommandPlan(shown, name, effect, path, null, null, vm -> CompletableFuture.completedFuture(result));
    }

    /** This plan, sending with {@code other}. */
    public CommandPlan withAction(Action other) {
        return new CommandPlan(
                shown, name, effect, why, path, qmpCommand, qmpArguments, other, secretObject, restricted);
    }

    /** This plan with what it does in the user's words. */
    public CommandPlan because(String reason) {
        return new CommandPlan(
                shown, name, effect, reason, path, qmpCommand, qmpArguments, action, secretObject, restricted);
    }

    /** This plan, reading the properties of the QOM object at {@code objectPath}. */
    public CommandPlan readingObject(String objectPath) {
        return new CommandPlan(
                shown, name, effect, why, path, qmpCommand, qmpArguments, action, objectPath, restricted);
    }

    /** This plan, becoming {@code lesser} for a role that may not run it. */
    public CommandPlan orElse(CommandPlan lesser) {
        return new CommandPlan(shown, name, effect, why, path, qmpCommand, qmpArguments, action, secretObject, lesser);
    }

    /**
     * The line as the audit log records it: {@link #shown}, or a placeholder naming only what is
     * safe to name when the line did not parse.
     */
    public String auditLine() {
        if (shown != null) {
            return shown;
        }
        return "unknown".equals(name)
                ? "[not recorded: not a command monmux knows]"
                : name + " [arguments not recorded: they did not parse]";
    }
}
