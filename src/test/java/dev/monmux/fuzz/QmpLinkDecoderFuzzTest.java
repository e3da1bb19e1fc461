package dev.monmux.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.QmpEvent;
import dev.monmux.qmp.QmpGreeting;
import dev.monmux.qmp.QmpMessageDecoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.json.JsonObjectDecoder;

/**
 * Fuzzes what VmLink does with bytes from QEMU: framing (Netty's JsonObjectDecoder with the size
 * cap), JSON parsing under the stream constraints, and reading greetings and events of any
 * shape. Invariant: the only failures are the framing errors VmLink answers by recycling the
 * connection; everything decoded is a JSON object that the greeting and event readers accept.
 */
class QmpLinkDecoderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void bytesFromQemu(FuzzedDataProvider data) {
        EmbeddedChannel ch = new EmbeddedChannel(new JsonObjectDecoder(4096), new QmpMessageDecoder());
        try {
            while (data.remainingBytes() > 0) {
                byte[] chunk = data.consumeBytes(data.consumeInt(1, 512));
                try {
                    ch.writeInbound(Unpooled.wrappedBuffer(chunk));
                } catch (DecoderException e) {
                    Throwable c = e instanceof CorruptedFrameException || e instanceof TooLongFrameException
                            ? e
                            : e.getCause();
                    assertTrue(
                            e instanceof CorruptedFrameException
                                    || e instanceof TooLongFrameException
                                    || c instanceof CorruptedFrameException,
                            "unexpected decoder failure: " + e);
                    return; // VmLink closes the connection here
                }
                Object m;
                while ((m = ch.readInbound()) != null) {
                    ObjectNode msg = (ObjectNode) m;
                    QmpGreeting.from(msg);
                    if (msg.has("event")) {
                        QmpEvent.from(msg);
                    }
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
