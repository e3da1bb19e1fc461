package dev.monmux.command;

/**
 * Who runs a command, as the audit log and notices name them.
 *
 * @param sessionId the session's id (unique per process run)
 * @param user      the logged-in user, or {@code -} when authentication is off
 * @param role      the user's role on the VM ({@code viewer}, {@code operator}, {@code admin})
 * @param remote    the client's address ({@code 127.0.0.1:50312}, or {@code unix} for socket clients)
 * @param listener  the listener kind and name, e.g. {@code telnet} or {@code qmp}
 */
public record Actor(String sessionId, String user, String role, String remote, String listener) {}
