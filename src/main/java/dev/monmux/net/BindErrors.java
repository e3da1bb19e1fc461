package dev.monmux.net;

/**
 * Why a listener could not bind, in the user's words: Netty's native transport says
 * {@code bind(..) failed with error(-98): Address already in use}; the JDK's says it otherwise.
 */
public final class BindErrors {
    private BindErrors() {}

    /** One line for {@code cannot listen on ADDRESS: ...}. */
    public static String describe(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        String plain = m.replaceFirst("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
        if (plain.contains("Address already in use")) {
            return "the port is in use (by another program, or a monmux already running)";
        }
        if (plain.contains("Permission denied")) {
            return "permission denied (a port below 1024 needs root or CAP_NET_BIND_SERVICE; a socket, a "
                    + "directory monmux may write)";
        }
        if (plain.contains("Cannot assign requested address")) {
            return "this host has no such address";
        }
        return plain;
    }
}
