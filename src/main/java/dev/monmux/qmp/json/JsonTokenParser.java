package dev.monmux.qmp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.QmpStrings;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A port of QEMU's JSON parser (qobject/json-parser.c): turns the tokens of one message into a
 * value, or fails with QEMU's message for the first error ("JSON parse error, expecting value",
 * "duplicate key", ...). Objects are built in QEMU's QDict iteration order.
 *
 * <p>One class for one port (qobject/json-parser.c): kept whole so that it can be read against QEMU's
 * file.
 */
final class JsonTokenParser {
    /** The first parse error; the message is QEMU's, including its prefix. */
    static final class ParseError extends Exception {
        ParseError(String message) {
            super("JSON parse error, " + message, null, false, false);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final List<JsonToken> tokens;
    private int pos;

    private JsonTokenParser(List<JsonToken> tokens) {
        this.tokens = tokens;
    }

    static JsonNode parse(List<JsonToken> tokens) throws ParseError {
        return new JsonTokenParser(tokens).value();
    }

    private JsonToken peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private JsonToken pop() {
        return pos < tokens.size() ? tokens.get(pos++) : null;
    }

    private JsonNode value() throws ParseError {
        JsonToken t = peek();
        if (t == null) {
            throw new ParseError("premature EOI");
        }
        return switch (t.type()) {
            case LCURLY -> object();
            case LSQUARE -> array();
            case INTEGER, FLOAT, STRING -> literal();
            case KEYWORD -> keyword();
            default -> throw new ParseError("expecting value");
        };
    }

    private JsonNode object() throws ParseError {
        pop();
        Map<String, JsonNode> members = new LinkedHashMap<>();
        JsonToken peek = peek();
        if (peek == null) {
            throw new ParseError("premature EOI");
        }
        if (peek.type() != JsonToken.Type.RCURLY) {
            pair(members);
            JsonToken t = pop();
            if (t == null) {
                throw new ParseError("premature EOI");
            }
            while (t.type() != JsonToken.Type.RCURLY) {
                if (t.type() != JsonToken.Type.COMMA) {
                    throw new ParseError("expected separator in dict");
                }
                pair(members);
                t = pop();
                if (t == null) {
                    throw new ParseError("premature EOI");
                }
            }
        } else {
            pop();
        }
        ObjectNode obj = NODES.objectNode();
        for (String k : QdictOrder.iteration(List.copyOf(members.keySet()))) {
            obj.set(k, members.get(k));
        }
        return obj;
    }

    private void pair(Map<String, JsonNode> members) throws ParseError {
        if (peek() == null) {
            throw new ParseError("premature EOI");
        }
        JsonNode key = value();
        if (!key.isTextual()) {
            throw new ParseError("key is not a string in object");
        }
        JsonToken t = pop();
        if (t == null) {
            throw new ParseError("premature EOI");
        }
        if (t.type() != JsonToken.Type.COLON) {
            throw new ParseError("missing : in object pair");
        }
        JsonNode v = value();
        if (members.containsKey(key.textValue())) {
            throw new ParseError("duplicate key");
        }
        members.put(key.textValue(), v);
    }

    private JsonNode array() throws ParseError {
        pop();
        ArrayNode list = NODES.arrayNode();
        JsonToken peek = peek();
        if (peek == null) {
            throw new ParseError("premature EOI");
        }
        if (peek.type() != JsonToken.Type.RSQUARE) {
            list.add(value());
            JsonToken t = pop();
            if (t == null) {
                throw new ParseError("premature EOI");
            }
            while (t.type() != JsonToken.Type.RSQUARE) {
                if (t.type() != JsonToken.Type.COMMA) {
                    throw new ParseError("expected separator in list");
                }
                list.add(value());
                t = pop();
                if (t == null) {
                    throw new ParseError("premature EOI");
                }
            }
        } else {
            pop();
        }
        return list;
    }

    private JsonNode keyword() throws ParseError {
        JsonToken t = pop();
        return switch (t.text()) {
            case "true" -> NODES.booleanNode(true);
            case "false" -> NODES.booleanNode(false);
            case "null" -> NODES.nullNode();
            default -> throw new ParseError("invalid keyword '" + t.text() + "'");
        };
    }

    private JsonNode literal() throws ParseError {
        JsonToken t = pop();
        switch (t.type()) {
            case STRING:
                return NODES.textNode(string(t.text()));
            case INTEGER:
                if (t.text().length() > 21) {
                    // beyond uint64 (20 digits and a sign): a double, as in QEMU, without the
                    // quadratic BigInteger parse of a megabyte of digits
                    return floating(t.text());
                }
                BigInteger v = new BigInteger(t.text());
                if (v.bitLength() < 64) {
                    return NODES.numberNode(v.longValue());
                }
                if (v.signum() > 0 && v.compareTo(UINT64_MAX) <= 0) {
                    return NODES.numberNode(v);
                }
                return floating(t.text());
            default:
                return floating(t.text());
        }
    }

    /**
     * A number QEMU keeps as a double (strtod; Java's parse rounds the same way). One that
     * overflows is kept as a decimal beyond double range: QEMU reads it back as the same infinity,
     * whereas a Java infinity would be written as {@code Infinity}, which is not JSON.
     */
    private static JsonNode floating(String text) {
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            return NODES.numberNode(new BigDecimal(d < 0 ? "-1e400" : "1e400"));
        }
        return NODES.numberNode(d);
    }

