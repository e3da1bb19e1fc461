package dev.monmux.qmp.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A port of QEMU's JSON lexer state machine (qobject/json-lexer.c, QEMU 7.2): the same tokens,
 * the same extensions (single-quoted strings, {@code \'}), the same errors and the same recovery
 * after an error (skip until a structural character or a control character). Feeding it a byte
 * at a time gives exactly the token stream QEMU sees, so monmux delimits and rejects client
 * input the way QEMU does.
 *
 * <p>A token longer than {@code maxTokenBytes} is not kept in memory: it is reported as
 * oversized once it ends.
 */
final class JsonLexer {
    /** What the lexer hands to the streamer. */
    interface Sink {
        void token(JsonToken token);

        /** A lexical error; {@code text} is the offending input, as in "stray '%s'". */
        void error(String text);

        /** A token over the size limit ended (its text was not kept). */
        void oversized();
    }

    private enum State {
        START,
        RECOVERY,
        WHITESPACE,
        KEYWORD,
        DQ,
        DQ_ESC,
        SQ,
        SQ_ESC,
        ZERO,
        NONZERO,
        NEG,
        MANTISSA,
        MANTISSA_DIGITS,
        EXP_E,
        EXP_DIGIT,
        EXP_DIGITS
    }

    private final Sink sink;
    private final int maxTokenBytes;
    private State state = State.START;
    private byte[] token = new byte[64];
    private int length;
    private boolean overflow;

    JsonLexer(Sink sink, int maxTokenBytes) {
        this.sink = sink;
        this.maxTokenBytes = maxTokenBytes;
    }

    /** Inside a string (the only token a newline does not end). */
    boolean inToken() {
        return state == State.DQ || state == State.DQ_ESC || state == State.SQ || state == State.SQ_ESC;
    }

    void feed(byte b) {
        int c = b & 0xff;
        // Each pass either consumes the byte or moves to a state that will (lookahead).
        for (int guard = 0; guard < 3; guard++) {
            if (step(c)) {
                return;
            }
        }
        throw new IllegalStateException("JSON lexer did not consume byte " + c + " in state " + state);
    }

    /** @return true when the byte was consumed */
    private boolean step(int c) {
        switch (state) {
            case START -> {
                return start(c);
            }
            case RECOVERY -> {
                if (c < 0x20 && c != '\t'
                        || c >= 0xFE
                        || c == '['
                        || c == ']'
                        || c == '{'
                        || c == '}'
                        || c == ':'
                        || c == ',') {
                    state = State.START;
                    return false;
                }
                return true;
            }
            case WHITESPACE -> {
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    return true;
                }
                state = State.START;
                reset();
                return false;
            }
            case KEYWORD -> {
                if (c >= 'a' && c <= 'z') {
                    append(c);
                    return true;
                }
                emit(JsonToken.Type.KEYWORD);
                return false;
            }
            case DQ, SQ -> {
                int quote = state == State.DQ ? '"' : '\'';
                if (c == quote) {
                    append(c);
                    emit(JsonToken.Type.STRING);
                    return true;
                }
                if (c == '\\') {
                    return next(c, state == State.DQ ? State.DQ_ESC : State.SQ_ESC);
                }
                if (c >= 0x20 && c <= 0xFD) {
                    return next(c, state);
                }
                return error(c);
            }
            case DQ_ESC, SQ_ESC -> {
                // QEMU 7.2's lexer takes any printable character after a backslash; the parser
                // then rejects unknown escapes and bad \\u sequences.
                if (c >= 0x20 && c <= 0xFD) {
                    return next(c, state == State.DQ_ESC ? State.DQ : State.SQ);
                }
                return error(c);
            }
            case ZERO -> {
                if (c >= '0' && c <= '9') {
                    return error(c);
                }
                if (c == '.') {
                    return next(c, State.MANTISSA);
                }
                emit(JsonToken.Type.INTEGER);
                return false;
            }
            case NONZERO -> {
                if (c >= '0' && c <= '9') {
                    return next(c, State.NONZERO);
                }
                if (c == 'e' || c == 'E') {
                    return next(c, State.EXP_E);
                }
                if (c == '.') {
                    return next(c, State.MANTISSA);
                }
                emit(JsonToken.Type.INTEGER);
                return false;
            }
            case NEG -> {
                if (c == '0') {
                    return next(c, State.ZERO);
                }
                if (c >= '1' && c <= '9') {
                    return next(c, State.NONZERO);
                }
                return error(c);
            }
            case MANTISSA -> {
                return c >= '0' && c <= '9' ? next(c, State.MANTISSA_DIGITS) : error(c);
            }
            case MANTISSA_DIGITS -> {
                if (c >= '0' && c <= '9') {
                    return next(c, State.MANTISSA_DIGITS);
                }
                if (c == 'e' || c == 'E') {
                    return next(c, State.EXP_E);
                }
                emit(JsonToken.Type.FLOAT);
                return false;
            }
            case EXP_E -> {
                if (c == '-' || c == '+') {
                    return next(c, State.EXP_DIGIT);
                }
                return c >= '0' && c <= '9' ? next(c, State.EXP_DIGITS) : error(c);
            }
            case EXP_DIGIT -> {
                return c >= '0' && c <= '9' ? next(c, State.EXP_DIGITS) : error(c);
            }
            case EXP_DIGITS -> {
                if (c >= '0' && c <= '9') {
                    return next(c, State.EXP_DIGITS);
                }
                emit(JsonToken.Type.FLOAT);
                return false;
            }
            default -> throw new IllegalStateException(state.toString());
        }
    }

    private boolean start(int c) {
        switch (c) {
            case '{' -> single(c, JsonToken.Type.LCURLY);
            case '}' -> single(c, JsonToken.Type.RCURLY);
            case '[' -> single(c, JsonToken.Type.LSQUARE);
            case ']' -> single(c, JsonToken.Type.RSQUARE);
            case ':' -> single(c, JsonToken.Type.COLON);
            case ',' -> single(c, JsonToken.Type.COMMA);
            case '"' -> next(c, State.DQ);
            case '\'' -> next(c, State.SQ);
            case '0' -> next(c, State.ZERO);
            case '-' -> next(c, State.NEG);
            case ' ', '\t', '\r', '\n' -> state = State.WHITESPACE;
            default -> {
                if (c >= '1' && c <= '9') {
                    next(c, State.NONZERO);
                } else if (c >= 'a' && c <= 'z') {
                    next(c, State.KEYWORD);
                } else {
                    error(c);
                }
            }
        }
        return true;
    }

    private void single(int c, JsonToken.Type type) {
        append(c);
        emit(type);
    }

    private boolean next(int c, State s) {
        append(c);
        state = s;
        return true;
    }

    private boolean error(int c) {
        append(c);
        int end = 0;
        while (end < length && token[end] != 0) {
            end++; // QEMU prints it with %s: a NUL ends it
        }
        String text = new String(token, 0, end, StandardCharsets.UTF_8);
        reset();
        state = State.RECOVERY;
        sink.error(text);
        return true;
    }

    private void emit(JsonToken.Type type) {
        boolean tooLong = overflow;
        String text = tooLong ? "" : new String(token, 0, length, StandardCharsets.ISO_8859_1);
        reset();
        state = State.START;
        if (tooLong) {
            sink.oversized();
        } else {
            sink.token(new JsonToken(type, text));
        }
    }

    private void append(int c) {
        if (overflow) {
            return;
        }
        if (length >= maxTokenBytes) {
            overflow = true;
            return;
        }
        if (length == token.length) {
            token = Arrays.copyOf(token, Math.min(maxTokenBytes, token.length * 2));
        }
        token[length++] = (byte) c;
    }

    private void reset() {
        length = 0;
        overflow = false;
        if (token.length > 4096) {
            token = new byte[64];
        }
    }
}
