package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON as {@code qmp-shell -p} prints a reply (python/qemu/qmp/qmp_shell.py: Python's
 * {@code json.dumps(reply, indent=4, sort_keys=True)}): four spaces per level, {@code "key": value},
 * a comma at the end of a line, {@code {}} and {@code []} when empty, keys sorted, every character
 * outside printable ASCII escaped ({@code ensure_ascii}), floats as Python's {@code repr}.
 */
public final class QmpShellJson {
    private static final String INDENT = "    ";

    private QmpShellJson() {}

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
            // sort_keys=True, as qmp-shell -p passes it: Python orders str keys by code point
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            fields.addAll(node.properties());
            fields.sort((x, y) -> compareCodePoints(x.getKey(), y.getKey()));
            Iterator<Map.Entry<String, JsonNode>> it = fields.iterator();
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

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
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
                        out.append(String.format("\\u%04x", (int) c)); // UTF-16 units: a pair for U+10000..
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
        BigDecimal v = shortest(d);
        String digits = v.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - v.scale(); // d = 0.digits * 10^(exp+1)
        String sign = d < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = v.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }

    /**
     * The fewest significant digits that read back as {@code d} (Python's repr, David Gay's
     * shortest round trip; Java 17's {@code Double.toString} sometimes gives one digit more).
     */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int p = 1; p < 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                return r.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }
}
