package dev.monmux.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.auth.UserDirectory;
import dev.monmux.config.ControlConfig;
import dev.monmux.qmp.QmpJson;
import dev.monmux.session.EventFormatter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The control socket's handler on its own: what a client that is not understood is told. */
class ControlHandlerTest {
    private static EmbeddedChannel channel() {
        ControlContext ctx = new ControlContext(
                null,
                new UserDirectory(List.of()),
                false,
                ControlConfig.defaults(),
                new EventFormatter(ZoneId.of("UTC")),
                who -> CompletableFuture.completedFuture(new ControlContext.Reloaded(true, "")),
                UnixAccounts.system());
        return new EmbeddedChannel(
                new LineBasedFrameDecoder(64, true, true),
                new StringDecoder(StandardCharsets.UTF_8),
                new ControlHandler(ctx, f -> {}, f -> {}, f -> {}));
    }

    private static JsonNode answer(EmbeddedChannel ch) throws Exception {
        ByteBuf b = ch.readOutbound();
        try {
            return QmpJson.MAPPER.readTree(b.toString(StandardCharsets.UTF_8));
        } finally {
            b.release();
        }
    }

    private static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(ch.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRequestThatIsNotJsonGetsOneRefusalAndTheConnectionCloses() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, "hello\n");
        JsonNode a = answer(ch);
        assertEquals("refused", a.path("status").asText());
        assertEquals("the request is not JSON", a.path("error").asText());
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
    }

    @Test
    void unknownCommandsAndMissingVmsAreNamed() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, "{\"command\":\"format-disk\"}\n");
        assertEquals(
                "unknown command 'format-disk' (list, who, hmp, qmp, events, reload)",
                answer(ch).path("error").asText());
        EmbeddedChannel ch2 = channel();
        send(ch2, "{\"command\":\"hmp\",\"line\":\"stop\"}\n");
        assertEquals("hmp needs a VM", answer(ch2).path("error").asText());
    }

    @Test
    void aClientWithoutPeerCredentialsIsNotServed() throws Exception {
        EmbeddedChannel ch = channel(); // an embedded channel has none, as NIO's unix channel has none
        send(ch, "{\"command\":\"list\"}\n");
        assertEquals(
                "monmux cannot tell who this client is (no peer credentials)",
                answer(ch).path("error").asText());
    }

    @Test
    void anOverlongRequestIsRefused() throws Exception {
        EmbeddedChannel ch = channel();
        send(ch, "{\"command\":\"hmp\",\"vm\":\"x\",\"line\":\"" + "a".repeat(100) + "\"}\n");
        assertEquals("the request is too long", answer(ch).path("error").asText());
    }
}
