package dev.monmux.qmpserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.json.QdictOrder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;

/**
 * Writes QMP messages exactly as QEMU 7.2 does ({@code qobject_to_json} + {@code monitor_puts}):
 * {@code ": "} and {@code ", "} separators, members in QDict order, non-ASCII and control
 * characters escaped as {@code \\uXXXX} (upper-case hex, surrogate pairs above U+FFFF), doubles
 * as {@code %.17g}, and {@code \r\n} at the end of the line.
 */
public final class QmpWire {
    private QmpWire() {}

    /** One message as QEMU would send it, line end included. */
    public static String line(JsonNode msg) {
        StringBuilder sb = new StringBuilder(128);
        write(sb, msg);
        return sb.append("\r\n").toString();
    }

    public static ByteBuf encode(ByteBufAllocator alloc, JsonNode msg) {
        // Everything written is ASCII (non-ASCII is escaped), so UTF-8 == ASCII here.
        return ByteBufUtil.writeAscii(alloc, line(msg));
    }

    static void write(StringBuilder sb, JsonNode n) {
        switch (n.getNodeType()) {
            case OBJECT -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : QdictOrder.ordered((ObjectNode) n)) {
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    string(sb, e.getKey());
                    sb.append(": ");
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    write(sb, n.get(i));
                }
                sb.append(']');
            }
            case STRING -> string(sb, n.textValue());
            case BOOLEAN -> sb.append(n.booleanValue());
            case NUMBER -> number(sb, n);
            default -> sb.append("null");
        }
    }

    private static void number(StringBuilder sb, JsonNode n) {
        if (n.isIntegralNumber()) {
            sb.append(n.bigIntegerValue());
        } else {
            sb.append(formatG17(n.doubleValue()));
        }
    }

    /** C's {@code printf("%.17g", d)}. */
    static String formatG17(double d) {
        if (Double.isNaN(d)) {
            return d < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d < 0 ? "-inf" : "inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal v = new BigDecimal(d).round(new MathContext(17));
        int exp = v.precision() - v.scale() - 1; // decimal exponent of the leading digit
        if (exp < -4 || exp >= 17) {
            BigDecimal mant = v.movePointLeft(exp).stripTrailingZeros();
            String m = mant.toPlainString();
            String e = String.format("%02d", Math.abs(exp));
            return m + "e" + (exp < 0 ? "-" : "+") + e;
        }
        return v.stripTrailingZeros().toPlainString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp >= 0x10000) {
                        char[] pair = Character.toChars(cp);
                        sb.append(String.format("\\u%04X\\u%04X", (int) pair[0], (int) pair[1]));
                    } else if (cp < 0x20 || cp >= 0x7F) {
                        sb.append(String.format("\\u%04X", cp));
                    } else {
                        sb.append((char) cp);
                    }
                }
            }
        }
        sb.append('"');
    }
}
