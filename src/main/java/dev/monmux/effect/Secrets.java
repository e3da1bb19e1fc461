package dev.monmux.effect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which arguments are secret, so that nobody sees them: not the other operators' notices, not the
 * audit log, not monmux's own log. Derived from the command and its arguments: members named like
 * a secret ({@code password}, {@code passwd}, {@code key}, {@code secret}, ...) at any depth; the
 * {@code data} of a {@code secret} object (and any property of it but the few known to hold none); what {@code qom-set} writes into a property named like
 * one (or {@code data}); keystrokes and ring-buffer text, which may be a password typed into the
 * guest; and the HMP line inside {@code human-monitor-command}, by the HMP rules.
 */
public final class Secrets {
    public static final String REDACTED = "[redacted]";

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(password|passwd|passphrase|secret|key|token|credential).*");
    /** The user information of a URL ({@code http://alice:pw@host/}, {@code iscsi://bob%pw@host/}). */
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/@\\s\"']+)@");
    /** A secret option inside a block-layer file name ({@code rbd:pool/img:id=admin:key=...}). */
    private static final Pattern COLON_OPTION = Pattern.compile("(^|:)([A-Za-z_.-]+)=([^:\\s\"']*)");

    private Secrets() {}

    /** Whether an argument or option of this name holds a secret. */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /**
     * {@code text} with the secrets a string can carry inline replaced: the user information of
     * URLs (a password in {@code http://alice:pw@host/}, iSCSI's {@code user%password@}) and the
     * secret options of block-layer file names ({@code rbd:pool/img:id=admin:key=...}).
     */
    public static String cleanInline(String text, Consumer<String> found) {
        if (text == null || (text.indexOf('@') < 0 && text.indexOf('=') < 0)) {
            return text;
        }
        Matcher m = URL_USERINFO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            found.accept(m.group(2));
            int colon = m.group(2).indexOf(':');
            int percent = m.group(2).indexOf('%');
            int cut = colon >= 0 ? colon : percent;
            if (cut >= 0 && cut + 1 < m.group(2).length()) {
                found.accept(m.group(2).substring(cut + 1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + REDACTED + "@"));
        }
        m.appendTail(out);
        String t = out.toString();
        m = COLON_OPTION.matcher(t);
        out = new StringBuilder();
        while (m.find()) {
            if (isSecretName(m.group(2)) && !m.group(3).isEmpty()) {
                found.accept(m.group(3));
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + REDACTED));
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
            }
        }
        m.appendTail(out);
        return out.toString();
    }

    /** QOM types whose properties are secret ({@code secret}, {@code secret_keyring}, and any like them). */
    public static boolean isSecretType(String qomType) {
        return qomType != null && qomType.toLowerCase(Locale.ROOT).contains("secret");
    }

    /**
     * The properties of a secret object ({@link #isSecretType}) that hold no secret, from QEMU's
     * crypto/secret_common.c, secret.c and secret_keyring.c: what it is, its name, where or how its
     * secret is read. Every other property (data, iv, and any misspelling of them, which QEMU
     * refuses only after monmux has recorded the line) is redacted.
     */
    private static final Set<String> SECRET_OBJECT_PUBLIC =
            Set.of("qom-type", "type", "id", "format", "keyid", "file", "serial", "loaded");

    /** In a secret object, whether {@code property} is one that holds a secret (anything but {@link #SECRET_OBJECT_PUBLIC}). */
    public static boolean isSecretObjectProperty(String property) {
        return !SECRET_OBJECT_PUBLIC.contains(property);
    }

    /** What {@code qom-set} writes into {@code property} is secret. */
    public static boolean isSecretProperty(String property) {
        return property == null
                || isSecretName(property)
                || property.equalsIgnoreCase("data")
                || property.equalsIgnoreCase("iv");
    }

    /**
     * A copy of a QMP command's {@code arguments} with secrets replaced by {@link #REDACTED} (null
     * stays null).
     *
     * @param hmpLine redacts the line of a {@code human-monitor-command}
     */
    public static ObjectNode redactQmp(String command, ObjectNode arguments, UnaryOperator<String> hmpLine) {
        return redactQmp(command, arguments, hmpLine, found -> {});
    }

    /**
     * As {@link #redactQmp(String, ObjectNode, UnaryOperator)}; {@code found} is told each secret
     * value replaced, so that an error text that repeats one can be cleaned too.
     */
    public static ObjectNode redactQmp(
            String command, ObjectNode arguments, UnaryOperator<String> hmpLine, Consumer<String> found) {
        if (arguments == null) {
            return null;
        }
        ObjectNode copy = arguments.deepCopy();
        switch (command) {
            case "human-monitor-command" -> {
                JsonNode line = copy.get("command-line");
                if (line != null && line.isTextual()) {
                    copy.set("command-line", TextNode.valueOf(hmpLine.apply(line.textValue())));
                }
            }
            case "qom-set" -> {
                if (copy.has("value") && isSecretProperty(copy.path("property").asText(null))) {
                    found(copy.get("value"), found);
                    copy.set("value", TextNode.valueOf(REDACTED));
                }
            }
            case "ringbuf-write", "send-key", "input-send-event" -> {
                for (String typed : List.of("data", "keys", "events")) {
                    if (copy.has(typed)) {
                        found(copy.get(typed), found);
                        copy.set(typed, TextNode.valueOf(REDACTED));
                    }
                }
            }
            default -> {}
        }
        scrub(copy, found);
        return copy;
    }

    /** Secret-named members at any depth, and every property of a secret object but its public ones. */
    public static void scrub(JsonNode node) {
        scrub(node, found -> {});
    }

    /** As {@link #scrub(JsonNode)}, telling {@code found} each value replaced. */
    public static void scrub(JsonNode node, Consumer<String> found) {
        if (node instanceof ObjectNode o) {
            boolean secretObject = isSecretType(o.path("qom-type").asText(null));
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (isSecretName(name) || (secretObject && isSecretObjectProperty(name))) {
                    found(v, found);
                    o.set(name, TextNode.valueOf(REDACTED));
                } else if (v.isTextual()) {
                    String cleaned = cleanInline(v.textValue(), found);
                    if (!cleaned.equals(v.textValue())) {
                        o.set(name, TextNode.valueOf(cleaned));
                    }
                } else {
                    scrub(v, found);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (JsonNode e : a) {
                scrub(e, found);
            }
        }
    }

    /** Every string (or scalar) inside {@code value}. */
    private static void found(JsonNode value, Consumer<String> found) {
        if (value == null) {
            return;
        }
        if (value.isContainerNode()) {
            value.forEach(v -> found(v, found));
        } else if (!value.isNull()) {
            found.accept(value.asText());
        }
    }

    /**
     * {@code text} with every one of {@code secrets} replaced by {@link #REDACTED}: for an error
     * text that repeats what was typed ({@code invalid parameter value: hunter2}).
     */
    public static String clean(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String t = text;
        for (String s : secrets) {
            if (!s.isEmpty()) {
                t = t.replace(s, REDACTED);
            }
        }
        return t;
    }
}
