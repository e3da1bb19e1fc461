package dev.monmux.command;

import java.util.Locale;

/** How a command ended, as the audit log and the metrics record it. */
public enum Outcome {
    OK,
    /** QEMU answered with an error (QMP error, or an HMP error text), or the line did not parse. */
    ERROR,
    /** The ACL or a lock refused it; it was not sent. */
    DENIED,
    /** No answer within the command timeout. */
    TIMEOUT,
    /** The VM was down or the connection was lost; the command may or may not have run. */
    LINK_LOST,
    /** monmux refused it for its own reasons (audit log unavailable, shutting down). */
    REFUSED;

    /** {@code ok}, {@code error}, {@code denied}, {@code timeout}, {@code link-lost}, {@code refused}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
