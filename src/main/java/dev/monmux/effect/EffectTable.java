package dev.monmux.effect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The class of every HMP and QMP command monmux knows, from {@code effects.txt} (one place for
 * the HMP table, the QMP planner and the line inside {@code human-monitor-command}). A command
 * missing here has no class: the planners make it admin-only.
 */
public final class EffectTable {
    private static final String RESOURCE = "/dev/monmux/effect/effects.txt";
    private static volatile EffectTable shipped;

    private final Map<String, Classification> hmp;
    private final Map<String, Classification> qmp;

    EffectTable(Map<String, Classification> hmp, Map<String, Classification> qmp) {
        this.hmp = Map.copyOf(hmp);
        this.qmp = Map.copyOf(qmp);
    }

    /** The table shipped with monmux. */
    public static EffectTable shipped() {
        EffectTable t = shipped;
        if (t == null) {
            try (InputStream in = EffectTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                t = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shipped = t;
        }
        return t;
    }

    /** Lines of {@code kind name class why...}; {@code #} starts a comment. */
    static EffectTable parse(BufferedReader in) throws IOException {
        Map<String, Classification> hmp = new HashMap<>();
        Map<String, Classification> qmp = new HashMap<>();
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] w = t.split("\\s+", 3);
            String kind = w[0];
            String name = w[1];
            String rest = w.length > 2 ? w[2] : "";
            if (kind.equals("hmp") && name.equals("info")) {
                // "hmp info query ..." is the info command itself; "hmp info status query ..." a sub-command
                String[] sub = rest.split("\\s+", 3);
                if (sub.length >= 2 && Effect.parse(sub[0]) == null) {
                    name = "info " + sub[0];
                    rest = sub[1] + (sub.length > 2 ? " " + sub[2] : "");
                }
            }
            String[] cw = rest.split("\\s+", 2);
            Effect effect = Effect.parse(cw[0]);
            if (effect == null || cw.length < 2 || !(kind.equals("hmp") || kind.equals("qmp"))) {
                throw new IllegalStateException(RESOURCE + " line " + n + ": expected 'hmp|qmp NAME CLASS WHY': " + t);
            }
            Map<String, Classification> m = kind.equals("hmp") ? hmp : qmp;
            if (m.put(name, new Classification(effect, cw[1].strip())) != null) {
                throw new IllegalStateException(RESOURCE + " line " + n + ": " + kind + " " + name + " listed twice");
            }
        }
        return new EffectTable(hmp, qmp);
    }

    /** An HMP command by its canonical name ({@code quit}, {@code info status}). */
    public Optional<Classification> hmp(String name) {
        return Optional.ofNullable(hmp.get(name));
    }

    /** A QMP command; every {@code query-*} command not listed is a query. */
    public Optional<Classification> qmp(String name) {
        Classification c = qmp.get(name);
        if (c == null && name.startsWith("query-")) {
            return Optional.of(new Classification(Effect.QUERY, "reads the VM's state"));
        }
        return Optional.ofNullable(c);
    }

    public Set<String> hmpNames() {
        return hmp.keySet();
    }

    public Set<String> qmpNames() {
        return qmp.keySet();
    }
}
