package dev.monmux.control;

import dev.monmux.auth.UserDirectory;
import dev.monmux.command.Actor;
import dev.monmux.config.ControlConfig;
import dev.monmux.session.EventFormatter;
import dev.monmux.session.SessionContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What the control socket's clients share with every other front end: the sessions' context
 * (VMs, planners, gate, audit and metrics, locks), the users, and how a reload is asked for.
 *
 * @param sessions     the operators' context: the same ACL, audit, locks and notices as telnet
 * @param users        the configured users (after reloads)
 * @param authRequired false with {@code auth: none}: every client is the anonymous admin
 * @param config       the {@code control:} section in force (its {@code users} change on reload)
 * @param events       formats event lines as the telnet prompt shows them
 * @param reload       re-reads the configuration file
 * @param accounts     names a client's uid and groups
 * @param lineBytes    the longest HMP line or QMP command a request may carry ({@code limits.lineBytes}, as at the prompt)
 */
public record ControlContext(
        SessionContext sessions,
        UserDirectory users,
        boolean authRequired,
        Supplier<ControlConfig> config,
        EventFormatter events,
        Reload reload,
        UnixAccounts accounts,
        int lineBytes) {

    /** Re-reads the configuration file on behalf of {@code who}. */
    @FunctionalInterface
    public interface Reload {
        CompletableFuture<Reloaded> reload(Actor who);
    }

    /** How a reload went: {@code line} is what {@code .reload} prints. */
    public record Reloaded(boolean ok, String line) {}
}
