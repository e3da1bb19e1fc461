package dev.monmux.net;

import java.io.IOException;
import org.slf4j.Logger;

/**
 * How a front end logs the error that ends a client connection: one line. The stack trace is
 * added only at debug level or when the error is not an I/O error (then it is a bug in monmux
 * and the trace is what a report needs).
 */
public final class ConnectionErrors {
    private ConnectionErrors() {}

    public static void log(Logger log, String client, Throwable cause) {
        if (log.isDebugEnabled() || !(cause instanceof IOException)) {
            log.warn("{}: closing after error: {}", client, cause.toString(), cause);
        } else {
            log.warn("{}: closing after error: {}", client, cause.toString());
        }
    }
}
