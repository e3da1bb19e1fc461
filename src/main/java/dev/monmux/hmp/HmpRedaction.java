package dev.monmux.hmp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.effect.OptionStrings;
import dev.monmux.effect.Secrets;
import dev.monmux.qmp.QmpJson;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An HMP line as others may see it (the other operators' notices, the audit log, monmux's log):
 * the line as QEMU parses it, with the secret arguments replaced, wherever and however they were
 * typed (quoted, after flags, in an option string, as JSON). A line that does not parse is shown
 * to no one: it may be a password typed at the wrong prompt.
 */
final class HmpRedaction {
    private static final Set<String> PROTOCOLS = Set.of("vnc", "spice");
    private static final Set<String> CONNECTED = Set.of("keep", "fail", "disconnect");
    private static final Set<String> VNC_TARGETS = Set.of("passwd", "password");
    private static final String R = Secrets.REDACTED;

    private HmpRedaction() {}

    /** The line others may see, or null when it must not be shown at all. */
    static String shown(HmpParse parse, String line) {
        return shown(parse, line, found -> {});
    }

    /**
     * As {@link #shown(HmpParse, String)}; {@code found} is told each secret replaced (to clean an
     * error text that repeats one).
     */
    static String shown(HmpParse parse, String line, Consumer<String> found) {
        if (parse instanceof HmpParse.Blank) {
            return "";
        }
        if (parse instanceof HmpParse.Parsed p) {
            Map<String, String> secret = secretArguments(p, found);
            secret.forEach((key, replacement) -> {
                if (replacement.equals(R) && p.string(key) != null) {
                    found.accept(p.string(key));
                }
            });
            return p.withArguments(secret);
        }
        if (parse instanceof HmpParse.Unparsed u) {
            return unparsed(u.name(), line, found);
        }
        if (parse instanceof HmpParse.Unavailable u) {
            return u.name();
        }
        return null; // Unknown, Invalid
    }

    /** What to put in place of each secret argument. */
    static Map<String, String> secretArguments(HmpParse.Parsed p, Consumer<String> found) {
        Map<String, String> r = new HashMap<>();
        switch (p.name()) {
            case "set_password" -> {
                r.put("password", R);
                // typed in the wrong order, the password lands in another argument
                if (!PROTOCOLS.contains(p.string("protocol"))) {
                    r.put("protocol", R);
                }
                if (p.string("connected") != null && !CONNECTED.contains(p.string("connected"))) {
                    r.put("connected", R);
                }
            }
            case "change" -> {
                if ("vnc".equals(p.string("device"))) {
                    if (p.string("arg") != null) {
                        r.put("arg", R);
                    }
                    if (!VNC_TARGETS.contains(p.string("target"))) {
                        r.put("target", R);
                    }
                }
            }
            case "object_add" -> r.put("object", objectSpec(p.string("object"), found));
            case "qom-set" -> {
                if (Secrets.isSecretProperty(p.string("property"))) {
                    r.put("value", R);
                }
            }
            case "sendkey" -> r.put("keys", R);
            case "ringbuf_write" -> r.put("data", R);
            case "drive_add" -> r.put("opts", OptionStrings.redact(p.string("opts"), null, found));
            case "chardev-add" -> r.put("args", OptionStrings.redact(p.string("args"), "backend", found));
            case "chardev-change" -> r.put("args", OptionStrings.redact(p.string("args"), "backend", found));
            case "migrate_set_parameter" -> {
                if (p.string("parameter") != null && Secrets.isSecretName(p.string("parameter"))) {
                    r.put("value", R);
                }
            }
            default -> {}
        }
        for (Map.Entry<String, Object> a : p.args().entrySet()) {
            if (a.getValue() instanceof String && Secrets.isSecretName(a.getKey())) {
                r.putIfAbsent(a.getKey(), R);
            } else if (a.getValue() instanceof String s && !r.containsKey(a.getKey())) {
                // change cd0 http://alice:pw@host/x.iso, migrate to a URL with a password, ...
                String cleaned = Secrets.cleanInline(s, found);
                if (!cleaned.equals(s)) {
                    r.put(a.getKey(), cleaned);
                }
            }
        }
        return r;
    }

    /** object_add's argument: QemuOpts ({@code secret,id=s,data=x}) or JSON ({@code {"qom-type": ...}}). */
    static String objectSpec(String spec, Consumer<String> found) {
        if (spec == null) {
            return R;
        }
        if (spec.stripLeading().startsWith("{")) {
            try {
                JsonNode n = QmpJson.MAPPER.readTree(spec);
                Secrets.scrub(n, found);
                return QmpJson.MAPPER.writeValueAsString(n);
            } catch (IOException e) {
                found.accept(spec);
                return R; // QEMU will refuse it; what it held stays unseen
            }
        }
        return OptionStrings.redact(spec, "qom-type", found);
    }

    /** Commands whose arguments only QEMU reads: option strings are redacted, the rest shown. */
    private static String unparsed(String name, String line, Consumer<String> found) {
        String implied = switch (name) {
            case "device_add" -> "driver";
            case "netdev_add" -> "type";
            default -> null;
        };
        String t = line.strip();
        if (implied == null) {
            return Secrets.cleanInline(t, found);
        }
        int sp = 0;
        while (sp < t.length() && !HmpParser.isSpace(t.charAt(sp))) {
            sp++;
        }
        String rest = t.substring(sp).strip();
        return t.substring(0, sp) + (rest.isEmpty() ? "" : " " + OptionStrings.redact(rest, implied, found));
    }
}
