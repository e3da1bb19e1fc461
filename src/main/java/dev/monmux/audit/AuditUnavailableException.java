package dev.monmux.audit;

/** The audit log cannot be written; with {@code onFailure: refuse} the command is refused. */
public final class AuditUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message) {
        super(message, null, false, false);
    }
}
