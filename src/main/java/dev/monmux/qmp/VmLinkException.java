package dev.monmux.qmp;

/**
 * A command got no answer from QEMU: the VM is down, the link was lost while the command was in
 * flight, or it timed out. The message is the one-line text shown to operators.
 */
public final class VmLinkException extends RuntimeException {
    /** Why there is no answer ({@code CommandResult.fromFailure} maps it to the command's outcome). */
    public enum Reason {
        /** The link was not up when the command was submitted; it was never sent. */
        DOWN,
        /** The link broke after the command was sent; it may or may not have run. */
        LOST,
        /** No reply within the command's timeout. */
        TIMEOUT,
        /** Too many commands already pending on this link; it was never sent. */
        OVERLOADED
    }

    private final Reason reason;

    public VmLinkException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public static VmLinkException down(String vm) {
        return new VmLinkException(Reason.DOWN, "VM '" + vm + "' is down");
    }

    public static VmLinkException lost(String vm) {
        return new VmLinkException(
                Reason.LOST, "connection to VM '" + vm + "' lost; the command may or may not have run");
    }

    public static VmLinkException timeout(String vm, String command, long millis) {
        return new VmLinkException(
                Reason.TIMEOUT,
                "no reply from VM '" + vm + "' to '" + command + "' within " + millis + " ms; "
                        + "the command may or may not have run");
    }

    public static VmLinkException overloaded(String vm, int limit) {
        return new VmLinkException(Reason.OVERLOADED, "VM '" + vm + "' has " + limit + " commands pending; try again");
    }
}
