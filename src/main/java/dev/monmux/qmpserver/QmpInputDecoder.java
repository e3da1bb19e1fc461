package dev.monmux.qmpserver;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Splits a QMP client's bytes into messages the way QEMU's JSON streamer does
 * (qobject/json-streamer.c): a message ends when its braces and brackets balance (or a top-level
 * scalar ends, or they go negative), so objects may span lines and several may share one; each
 * is then parsed by {@link JsonTokenParser}. Emits one {@link QmpInput} per message or error.
 *
 * <p>Limits: a message over {@code maxMessageBytes}, with more than {@link #MAX_TOKENS} tokens or
 * nested deeper than {@link #MAX_NESTING} is answered with QEMU's limit error ("JSON token size
 * limit exceeded", ...) and the rest of that message is skipped (QEMU would report the rest as
 * further errors); the session goes on. Memory per client is bounded by these limits.
 */
public final class QmpInputDecoder extends ByteToMessageDecoder implements JsonLexer.Sink {
    /** QEMU allows 2M tokens and nesting 1024; monmux keeps memory and recursion smaller. */
    public static final int MAX_TOKENS = 1 << 18;
    public static final int MAX_NESTING = 256;

    private final int maxMessageBytes;
    private final JsonLexer lexer;
    private final List<JsonToken> tokens = new ArrayList<>();
    private long tokenBytes;
    private int braces;
    private int brackets;
    private boolean skipping;
    private List<Object> out;

    public QmpInputDecoder(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.lexer = new JsonLexer(this, maxMessageBytes);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        this.out = out;
        try {
            // Bounded by the buffer; the lexer keeps its own state between calls.
            while (in.isReadable()) {
                lexer.feed(in.readByte());
            }
        } finally {
            this.out = null;
        }
    }

    @Override
    public void token(JsonToken t) {
        switch (t.type()) {
            case LCURLY -> braces++;
            case RCURLY -> braces--;
            case LSQUARE -> brackets++;
            case RSQUARE -> brackets--;
            default -> { }
        }
        if (skipping) {
            if (braces <= 0 && brackets <= 0) {
                skipping = false;
                reset();
            }
            return;
        }
        if (tokenBytes + t.text().length() + 1 > maxMessageBytes) {
            limit("JSON token size limit exceeded");
            return;
        }
        if (tokens.size() + 1 > MAX_TOKENS) {
            limit("JSON token count limit exceeded");
            return;
        }
        if (braces + brackets > MAX_NESTING) {
            limit("JSON nesting depth limit exceeded");
            return;
        }
        tokens.add(t);
        tokenBytes += t.text().length();
        if ((braces > 0 || brackets > 0) && braces >= 0 && brackets >= 0) {
            return;
        }
        QmpInput result;
        try {
            result = QmpInput.of(JsonTokenParser.parse(tokens));
        } catch (JsonTokenParser.ParseError e) {
            result = QmpInput.failed(e.getMessage());
        }
        reset();
        out.add(result);
    }

    @Override
    public void error(String text) {
        // Also ends skipping: clients send an impossible byte (0xFF) to reset QEMU's parser.
        skipping = false;
        reset();
        out.add(QmpInput.failed("JSON parse error, stray '" + text + "'"));
    }

    @Override
    public void oversized() {
        if (!skipping) {
            limit("JSON token size limit exceeded");
        }
    }

    private void limit(String message) {
        out.add(QmpInput.failed(message));
        tokens.clear();
        tokenBytes = 0;
        // Skip to the end of this message (if it is inside one) instead of parsing its tail.
        skipping = braces > 0 || brackets > 0;
        if (!skipping) {
            reset();
        }
    }

    private void reset() {
        braces = 0;
        brackets = 0;
        tokens.clear();
        tokenBytes = 0;
    }
}
