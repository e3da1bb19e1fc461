package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Turns one framed JSON object (from Netty's {@code JsonObjectDecoder}) into a Jackson tree.
 * A frame that is not valid JSON (or breaks the stream constraints) is a
 * {@link CorruptedFrameException}: from QEMU that means the stream can no longer be trusted.
 */
public final class QmpMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    public QmpMessageDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        try (InputStream in = new ByteBufInputStream(frame)) {
            JsonNode node = QmpJson.MAPPER.readTree(in);
            if (node == null || !node.isObject()) {
                throw new CorruptedFrameException("QMP message is not a JSON object");
            }
            out.add(node);
        } catch (IOException e) {
            throw new CorruptedFrameException("invalid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
