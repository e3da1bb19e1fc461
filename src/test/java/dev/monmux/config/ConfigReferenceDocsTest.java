package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every key the config records accept is in the README's configuration reference, and in the
 * commented example config/monmux.yaml; and the reference names no key that does not exist.
 */
class ConfigReferenceDocsTest {
    /** Sections documented as one row ({@code vms[].telnet} is "a listener {bind, port, mode}"). */
    private static final Set<String> DOCUMENTED_AS_ONE = Set.of("vms[].telnet");

    /** Key paths of a record, e.g. {@code limits.lineBytes}, {@code vms[].qmpListen[].unix}. */
    static List<String> keys(Class<?> record, String prefix) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : record.getRecordComponents()) {
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            if (renamed == null) {
                renamed = field(record, c.getName());
            }
            String name = prefix + (renamed != null ? renamed.value() : c.getName());
            Class<?> type = c.getType();
            Type generic = c.getGenericType();
            if (type == List.class
                    && generic instanceof ParameterizedType p
                    && p.getActualTypeArguments()[0] instanceof Class<?> element
                    && element.isRecord()) {
                out.add(name);
                out.addAll(keys(element, name + "[]."));
            } else if (type.isRecord() && type != QmpAddress.class && !DOCUMENTED_AS_ONE.contains(name)) {
                out.addAll(keys(type, name + "."));
            } else {
                out.add(name);
            }
        }
        return out;
    }

    private static JsonProperty field(Class<?> record, String name) {
        for (RecordComponent c : record.getRecordComponents()) {
            if (c.getName().equals(name)) {
                for (var a : c.getAnnotations()) {
                    if (a instanceof JsonProperty j) {
                        return j;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void everyKeyIsInTheReadmeReferenceAndNoOtherKey() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("## Configuration reference");
        String section = readme.substring(from, readme.indexOf("\n## ", from + 1));
        List<String> documented = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Za-z.\\[\\]]+)` \\|").matcher(section);
        while (m.find()) {
            documented.add(m.group(1));
        }
        List<String> keys = keys(MonmuxConfig.class, "");
        assertEquals(
                List.of(), keys.stream().filter(k -> !documented.contains(k)).toList(), "keys missing from the README");
        List<String> parents = keys.stream().flatMap(k -> prefixes(k).stream()).toList();
        assertEquals(
                List.of(),
                documented.stream()
                        .filter(d -> !keys.contains(d) && !parents.contains(d))
                        .toList(),
                "README rows for keys that do not exist");
    }

    @Test
    void everyKeyIsInTheExampleConfig() throws Exception {
        String example = Files.readString(Path.of("config", "monmux.yaml"));
        List<String> missing = new ArrayList<>();
        for (String key : keys(MonmuxConfig.class, "")) {
            String last = key.substring(key.lastIndexOf('.') + 1).replace("[]", "");
            if (!Pattern.compile("(?m)[\\s{,#-]" + Pattern.quote(last) + ":")
                    .matcher(example)
                    .find()) {
                missing.add(key);
            }
        }
        assertEquals(List.of(), missing, "keys not shown (set or commented) in config/monmux.yaml");
    }

    private static List<String> prefixes(String key) {
        List<String> out = new ArrayList<>();
        for (int i = key.indexOf('.'); i > 0; i = key.indexOf('.', i + 1)) {
            out.add(key.substring(0, i).replaceAll("\\[]$", ""));
        }
        return out;
    }
}
