package dev.monmux.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each key and value of a YAML document is, so that an error found after parsing (by a
 * record's constructor, or by {@link ConfigChecks}) points at the line and column of what is
 * wrong rather than where the parser happened to stop. A key path is written as the config
 * reference writes it ({@code vms[1].telnet.port}); {@code [0]} of a list given as a single
 * mapping ({@code telnet: {port: 1}}) is the mapping itself, and is left out of the path shown.
 */
final class YamlPositions {
    private static final Pattern SEGMENT = Pattern.compile("\\[(\\d+)]|\\.?([^.\\[]+)");

    /** A line and column, both from 1. */
    record Position(int line, int column) {}

    /**
     * What a key path points at: the path as the user wrote it, where it is (the value, or the
     * nearest enclosing one when the key is absent), and what was found there in words.
     */
    record Located(String path, Position position, String found, boolean exists, String lookalike) {
        Located(String path, Position position, String found, boolean exists) {
            this(path, position, found, exists, null);
        }
    }

    private static final class Node {
        Position key;
        Position value;
        JsonToken token;
        String text;
        final Map<String, Node> fields = new LinkedHashMap<>();
        final List<Node> items = new ArrayList<>();
    }

    private final Node root;

    private YamlPositions(Node root) {
        this.root = root;
    }

    /** The positions of {@code yaml}; empty (every path at line 1) when it does not parse. */
    static YamlPositions of(String yaml) {
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            if (p.nextToken() == null) {
                return new YamlPositions(null);
            }
            return new YamlPositions(read(p, null));
        } catch (IOException | RuntimeException e) {
            return new YamlPositions(null);
        }
    }

    private static Node read(JsonParser p, Position key) throws IOException {
        Node n = new Node();
        n.key = key;
        n.value = position(p.currentTokenLocation());
        n.token = p.currentToken();
        if (n.token == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Position at = position(p.currentTokenLocation());
                p.nextToken();
                n.fields.putIfAbsent(name, read(p, at));
            }
        } else if (n.token == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
                n.items.add(read(p, null));
            }
        } else {
            n.text = p.getText();
        }
        return n;
    }

    private static Position position(JsonLocation l) {
        return l == null ? new Position(1, 1) : new Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /** Splits {@code vms[1].telnet.port} into {@code vms}, {@code 1}, {@code telnet}, {@code port}. */
    static List<Object> segments(String keyPath) {
        List<Object> out = new ArrayList<>();
        Matcher m = SEGMENT.matcher(keyPath);
        while (m.find()) {
            out.add(m.group(1) != null ? (Object) Integer.valueOf(m.group(1)) : m.group(2));
        }
        return out;
    }

    Located locate(String keyPath) {
        return locate(segments(keyPath), false);
    }

    /**
     * Finds {@code path} (names and list indexes). With {@code atKey} the position is the key's
     * (an unknown key); otherwise the value's when it is a single value, the key's when it is a
     * mapping, a list or empty.
     */
    Located locate(List<Object> path, boolean atKey) {
        StringBuilder shown = new StringBuilder();
        Node n = root;
        boolean found = n != null;
        for (Object seg : path) {
            if (found) {
                Node next = step(n, seg);
                if (next == n) {
                    continue; // [0] of a single mapping given for a list
                }
                if (next != null) {
                    n = next;
                    append(shown, seg);
                    continue;
                }
                found = false;
            }
            append(shown, seg);
        }
        if (n == null) {
            return new Located(shown.toString(), new Position(1, 1), "nothing", false);
        }
        String lookalike = null;
        if (!found
                && !path.isEmpty()
                && path.get(path.size() - 1) instanceof String missing
                && n.token == JsonToken.START_OBJECT) {
            lookalike = lookalike(n, missing);
        }
        Position at;
        if (!found) {
            at = n.key != null ? n.key : n.value;
        } else if (atKey || !isScalar(n) || n.token == JsonToken.VALUE_NULL) {
            at = n.key != null ? n.key : n.value;
        } else {
            at = n.value;
        }
        return new Located(shown.toString(), at, found ? found(n) : "nothing", found, lookalike);
    }

    /**
     * A key of {@code mapping} that looks like a misspelling of the absent {@code missing}
     * ({@code pasword} for {@code password}: at most two letters off), said as where it is; null if
     * none. Jackson reports a record's missing key before the unknown key beside it.
     */
    private static String lookalike(Node mapping, String missing) {
        if (missing.length() < 4) {
            return null;
        }
        for (Map.Entry<String, Node> e : mapping.fields.entrySet()) {
            String k = e.getKey();
            if (!k.equals(missing) && distance(k.toLowerCase(Locale.ROOT), missing.toLowerCase(Locale.ROOT)) <= 2) {
                Position at = e.getValue().key;
                return "is '" + k + "'" + (at == null ? "" : " (line " + at.line() + ")") + " meant as '" + missing
                        + "'?";
            }
        }
        return null;
    }

    /** Levenshtein's distance between two short strings. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Node step(Node n, Object seg) {
        if (seg instanceof Integer i) {
            if (n.token == JsonToken.START_ARRAY) {
                return i < n.items.size() ? n.items.get(i) : null;
            }
            return i == 0 ? n : null;
        }
        return n.token == JsonToken.START_OBJECT ? n.fields.get((String) seg) : null;
    }

    private static void append(StringBuilder sb, Object seg) {
        if (seg instanceof Integer i) {
            sb.append('[').append(i).append(']');
        } else {
            sb.append(sb.length() == 0 ? "" : ".").append(seg);
        }
    }

    private static boolean isScalar(Node n) {
        return n.token != JsonToken.START_OBJECT && n.token != JsonToken.START_ARRAY;
    }

    /** What is there, in the words of an error message: {@code "abc"}, a list, a mapping, nothing. */
    private static String found(Node n) {
        if (n.token == JsonToken.START_OBJECT) {
            return "a mapping";
        }
        if (n.token == JsonToken.START_ARRAY) {
            return "a list";
        }
        if (n.token == JsonToken.VALUE_NULL || n.text == null) {
            return "nothing";
        }
        return ConfigException.quote(n.text);
    }
}
