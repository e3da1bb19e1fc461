package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's greeting, e.g. {@code {"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7},
 * "package": "..."}, "capabilities": ["oob"]}}}, kept verbatim for the QMP front end.
 */
public record QmpGreeting(ObjectNode raw, String version, String packageName, List<String> capabilities) {

    /** Parses a greeting, or returns null when {@code msg} is not one. */
    public static QmpGreeting from(JsonNode msg) {
        JsonNode qmp = msg.get("QMP");
        if (qmp == null || !qmp.isObject()) {
            return null;
        }
        JsonNode v = qmp.path("version").path("qemu");
        String version = v.path("major").asInt() + "." + v.path("minor").asInt() + "."
                + v.path("micro").asInt();
        List<String> caps = new ArrayList<>();
        qmp.path("capabilities").forEach(c -> caps.add(c.asText()));
        return new QmpGreeting(
                (ObjectNode) msg, version, qmp.path("version").path("package").asText(""), List.copyOf(caps));
    }

    public boolean offers(String capability) {
        return capabilities.contains(capability);
    }

    /** The QEMU release ({@code 7.2} of {@code 7.2.22}). */
    public QemuVersion release() {
        QemuVersion v = QemuVersion.parse(version);
        return v != null ? v : new QemuVersion(0, 0);
    }
}
