package dev.monmux.config;

/**
 * A configuration file that monmux refuses. The message is one line in the words of the file:
 * {@code FILE: line L, column C: key.path: what is wrong} (README, "Errors in the config"), e.g.
 * {@code monmux.yaml: line 3, column 11: listeners.telnet.port: expected a port number 0-65535,
 * found "abc"}.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A bad value at {@code keyPath}, e.g. {@code invalid("audit.fsync", "expected ...")}: the
     * loader that knows the file adds its name, line and column ({@link ConfigLoader.Checked#located}).
     */
    public static ConfigException invalid(String keyPath, String problem) {
        return new ConfigException(keyPath + ": " + problem);
    }

    /** {@code "text"}: a value as it was found in the file, quoted. */
    static String quote(Object value) {
        return "\"" + String.valueOf(value).replace("\"", "\\\"") + "\"";
    }
}
