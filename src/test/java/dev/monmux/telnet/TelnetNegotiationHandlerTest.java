package dev.monmux.telnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.config.TelnetMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TelnetNegotiationHandlerTest {
    private static final byte[] QEMU_OFFERS = {
        (byte) 255, (byte) 251, 1, (byte) 255, (byte) 251, 3, (byte) 255, (byte) 251, 0, (byte) 255, (byte) 253, 0
    };

    /** Records user events and data reaching the next handler. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final List<String> data = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            data.add(b.toString(java.nio.charset.StandardCharsets.UTF_8));
            b.release();
        }
    }

    private static byte[] written(EmbeddedChannel ch) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            byte[] x = new byte[b.readableBytes()];
            b.readBytes(x);
            b.release();
            o.writeBytes(x);
        }
        return o.toByteArray();
    }

    private static EmbeddedChannel channel(TelnetMode mode, Sink sink) {
        return new EmbeddedChannel(
                new TelnetDecoder(64), new TelnetNegotiationHandler(mode, Duration.ofMillis(300)), sink);
    }

    private static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (byte) v[i];
        }
        return r;
    }

    @Test
    void offersWhatQemuOffers() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.TELNET, sink);
        assertArrayEquals(QEMU_OFFERS, written(ch));
        assertEquals(List.of(new ClientMode(true)), sink.events);
    }

    @Test
    void acknowledgementsOfOurOffersAreNotAnswered() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.TELNET, sink);
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 253, 1, 255, 253, 3, 255, 253, 0, 255, 251, 0)));
        assertEquals(0, written(ch).length, "DO ECHO/SGA/BINARY and WILL BINARY are acks: no reply, no loop");
        assertTrue(sink.events.contains(TelnetNegotiationHandler.EchoChange.ON));
    }

    @Test
    void nawsOfferedIsAcceptedAndReportsTheSize() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.TELNET, sink);
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 251, 31)));
        assertArrayEquals(b(255, 253, 31), written(ch));
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 250, 31, 0, 120, 0, 40, 255, 240)));
        assertTrue(sink.events.contains(new WindowSize(120, 40)), sink.events.toString());
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 251, 31)));
        assertEquals(0, written(ch).length, "a repeated WILL NAWS changes nothing and gets no answer");
    }

    @Test
    void unsupportedOptionsAreRefusedOnce() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.TELNET, sink);
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 253, 24))); // DO TTYPE (we can't)
        assertArrayEquals(b(255, 252, 24), written(ch));
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 251, 24))); // WILL TTYPE (we don't want it)
        assertArrayEquals(b(255, 254, 24), written(ch));
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 252, 24))); // WONT TTYPE: already off
        assertEquals(0, written(ch).length);
    }

    @Test
    void clientRefusingEchoTurnsEchoOff() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.TELNET, sink);
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 254, 1))); // DONT ECHO answering our WILL
        assertEquals(0, written(ch).length, "a refusal of our offer needs no answer");
        assertTrue(sink.events.contains(TelnetNegotiationHandler.EchoChange.OFF));
    }

    @Test
    void beforeAPasswordEchoIsOfferedAgainToAClientThatRefusedIt() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.TELNET, sink);
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 254, 1))); // DONT ECHO: the client echoes locally
        ch.pipeline().fireUserEventTriggered(TelnetNegotiationHandler.HIDE_INPUT);
        assertArrayEquals(b(255, 251, 1), written(ch), "WILL ECHO again");
        ch.pipeline().fireUserEventTriggered(TelnetNegotiationHandler.HIDE_INPUT);
        assertEquals(0, written(ch).length, "asked once while the answer is pending");
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 253, 1))); // DO ECHO: it stops echoing
        assertEquals(0, written(ch).length);
        assertEquals(TelnetNegotiationHandler.EchoChange.ON, sink.events.get(sink.events.size() - 1));
        ch.pipeline().fireUserEventTriggered(TelnetNegotiationHandler.HIDE_INPUT);
        assertEquals(0, written(ch).length, "nothing to ask while we echo");
        assertTrue(!sink.events.contains(TelnetNegotiationHandler.HIDE_INPUT), "consumed here");
    }

    @Test
    void aRawClientIsNeverSentTelnetBytesBeforeAPassword() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.AUTO, sink);
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer("alice\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        ch.pipeline().fireUserEventTriggered(TelnetNegotiationHandler.HIDE_INPUT);
        assertEquals(0, written(ch).length);
    }

    @Test
    void autoModeClientThatAnswersIsInteractive() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.AUTO, sink);
        written(ch);
        assertEquals(List.of(), sink.events);
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 253, 1)));
        assertEquals(new ClientMode(true), sink.events.get(0));
    }

    @Test
    void autoModeClientThatSendsALineFirstIsRaw() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.AUTO, sink);
        ch.writeInbound(Unpooled.wrappedBuffer("info status\n".getBytes()));
        assertEquals(List.of(new ClientMode(false)), sink.events);
        assertEquals(List.of("info status\n"), sink.data);
    }

    @Test
    void autoModeClientThatStaysSilentIsRawAfterTheTimeout() throws Exception {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.AUTO, sink);
        ch.advanceTimeBy(299, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(List.of(), sink.events);
        ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(List.of(new ClientMode(false)), sink.events);
    }

    @Test
    void rawModeSendsNoTelnetBytes() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.RAW, sink);
        assertNull(ch.readOutbound());
        assertEquals(List.of(new ClientMode(false)), sink.events);
    }

    @Test
    void interruptCommandBecomesCtrlC() {
        Sink sink = new Sink();
        EmbeddedChannel ch = channel(TelnetMode.TELNET, sink);
        ch.writeInbound(Unpooled.wrappedBuffer(b(255, 244)));
        assertEquals(List.of("\u0003"), sink.data);
    }
}
