package dev.monmux.config;

/**
 * A configuration file that monmux refuses: the message names the offending key (as a dotted
 * path such as {@code vms[1].qmp}) and, where the YAML parser knows it, the line.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A bad value at {@code keyPath}, e.g. {@code invalid(\"audit.fsync\", \"must be always, batch or never\")}. */
    public static ConfigException invalid(String keyPath, String problem) {
        return new ConfigException(keyPath + ": " + problem);
    }
}
