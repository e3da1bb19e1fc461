package dev.monmux.qmp;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON as {@code qmp-shell -p} prints a reply (python/qemu/qmp/qmp_shell.py: Python's
 * {@code json.dumps(reply, indent=4)}): four spaces per level, {@code "key": value}, a comma at
 * the end of a line, {@code {}} and {@code []} when empty, every character outside printable
 * ASCII escaped ({@code ensure_ascii}), floats as Python's {@code repr}. Members keep QEMU's order.
 */
public final class QmpShellJson {
    private static final String INDENT = "    ";

    private QmpShellJson() {
    }

    /** The text, lines ended by {@code eol}, without a final line end. */
    public static String format(JsonNode node, String eol) {
        StringBuilder out = new StringBuilder(256);
        write(node, 0, eol, out);
        return out.toString();
    }

    private static void write(JsonNode node, int depth, String eol, StringBuilder out) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                newline(depth + 1, eol, out);
                string(e.getKey(), out);
                out.append(": ");
                write(e.getValue(), depth + 1, eol, out);
                if (it.hasNext()) {
                    out.append(',');
                }
            }
            newline(depth, eol, out);
            out.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                newline(depth + 1, eol, out);
                write(node.get(i), depth + 1, eol, out);
                if (i + 1 < node.size()) {
                    out.append(',');
                }
            }
            newline(depth, eol, out);
            out.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isFloatingPointNumber()) {
            out.append(pythonFloat(node.doubleValue()));
        } else if (node.isNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "true" : "false");
        } else {
            out.append("null");
        }
    }

    private static void newline(int depth, String eol, StringBuilder out) {
        out.append(eol);
        for (int i = 0; i < depth; i++) {
            out.append(INDENT);
        }
    }

    /** Python's {@code json} string with {@code ensure_ascii}: only space..~ stay as they are. */
    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c >= ' ' && c <= '~') {
                        out.append(c);
                    } else {
                        out.append(String.format("\\u%04x", (int) c));   // UTF-16 units: a pair for U+10000..
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back as the same double, in
     * fixed notation for exponents -4..15 (always with a fraction: {@code 1.0}), else as
     * {@code 1e-05} / {@code 1.5e+16}; {@code NaN}, {@code Infinity}, {@code -Infinity}.
     */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal v = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = v.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - v.scale();   // d = 0.digits * 10^(exp+1)
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = v.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
}
