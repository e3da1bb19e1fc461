package dev.monmux.telnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelnetDecoderTest {
    private static final int IAC = 255;

    private static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (byte) v[i];
        }
        return r;
    }

    /** Feeds each chunk as a separate read; returns data bytes joined and the frames in order. */
    private static List<Object> decode(TelnetDecoder d, byte[]... chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(d);
        for (byte[] c : chunks) {
            ch.writeInbound(Unpooled.wrappedBuffer(c));
        }
        List<Object> out = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Object m;
        while ((m = ch.readInbound()) != null) {
            if (m instanceof ByteBuf buf) {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                data.writeBytes(bytes);
            } else {
                if (data.size() > 0) {
                    out.add(data.toString());
                    data.reset();
                }
                out.add(m);
            }
        }
        if (data.size() > 0) {
            out.add(data.toString());
        }
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void plainDataPassesThrough() {
        assertEquals(List.of("info status\r\n"), decode(new TelnetDecoder(64), "info status\r\n".getBytes()));
    }

    @Test
    void negotiationInTheMiddleOfInputIsRemoved() {
        byte[] in = concat("inf".getBytes(), b(IAC, 253, 1), "o\r\n".getBytes());
        List<Object> out = decode(new TelnetDecoder(64), in);
        assertEquals(List.of("inf", new TelnetFrame.Negotiation(253, 1), "o\r\n"), out);
    }

    @Test
    void sequencesSplitAcrossReadsAreReassembled() {
        List<Object> out = decode(
                new TelnetDecoder(64),
                "ab".getBytes(),
                b(IAC),
                b(251),
                b(31),
                "cd".getBytes(),
                b(IAC, 250, 31, 0),
                b(80, 0, 24, IAC),
                b(240),
                "e".getBytes());
        assertEquals(5, out.size(), out.toString());
        assertEquals("ab", out.get(0));
        assertEquals(new TelnetFrame.Negotiation(251, 31), out.get(1));
        assertEquals("cd", out.get(2));
        TelnetFrame.Subnegotiation sb = assertInstanceOf(TelnetFrame.Subnegotiation.class, out.get(3));
        assertEquals(31, sb.option());
        assertArrayEquals(b(0, 80, 0, 24), sb.data());
        assertEquals("e", out.get(4));
    }

    @Test
    void doubledIacIsALiteralByteInDataAndInSubnegotiation() {
        List<Object> out = decode(new TelnetDecoder(64), b('a', IAC, IAC, 'b', IAC, 250, 24, IAC, IAC, 1, IAC, 240));
        assertEquals(2, out.size(), out.toString());
        assertEquals("a\uFFFDb", out.get(0)); // data bytes are 'a', 0xFF, 'b' (shown via String decoding)
        TelnetFrame.Subnegotiation sb = assertInstanceOf(TelnetFrame.Subnegotiation.class, out.get(1));
        assertArrayEquals(b(IAC, 1), sb.data());
    }

    @Test
    void twoByteCommandsBecomeFrames() {
        List<Object> out = decode(new TelnetDecoder(64), b('x', IAC, 241, IAC, 244, 'y'));
        assertEquals(List.of("x", new TelnetFrame.Command(241), new TelnetFrame.Command(244), "y"), out);
    }

    @Test
    void oversizedSubnegotiationIsDroppedAndTheRestIsDataAgain() {
        TelnetDecoder d = new TelnetDecoder(16);
        byte[] big = new byte[20];
        java.util.Arrays.fill(big, (byte) 'z');
        List<Object> out = decode(d, b(IAC, 250, 24), big, b(IAC, 240), "info status\n".getBytes());
        // 16 bytes are taken as the subnegotiation and dropped; the decoder does not wait for an
        // IAC SE that may never come, so a client that never closes one keeps its session.
        assertEquals(List.of("zzzz", new TelnetFrame.Command(240), "info status\n"), out);
        assertEquals(1, d.droppedSubnegotiations());
    }

    @Test
    void unterminatedSubnegotiationDoesNotSwallowTheSession() {
        TelnetDecoder d = new TelnetDecoder(16);
        byte[] junk = new byte[16];
        java.util.Arrays.fill(junk, (byte) 'q');
        List<Object> out = decode(d, b(IAC, 250, 250), junk, "info status\n".getBytes());
        assertEquals(List.of("info status\n"), out);
    }

    @Test
    void iacFloodProducesOnlyFramesAndNoData() {
        byte[] flood = new byte[3000];
        for (int i = 0; i < flood.length; i += 2) {
            flood[i] = (byte) IAC;
            flood[i + 1] = (byte) 241; // NOP
        }
        List<Object> out = decode(new TelnetDecoder(64), flood, "ok\n".getBytes());
        assertEquals(1501, out.size());
        assertEquals("ok\n", out.get(out.size() - 1));
    }

    @Test
    void nothingIsLeftBufferedAfterACompleteSequence() {
        EmbeddedChannel ch = new EmbeddedChannel(new TelnetDecoder(64));
        ch.writeInbound(Unpooled.wrappedBuffer(b(IAC, 251, 1)));
        assertEquals(new TelnetFrame.Negotiation(251, 1), ch.readInbound());
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
