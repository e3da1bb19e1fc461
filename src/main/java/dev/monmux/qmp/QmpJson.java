package dev.monmux.qmp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The one JSON configuration for QMP traffic. Jackson's stream constraints bound what hostile
 * input can cost: nesting depth, number length and string length are capped, so a message
 * nested 10,000 deep or a number with 100k digits is rejected instead of parsed.
 */
public final class QmpJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(256)
                            .maxNumberLength(256)
                            .maxStringLength(16 * 1024 * 1024)
                            .build())
                    .build())
            .build();

    private static final byte[] NEWLINE = {'\n'};

    private QmpJson() {}

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Serialises {@code node} followed by a newline into a pooled buffer. */
    public static ByteBuf encodeLine(ByteBufAllocator alloc, JsonNode node) {
        ByteBuf buf = alloc.buffer(128);
        try (OutputStream out = new ByteBufOutputStream(buf)) {
            MAPPER.writeValue(out, node);
            out.write(NEWLINE);
        } catch (IOException e) {
            buf.release();
            throw new IllegalStateException("cannot serialise QMP message", e);
        }
        return buf;
    }

    /** Compact single-line JSON text. */
    public static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Indented JSON text as {@code qmp-shell -p} prints it ({@link QmpShellJson}), {@code \r\n} line ends. */
    public static String pretty(JsonNode node) {
        return QmpShellJson.format(node, "\r\n");
    }
}
