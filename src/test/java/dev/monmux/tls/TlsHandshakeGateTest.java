package dev.monmux.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The gate holds the protocol back until the TLS handshake is done; a failed one closes the connection. */
class TlsHandshakeGateTest {
    /** Records what reaches the protocol handlers behind the gate. */
    private static final class Behind extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            seen.add("active");
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            seen.add("inactive");
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            seen.add("read");
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt instanceof ChannelInputShutdownEvent ? "input-shutdown" : evt.toString());
        }
    }

    @Test
    void theProtocolStartsOnlyAfterASuccessfulHandshake() {
        Behind behind = new Behind();
        EmbeddedChannel ch = new EmbeddedChannel(new TlsHandshakeGate(), behind);
        assertEquals(List.of(), behind.seen, "channelActive is held back");
        ch.writeInbound(Unpooled.copiedBuffer("early", StandardCharsets.UTF_8));
        assertEquals(List.of(), behind.seen, "nothing passes before the handshake");
        ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        assertEquals(List.of("active"), behind.seen);
        ch.writeInbound(Unpooled.copiedBuffer("info status\n", StandardCharsets.UTF_8));
        assertEquals(List.of("active", "read"), behind.seen);
        // close_notify from the client: to the protocol it is the end of the client's input.
        ch.pipeline().fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        assertEquals(List.of("active", "read", "input-shutdown"), behind.seen);
        ch.close();
        assertEquals(List.of("active", "read", "input-shutdown", "inactive"), behind.seen);
    }

    @Test
    void aFailedHandshakeClosesWithoutTheProtocolEverSeeingTheClient() {
        Behind behind = new Behind();
        EmbeddedChannel ch = new EmbeddedChannel(new TlsHandshakeGate(), behind);
        ch.pipeline()
                .fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLHandshakeException("bad certificate")));
        assertFalse(ch.isOpen());
        assertEquals(List.of(), behind.seen);
    }

    @Test
    void theCommonNameComesFromTheSubject() {
        assertEquals(Optional.of("alice"), TlsPeer.commonName("CN=alice,OU=ops,O=Example"));
        assertEquals(Optional.of("bob@example.org"), TlsPeer.commonName("C=DE, CN=bob@example.org"));
        assertEquals(Optional.empty(), TlsPeer.commonName("O=Example"));
        assertTrue(TlsPeer.commonName(new EmbeddedChannel()).isEmpty(), "no TLS, no name");
    }
}
