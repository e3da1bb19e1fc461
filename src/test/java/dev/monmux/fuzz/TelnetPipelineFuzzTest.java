package dev.monmux.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import dev.monmux.testing.EmbeddedTelnet;

/**
 * Fuzzes a whole telnet connection — telnet decoder, option negotiation, key decoder, line
 * editor or raw line assembly, session dispatch and the monmux commands — with arbitrary bytes
 * in arbitrary chunks. Invariants: no exception reaches the pipeline (one would close the
 * connection), and afterwards the session still answers {@code info status}.
 */
class TelnetPipelineFuzzTest {
    private static final LimitsConfig LIMITS =
            new LimitsConfig(256, 4, 64, 32, 1024, 10, null, null, null, null, null, null, null);

    @FuzzTest(maxDuration = "30s")
    void arbitraryInputNeverBreaksTheSession(FuzzedDataProvider data) {
        TelnetMode mode = data.pickValue(TelnetMode.values());
        EmbeddedTelnet t = new EmbeddedTelnet(mode, LIMITS);
        try {
            StringBuilder all = new StringBuilder();
            while (data.remainingBytes() > 0) {
                byte[] chunk = data.consumeBytes(data.consumeInt(1, 64));
                all.append(new String(chunk, java.nio.charset.StandardCharsets.ISO_8859_1));
                t.send(chunk);
                t.output();
                if (data.consumeBoolean()) {
                    t.vm().emit("STOP");
                }
            }
            // Complete a telnet sequence the input may have left open (IAC SE twice ends a
            // subnegotiation whatever state it is in), then finish whatever was half-typed (in
            // raw mode Ctrl-C is just dropped and the line runs).
            t.send(new byte[] {(byte) 255, (byte) 240, (byte) 255, (byte) 240});
            t.send("\003\r\n");
            String cl = t.output();
            // Ctrl-D and .quit/.exit end a session legitimately (the cleanup above may have run
            // a half-typed one, and the line editor may have assembled one from the noise);
            // nothing else may.
            if (!t.isOpen()) {
                assertTrue(
                        t.quitBySession() || all.indexOf("\u0004") >= 0,
                        () -> "the connection closed without Ctrl-D or .quit: " + EmbeddedTelnet.show(all.toString()));
                return;
            }
            // The input may have detached the session (.detach, .attach of another name): that is
            // the operator's choice, not a broken session; attach again, then ask.
            t.send(".attach vm1\r\ninfo status\r\n");
            String out = t.output();
            // (running or paused: the input may have stopped the VM)
            assertTrue(
                    out.contains("VM status: "),
                    () -> "no answer in mode " + mode + " after "
                            + EmbeddedTelnet.show(all.toString()) + "; cleanup printed " + EmbeddedTelnet.show(cl)
                            + "; info status printed " + EmbeddedTelnet.show(out));
        } finally {
            t.close();
        }
    }
}
