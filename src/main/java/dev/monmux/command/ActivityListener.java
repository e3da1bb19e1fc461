package dev.monmux.command;

import java.time.Duration;

/**
 * Everything besides commands that the audit log and the metrics record: sessions, logins, locks,
 * broadcasts, VM link changes, dropped events, config reloads. Calls come from event loops and
 * must not block.
 */
public interface ActivityListener {
    default void sessionOpened(Actor actor) {}

    /** @param reason why it ended: {@code client}, {@code idle}, {@code stuck}, {@code shutdown}, ... */
    default void sessionClosed(Actor actor, String reason) {}

    default void loginSucceeded(Actor actor) {}

    /**
     * @param user the user named, if one exists by that name, else {@code unknown}: never what was
     *             typed (it may be a password typed at the wrong prompt)
     */
    default void loginFailed(String user, String remote, String listener, String reason) {}

    /** A login attempt is held back after failed ones (from that address or for that user). */
    default void loginDelayed(String remote, String listener, Duration delay) {}

    /** @param action {@code lock}, {@code unlock}, {@code force} or {@code released} (holder left) */
    default void lockChanged(Actor actor, String vm, String action, String previousHolder) {}

    default void said(Actor actor, String vm, String text) {}

    default void vmUp(String vm, String qemuVersion) {}

    default void vmDown(String vm, String reason) {}

    /** A QMP event reached the clients of a VM. */
    default void eventFannedOut(String vm, String event, int clients) {}

    /** Events not delivered to a slow client. */
    default void eventsDropped(String vm, int count) {}

    default void configReloaded(boolean ok, String detail) {}

    /** A listener ({@code telnet}, {@code qmp}) turned a connection away: too many clients. */
    default void connectionRefused(String listener) {}

    ActivityListener NONE = new ActivityListener() {};
}
