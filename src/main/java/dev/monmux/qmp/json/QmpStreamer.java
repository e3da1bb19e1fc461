package dev.monmux.qmp.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Splits bytes into QMP messages the way QEMU's JSON streamer does (qobject/json-streamer.c): a
 * message ends when its braces and brackets balance (or a top-level scalar ends, or they go
 * negative), so objects may span lines and several may share one; each is then parsed by
 * {@link JsonTokenParser}. Hands on one {@link QmpInput} per message or error.
 *
 * <p>Limits: a message over {@code maxMessageBytes}, with more than {@link #MAX_TOKENS} tokens or
 * nested deeper than {@link #MAX_NESTING} is answered with QEMU's limit error ("JSON token size
 * limit exceeded", ...) and the rest of that message is skipped (QEMU would report the rest as
 * further errors). Memory is bounded by these limits.
 */
public final class QmpStreamer implements JsonLexer.Sink {
    /** QEMU allows 2M tokens and nesting 1024; monmux keeps memory and recursion smaller. */
    public static final int MAX_TOKENS = 1 << 18;

    public static final int MAX_NESTING = 256;

    private final int maxMessageBytes;
    private final JsonLexer lexer;
    private final Consumer<QmpInput> out;
    private final List<JsonToken> tokens = new ArrayList<>();
    private long tokenBytes;
    private int braces;
    private int brackets;
    private boolean skipping;

    public QmpStreamer(int maxMessageBytes, Consumer<QmpInput> out) {
        this.maxMessageBytes = maxMessageBytes;
        this.lexer = new JsonLexer(this, maxMessageBytes);
        this.out = out;
    }

    /** The messages of one complete text (a line typed at the prompt) and whether it ended inside one. */
    public record Parsed(List<QmpInput> messages, boolean unfinished) {}

    /** Reads all of {@code text}, as QEMU would read it from a socket, and says what was left open. */
    public static Parsed parse(String text, int maxMessageBytes) {
        List<QmpInput> messages = new ArrayList<>();
        QmpStreamer s = new QmpStreamer(maxMessageBytes, messages::add);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s.feed(b);
        }
        s.feed((byte) '\n'); // as a client ends its line: a number or keyword at the end ends too
        return new Parsed(messages, s.unfinished());
    }

    public void feed(byte b) {
        lexer.feed(b);
    }

    /** Whether a message (or a token) has begun and not ended. */
    public boolean unfinished() {
        return !tokens.isEmpty() || skipping || lexer.inToken();
    }

    @Override
    public void token(JsonToken t) {
        switch (t.type()) {
            case LCURLY -> braces++;
            case RCURLY -> braces--;
            case LSQUARE -> brackets++;
            case RSQUARE -> brackets--;
            default -> {}
        }
        if (skipping) {
            // the skipped message ends where QEMU's streamer would end it: balanced, or gone negative
            if (!inMessage()) {
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
        if (inMessage()) {
            return;
        }
        QmpInput result;
        try {
            result = QmpInput.of(JsonTokenParser.parse(tokens));
        } catch (JsonTokenParser.ParseError e) {
            result = QmpInput.failed(e.getMessage());
        }
        reset();
        out.accept(result);
    }

    @Override
    public void error(String text) {
        // Also ends skipping: clients send an impossible byte (0xFF) to reset QEMU's parser.
        skipping = false;
        reset();
        out.accept(QmpInput.failed("JSON parse error, stray '" + text + "'"));
    }

    @Override
    public void oversized() {
        if (!skipping) {
            limit("JSON token size limit exceeded");
        }
    }

    private void limit(String message) {
        out.accept(QmpInput.failed(message));
        tokens.clear();
        tokenBytes = 0;
        // Skip to the end of this message (if it is inside one) instead of parsing its tail.
        skipping = braces > 0 || brackets > 0;
        if (!skipping) {
            reset();
        }
    }

    /** Inside an object or array still open (json-streamer.c's test for "more to come"). */
    private boolean inMessage() {
        return (braces > 0 || brackets > 0) && braces >= 0 && brackets >= 0;
    }

    private void reset() {
        braces = 0;
        brackets = 0;
        tokens.clear();
        tokenBytes = 0;
    }
}
