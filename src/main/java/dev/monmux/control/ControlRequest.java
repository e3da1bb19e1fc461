package dev.monmux.control;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.monmux.qmp.QmpJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One request of a control socket client: a JSON object on one line, such as
 * {@code {"command":"hmp","vm":"web1","line":"info status"}}. Read strictly: a key given twice or
 * a member of the wrong type is an error, never a guess.
 *
 * @param command {@code list}, {@code who}, {@code hmp}, {@code qmp}, {@code events} or {@code reload}
 * @param vm      the VM (who: optional; hmp, qmp, events: required)
 * @param line    hmp: the HMP line
 * @param qmp     qmp: the QMP command's text, read as QEMU reads it
 * @param events  events: names or globs of the events to follow (empty: all)
 */
record ControlRequest(String command, String vm, String line, String qmp, List<String> events) {
    static final Set<String> COMMANDS = Set.of("list", "who", "hmp", "qmp", "events", "reload");
    private static final ObjectReader READER = QmpJson.MAPPER
            .reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The request, or an {@link IllegalArgumentException} saying in one line what is wrong. */
    static ControlRequest parse(String text) {
        JsonNode n;
        try {
            n = READER.readTree(text);
        } catch (JsonParseException e) {
            String m = String.valueOf(e.getOriginalMessage());
            if (m.startsWith("Duplicate field '")) {
                String field = m.substring("Duplicate field '".length(), m.indexOf('\'', "Duplicate field '".length()));
                throw new IllegalArgumentException("the request has '" + field + "' twice");
            }
            throw new IllegalArgumentException("the request is not JSON");
        } catch (MismatchedInputException e) {
            throw new IllegalArgumentException(
                    String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")
                            ? "the request has more after its JSON object (one request, one line)"
                            : "the request is not JSON");
        } catch (IOException e) {
            throw new IllegalArgumentException("the request is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the request is not a JSON object");
        }
        String command = text(n, "command");
        if (!COMMANDS.contains(String.valueOf(command))) {
            throw new IllegalArgumentException(
                    "unknown command '" + (command == null ? "" : command) + "' (list, who, hmp, qmp, events, reload)");
        }
        String vm = text(n, "vm");
        if (vm == null && Set.of("hmp", "qmp", "events").contains(command)) {
            throw new IllegalArgumentException(command + " needs a VM");
        }
        List<String> events = new ArrayList<>();
        JsonNode list = n.get("events");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new IllegalArgumentException("'events' must be a list of strings");
            }
            for (JsonNode e : list) {
                if (!e.isTextual()) {
                    throw new IllegalArgumentException("'events' must be a list of strings");
                }
                events.add(e.asText());
            }
        }
        return new ControlRequest(command, vm, text(n, "line"), text(n, "qmp"), List.copyOf(events));
    }

    /** A string member, or null when absent; any other type is an error. */
    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return v.asText();
    }
}
