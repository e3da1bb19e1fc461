package dev.monmux.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.QmpJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the Prometheus text format; {@code GET /healthz}: 200 when every VM's
 * link is up, else 503, with a JSON body naming each VM's state; 404 for other paths, 405 for
 * other methods ({@code HEAD} is answered like {@code GET}, without a body).
 */
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** Health as the handler reports it. */
    record Health(boolean ok, ObjectNode body) {}

    private final Supplier<String> scrape;
    private final Supplier<Health> health;

    MetricsHttpHandler(Supplier<String> scrape, Supplier<Health> health) {
        this.scrape = scrape;
        this.health = health;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean head = req.method().equals(HttpMethod.HEAD);
        String path = new QueryStringDecoder(req.uri()).path();
        FullHttpResponse res;
        if (!req.decoderResult().isSuccess()) {
            res = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
        } else if (!path.equals("/metrics") && !path.equals("/healthz")) {
            res = text(HttpResponseStatus.NOT_FOUND, "not found: try /metrics or /healthz\n");
        } else if (!req.method().equals(HttpMethod.GET) && !head) {
            res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else if (path.equals("/metrics")) {
            res = response(HttpResponseStatus.OK, PROMETHEUS_TEXT, scrape.get());
        } else {
            Health h = health.get();
            res = response(
                    h.ok() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "application/json",
                    json(h.body()));
        }
        if (head) {
            res.content().clear();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String json(ObjectNode body) {
        try {
            return QmpJson.MAPPER.writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, "text/plain; charset=utf-8", body);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return res;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
