package dev.monmux.net;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;

/**
 * How a front end logs the error that ends a client connection: one line, in words (the error's
 * message, not its Java class). The stack trace is added only at debug level or when the error is
 * not an I/O error (then it is a bug in monmux and the trace is what a report needs). A failed TLS
 * handshake is said once, by the listener's handshake gate, not again here.
 */
public final class ConnectionErrors {
    private ConnectionErrors() {}

    public static void log(Logger log, String client, Throwable cause) {
        Throwable e = unwrapped(cause);
        if (e instanceof SSLHandshakeException) {
            log.debug("{}: closing after a failed TLS handshake: {}", client, describe(e));
        } else if (log.isDebugEnabled()) {
            log.warn("{}: closing after error: {}", client, describe(e), cause);
        } else if (e instanceof IOException) {
            log.warn("{}: closing after error: {}", client, describe(e));
        } else {
            log.warn("{}: closing after error: {}", client, cause.toString(), cause);
        }
    }

    /** What a codec wraps (a TLS error inside Netty's DecoderException), else the error itself. */
    public static Throwable unwrapped(Throwable cause) {
        Throwable e = cause;
        while (e instanceof DecoderException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** The error's message; its kind in words when it has none. */
    public static String describe(Throwable e) {
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            return e.getMessage();
        }
        return e instanceof SSLException ? "TLS error" : e instanceof IOException ? "I/O error" : e.toString();
    }
}
