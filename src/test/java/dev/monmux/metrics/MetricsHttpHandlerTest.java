package dev.monmux.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.qmp.QmpJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricsHttpHandlerTest {
    private boolean healthy = true;

    private String request(String text) {
        EmbeddedChannel ch = new EmbeddedChannel(
                new HttpServerCodec(),
                new HttpObjectAggregator(65536),
                new MetricsHttpHandler(() -> "monmux_x 1.0\n", () -> {
                    var body = QmpJson.object().put("status", healthy ? "ok" : "down");
                    body.putArray("down");
                    if (!healthy) {
                        body.withArray("down").add("db1");
                    }
                    return new MetricsHttpHandler.Health(healthy, body);
                }));
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        ch.finishAndReleaseAll();
        return sb.toString();
    }

    @Test
    void metricsAreServedInThePrometheusTextFormat() {
        String r = request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.contains("content-type: text/plain; version=0.0.4; charset=utf-8\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\nmonmux_x 1.0\n"), r);
    }

    @Test
    void healthIs200WhenEveryVmIsUpAnd503NamingTheDownOnes() {
        String r = request("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.endsWith("{\"status\":\"ok\",\"down\":[]}\n"), r);
        healthy = false;
        r = request("GET /healthz?verbose=1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), r);
        assertTrue(r.contains("content-type: application/json\r\n"), r);
        assertTrue(r.endsWith("{\"status\":\"down\",\"down\":[\"db1\"]}\n"), r);
    }

    @Test
    void otherPathsAre404AndOtherMethods405() {
        assertTrue(request("GET / HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 404 Not Found\r\n"));
        assertTrue(request("GET /metrics/x HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 404 Not Found\r\n"));
        String r = request("POST /metrics HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\n\r\nhi");
        assertTrue(r.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), r);
        assertTrue(r.contains("allow: GET, HEAD\r\n"), r);
    }

    @Test
    void headAnswersWithoutABody() {
        String r = request("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n"), r);
        assertTrue(r.contains("content-length: 13\r\n"), r);
        assertTrue(r.endsWith("\r\n\r\n"), r);
    }

    @Test
    void garbageIsA400NotAStackTrace() {
        String r = request("\u0001\u0002 nonsense\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 400 Bad Request\r\n"), r);
        assertEquals(-1, r.indexOf("Exception"));
    }
}
