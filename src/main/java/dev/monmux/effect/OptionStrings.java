package dev.monmux.effect;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Secrets in QEMU option strings ({@code secret,id=s0,data=hunter2}, {@code file=...,password=x}),
 * read as QEMU's QemuOpts reads them (util/qemu-option.c): elements separated by commas, a doubled
 * comma is a comma inside a value, the first element may be the value of an implied key
 * ({@code qom-type} for {@code object_add}, {@code driver} for {@code device_add}, {@code type}
 * for {@code netdev_add} and {@code chardev-add}).
 */
public final class OptionStrings {
    private OptionStrings() {}

    private record Element(int start, int end, String key, int valueStart, String value) {}

    /**
     * {@code opts} with the values of secret options replaced by {@link Secrets#REDACTED}: any
     * option named like a secret, and, when the object is a secret one, every option but those known
     * to hold no secret ({@code data}, {@code iv}, and misspellings of them).
     *
     * @param impliedKey the key of a first element without {@code =}, or null
     */
    public static String redact(String opts, String impliedKey) {
        return redact(opts, impliedKey, found -> {});
    }

    /** As {@link #redact(String, String)}, telling {@code found} each value replaced. */
    public static String redact(String opts, String impliedKey, Consumer<String> found) {
        List<Element> elements = parse(opts, impliedKey);
        boolean secretObject = false;
        for (Element e : elements) {
            if ((e.key().equals("qom-type") || e.key().equals("type")) && Secrets.isSecretType(e.value())) {
                secretObject = true;
            }
        }
        // "secret id=s0,data=..." (a space for the comma): QEMU refuses it, but only after monmux
        // has recorded and announced the line; taken for a secret object all the same.
        if (!elements.isEmpty()
                && impliedKey != null
                && Secrets.isSecretType(elements.get(0).key())) {
            secretObject = true;
        }
        StringBuilder out = new StringBuilder(opts.length());
        int at = 0;
        for (Element e : elements) {
            boolean secret = Secrets.isSecretName(e.key()) || (secretObject && Secrets.isSecretObjectProperty(e.key()));
            if (secret && e.valueStart() >= 0) {
                found.accept(e.value());
                found.accept(opts.substring(e.valueStart(), e.end()));
                out.append(opts, at, e.valueStart()).append(Secrets.REDACTED);
                at = e.end();
            } else if (e.valueStart() >= 0) {
                // a file=URL with a password in it, an rbd:...:key=... name
                String raw = opts.substring(e.valueStart(), e.end());
                String cleaned = Secrets.cleanInline(raw, found);
                if (!cleaned.equals(raw)) {
                    out.append(opts, at, e.valueStart()).append(cleaned);
                    at = e.end();
                }
            }
        }
        return out.append(opts, at, opts.length()).toString();
    }

    private static List<Element> parse(String s, String impliedKey) {
        List<Element> out = new ArrayList<>();
        int p = 0;
        boolean first = true;
        while (p < s.length()) {
            int start = p;
            int nameEnd = p;
            while (nameEnd < s.length() && s.charAt(nameEnd) != '=' && s.charAt(nameEnd) != ',') {
                nameEnd++;
            }
            if (nameEnd < s.length() && s.charAt(nameEnd) == '=') {
                int vs = nameEnd + 1;
                int ve = valueEnd(s, vs);
                out.add(new Element(start, ve, s.substring(start, nameEnd), vs, unescape(s.substring(vs, ve))));
                p = ve;
            } else if (first && impliedKey != null) {
                int ve = valueEnd(s, start);
                out.add(new Element(start, ve, impliedKey, start, unescape(s.substring(start, ve))));
                p = ve;
            } else {
                out.add(new Element(start, nameEnd, s.substring(start, nameEnd), -1, null));
                p = nameEnd;
            }
            first = false;
            if (p < s.length() && s.charAt(p) == ',') {
                p++;
            }
        }
        return out;
    }

    /** Where a value ends: at a comma that is not doubled. */
    private static int valueEnd(String s, int p) {
        while (p < s.length()) {
            if (s.charAt(p) == ',') {
                if (p + 1 < s.length() && s.charAt(p + 1) == ',') {
                    p += 2;
                    continue;
                }
                return p;
            }
            p++;
        }
        return p;
    }

    private static String unescape(String v) {
        return v.replace(",,", ",");
    }
}
