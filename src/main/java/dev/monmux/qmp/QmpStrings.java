package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Text QEMU's JSON parser refuses inside a string (util/unicode.c is_valid_codepoint, used by
 * qobject/json-parser.c parse_string): a surrogate code point not in a pair, and Unicode's 66
 * noncharacters (U+FDD0..U+FDEF and every U+xxFFFE, U+xxFFFF). QEMU answers such a request with an
 * error that carries no id, so monmux refuses it itself, with a clear reason.
 */
public final class QmpStrings {
    private QmpStrings() {}

    /** The first character QEMU would refuse in {@code node}'s names and strings, described, or null. */
    static String unreadable(JsonNode node) {
        if (node.isTextual()) {
            return unreadable(node.textValue());
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String bad = unreadable(e.getKey());
                if (bad == null) {
                    bad = unreadable(e.getValue());
                }
                if (bad != null) {
                    return bad;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode e : node) {
                String bad = unreadable(e);
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    static String unreadable(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!isValidCodepoint(cp)) {
                return String.format(
                        cp >= 0xD800 && cp <= 0xDFFF
                                ? "U+%04X (a surrogate without its pair)"
                                : "U+%04X (a Unicode noncharacter)",
                        cp);
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** QEMU's is_valid_codepoint: in Unicode's range, not a surrogate, not a noncharacter. */
    public static boolean isValidCodepoint(int cp) {
        return cp >= 0
                && cp <= 0x10FFFF
                && !(cp >= 0xFDD0 && cp <= 0xFDEF)
                && (cp & 0xFFFE) != 0xFFFE
                && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
}
