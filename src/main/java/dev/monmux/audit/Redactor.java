package dev.monmux.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.monmux.qmp.QmpJson;

/**
 * Keeps secrets out of the audit log. In QMP arguments, any member whose name contains
 * {@code password}, {@code secret} or {@code key} (any case, at any depth) has its value replaced
 * by {@code "[redacted]"}, as has the {@code data} of a {@code secret} object. In HMP lines,
 * {@code name=value} options named like that are redacted, and so are the arguments of commands
 * that take a password or keystrokes ({@code set_password}, {@code change vnc password},
 * {@code sendkey}); the inner line of {@code human-monitor-command} likewise.
 */
public final class Redactor {
    public static final String REDACTED = "[redacted]";

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|key).*");
    private static final Pattern HMP_OPTION = Pattern.compile(
            "(?i)([\\w.-]*(?:password|secret|key)[\\w.-]*)=([^,\\s]*)");
    private static final Pattern SECRET_OBJECT_DATA = Pattern.compile("(?i)^(\\s*object_add\\s+secret\\b.*?\\bdata=)([^,\\s]*)");
    /** HMP commands whose arguments after the first {@code n} words are secret. */
    private static final Map<String, Integer> SECRET_AFTER = Map.of(
            "set_password", 1,
            "sendkey", 0);

    private Redactor() {
    }

    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** A copy of {@code node} with secrets replaced (null stays null). */
    public static JsonNode redact(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode copy = node.deepCopy();
        scrub(copy);
        return copy;
    }

    public static ObjectNode redact(ObjectNode node) {
        return (ObjectNode) redact((JsonNode) node);
    }

    private static void scrub(JsonNode node) {
        if (node instanceof ObjectNode o) {
            boolean secretObject = o.path("qom-type").asText("").toLowerCase(Locale.ROOT).contains("secret");
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (isSecretName(name) || (secretObject && name.equals("data"))) {
                    o.set(name, TextNode.valueOf(REDACTED));
                } else if (name.equals("command-line") && v.isTextual()) {
                    o.set(name, TextNode.valueOf(hmpLine(v.asText())));
                } else {
                    scrub(v);
                }
            }
        } else if (node instanceof ArrayNode a) {
            for (JsonNode e : a) {
                scrub(e);
            }
        }
    }

    /** A client line as typed: raw QMP JSON (starting with '{') or an HMP line. */
    public static String line(String line) {
        if (line == null) {
            return null;
        }
        if (line.stripLeading().startsWith("{")) {
            try {
                JsonNode n = QmpJson.MAPPER.readTree(line);
                if (n != null && n.isObject()) {
                    JsonNode r = redact(n);
                    return r.equals(n) ? line : QmpJson.MAPPER.writeValueAsString(r);
                }
            } catch (JsonProcessingException e) {
                // not JSON after all: fall through to the textual rules below
            }
            return jsonText(line);
        }
        return hmpLine(line);
    }

    /** An HMP line with its secret arguments and options replaced. */
    public static String hmpLine(String line) {
        String[] words = line.strip().split("\\s+");
        if (words.length > 0) {
            String cmd = words[0];
            Integer keepArgs = SECRET_AFTER.get(cmd);
            if (cmd.equals("change") && words.length > 2 && words[1].equals("vnc") && words[2].equals("password")) {
                keepArgs = 2;
            }
            if (keepArgs != null && words.length > keepArgs + 1) {
                StringBuilder sb = new StringBuilder(cmd);
                for (int i = 1; i <= keepArgs; i++) {
                    sb.append(' ').append(words[i]);
                }
                return sb.append(' ').append(REDACTED).toString();
            }
        }
        String r = SECRET_OBJECT_DATA.matcher(line).replaceAll("$1" + Matcher.quoteReplacement(REDACTED));
        return HMP_OPTION.matcher(r).replaceAll("$1=" + Matcher.quoteReplacement(REDACTED));
    }

    private static final Pattern JSON_MEMBER = Pattern.compile(
            "(?i)(\"[^\"]*(?:password|secret|key)[^\"]*\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]\\s]+)");

    /** Text that looks like JSON but does not parse: redact members named like secrets. */
    private static String jsonText(String text) {
        return JSON_MEMBER.matcher(text).replaceAll("$1\"" + Matcher.quoteReplacement(REDACTED) + "\"");
    }
}
