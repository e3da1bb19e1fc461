package dev.monmux.control;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One request of a control socket client: a JSON object on one line, such as
 * {@code {"command":"hmp","vm":"web1","line":"info status"}}.
 *
 * @param command {@code list}, {@code who}, {@code hmp}, {@code qmp}, {@code events} or {@code reload}
 * @param vm      the VM (who: optional; hmp, qmp, events: required)
 * @param line    hmp: the HMP line
 * @param qmp     qmp: the QMP command's text, read as QEMU reads it
 * @param events  events: names or globs of the events to follow (empty: all)
 */
record ControlRequest(String command, String vm, String line, String qmp, List<String> events) {
    static final Set<String> COMMANDS = Set.of("list", "who", "hmp", "qmp", "events", "reload");

    /** The request, or an {@link IllegalArgumentException} saying in one line what is wrong. */
    static ControlRequest parse(String text) {
        JsonNode n;
        try {
            n = QmpJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("the request is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the request is not a JSON object");
        }
        String command = n.path("command").asText("");
        if (!COMMANDS.contains(command)) {
            throw new IllegalArgumentException(
                    "unknown command '" + command + "' (list, who, hmp, qmp, events, reload)");
        }
        String vm = text(n, "vm");
        if (vm == null && Set.of("hmp", "qmp", "events").contains(command)) {
            throw new IllegalArgumentException(command + " needs a VM");
        }
        List<String> events = new ArrayList<>();
        for (JsonNode e : n.path("events")) {
            events.add(e.asText());
        }
        return new ControlRequest(command, vm, text(n, "line"), text(n, "qmp"), List.copyOf(events));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
