package dev.monmux.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** How monmux writes a socket address in its log, audit records and {@code .who}. */
public final class Addresses {
    private Addresses() {}

    /** {@code 127.0.0.1:50312} for an IP address (never a host name), else the address as it prints. */
    public static String hostPort(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