    /** The string token (raw bytes as ISO-8859-1 chars, quotes included) decoded as QEMU does. */
    private static String string(String raw) throws ParseError {
        char quote = raw.charAt(0);
        StringBuilder out = new StringBuilder(raw.length());
        int i = 1;
        int end = raw.length() - 1;
        while (i < end) {
            char c = raw.charAt(i);
            if (c == '\\') {
                int beg = i;
                char e = raw.charAt(i + 1);
                i += 2;
                switch (e) {
                    case '"' -> out.append('"');
                    case '\'' -> out.append('\'');
                    case '\\' -> out.append('\\');
                    case '/' -> out.append('/');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        int cp = hex4(raw, i);
                        i += 4;
                        if (cp >= 0xD800
                                && cp <= 0xDBFF
                                && i + 1 < raw.length()
                                && raw.charAt(i) == '\\'
                                && raw.charAt(i + 1) == 'u') {
                            cp = 0x10000 + ((cp & 0x3FF) << 10);
                            int trailing = hex4(raw, i + 2);
                            if (trailing >= 0xDC00 && trailing <= 0xDFFF) {
                                cp |= trailing & 0x3FF;
                                i += 6;
                            } else {
                                cp = -1;
                            }
                        }
                        if (!QmpStrings.isValidCodepoint(cp)) {
                            // QEMU prints the escape as far as its C string goes (the closing quote at most).
                            throw new ParseError(asPrinted(raw.substring(beg, Math.min(i, raw.length())))
                                    + " is not a valid Unicode character");
                        }
                        out.appendCodePoint(cp);
                    }
                    default -> throw new ParseError("invalid escape sequence in string");
                }
            } else if (c == quote) {
                break;
            } else {
                int[] next = new int[1];
                int cp = modUtf8Codepoint(raw, i, next);
                if (cp < 0) {
                    throw new ParseError("invalid UTF-8 sequence in string");
                }
                out.appendCodePoint(cp);
                i = next[0];
            }
        }
        return out.toString();
    }

    /** Token bytes (held as ISO-8859-1 chars) as QEMU's %s prints them: UTF-8, up to a NUL. */
    private static String asPrinted(String latin1) {
        int nul = latin1.indexOf('\0');
        String cut = nul < 0 ? latin1 : latin1.substring(0, nul);
        return new String(cut.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** QEMU's cvt4hex: -1 unless four hex digits follow (past the end counts as not hex). */
    private static int hex4(String s, int at) {
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            if (k >= s.length()) {
                return -1;
            }
            char ch = s.charAt(k);
            int d = ch < 128 ? Character.digit(ch, 16) : -1;
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    private static final int[] MIN_CODEPOINT = {0x80, 0x800, 0x10000, 0x200000, 0x4000000};

    /**
     * QEMU's mod_utf8_codepoint (util/unicode.c) on the bytes of {@code s} from {@code at}: the
     * code point, or -1 for what QEMU refuses (a bad or missing continuation byte, an overlong form
     * other than {@code C0 80} for U+0000, a surrogate, a noncharacter, beyond U+10FFFF); the index
     * after the bytes it read goes into {@code next[0]}.
     */
    static int modUtf8Codepoint(String s, int at, int[] next) {
        int b = s.charAt(at);
        int p = at + 1;
        int cp;
        if (b == 0) {
            next[0] = at;
            return -1;
        } else if (b < 0x80) {
            cp = b;
        } else if (b >= 0xFE || (b & 0x40) == 0) {
            cp = -1; // 0xFE, 0xFF never occur; a continuation byte cannot start a sequence
        } else {
            int len = 0;
            int mask = 0x80;
            for (; (b & mask) != 0; mask >>= 1) {
                len++;
            }
            cp = b & (mask - 1);
            for (int k = 1; k < len; k++) {
                int cont = p < s.length() ? s.charAt(p) : 0;
                if ((cont & 0xC0) != 0x80) {
                    next[0] = p;
                    return -1;
                }
                p++;
                cp = cp << 6 | (cont & 0x3F);
            }
            if (!QmpStrings.isValidCodepoint(cp) || (cp < MIN_CODEPOINT[len - 2] && !(cp == 0 && len == 2))) {
                cp = -1;
            }
        }
        next[0] = p;
        return cp;
    }
}
