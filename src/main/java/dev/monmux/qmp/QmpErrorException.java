package dev.monmux.qmp;

/** QEMU answered a command with {@code {"error": {"class": ..., "desc": ...}}}. */
public final class QmpErrorException extends RuntimeException {
    private final String errorClass;
    private final String desc;

    public QmpErrorException(String errorClass, String desc) {
        super(errorClass + ": " + desc, null, false, false);
        this.errorClass = errorClass;
        this.desc = desc;
    }

    /** QMP error class, e.g. {@code GenericError}, {@code CommandNotFound}, {@code DeviceNotFound}. */
    public String errorClass() {
        return errorClass;
    }

    /** QEMU's human-readable description, as sent. */
    public String desc() {
        return desc;
    }
}
