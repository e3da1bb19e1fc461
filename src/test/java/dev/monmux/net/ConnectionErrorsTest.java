package dev.monmux.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** A client's connection error is one log line; the stack trace only at debug or for a bug. */
class ConnectionErrorsTest {
    /** The format and the arguments of every warn call (varargs flattened), from a Logger at {@code debug} or not. */
    private static Logger recorder(boolean debug, List<List<Object>> warns) {
        return (Logger) Proxy.newProxyInstance(
                Logger.class.getClassLoader(),
                new Class<?>[] {Logger.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isDebugEnabled" -> debug;
                    case "warn" -> {
                        List<Object> call = new ArrayList<>(List.of(args[0]));
                        for (int i = 1; i < args.length; i++) {
                            call.addAll(args[i] instanceof Object[] a ? List.of(a) : List.of(args[i]));
                        }
                        warns.add(call);
                        yield null;
                    }
                    default -> method.getReturnType() == boolean.class ? false : null;
                });
    }

    @Test
    void anIoErrorIsOneLineUnlessDebugging() {
        IOException reset = new IOException("Connection reset by peer");
        List<List<Object>> warns = new ArrayList<>();
        ConnectionErrors.log(recorder(false, warns), "telnet client /10.0.0.5:4711", reset);
        assertEquals(1, warns.size());
        assertEquals(
                List.of("{}: closing after error: {}", "telnet client /10.0.0.5:4711", "Connection reset by peer"),
                warns.get(0),
                "no throwable: no trace");

        warns.clear();
        ConnectionErrors.log(recorder(true, warns), "telnet client /10.0.0.5:4711", reset);
        assertSame(reset, warns.get(0).get(3), "at debug the trace is logged");
    }

    @Test
    void anythingElseIsABugAndKeepsItsTrace() {
        IllegalStateException bug = new IllegalStateException("boom");
        List<List<Object>> warns = new ArrayList<>();
        ConnectionErrors.log(recorder(false, warns), "QMP client /127.0.0.1:5000", bug);
        assertSame(bug, warns.get(0).get(3));
    }

    @Test
    void aFailedTlsHandshakeIsNotLoggedAgainAndTlsErrorsAreWords() {
        List<List<Object>> warns = new ArrayList<>();
        DecoderException handshake = new DecoderException(new SSLHandshakeException("Empty client certificate chain"));
        ConnectionErrors.log(recorder(false, warns), "telnet client /10.0.0.5:4711", handshake);
        assertEquals(List.of(), warns, "the handshake gate said it, once");
        assertEquals(
                "Empty client certificate chain", ConnectionErrors.describe(ConnectionErrors.unwrapped(handshake)));
        ConnectionErrors.log(
                recorder(false, warns),
                "telnet client /10.0.0.5:4711",
                new DecoderException(new SSLException("Tag mismatch")));
        assertEquals(
                List.of("{}: closing after error: {}", "telnet client /10.0.0.5:4711", "Tag mismatch"),
                warns.get(0),
                "a TLS error after the handshake: one line, no Java class");
    }
}
