package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An asynchronous QMP event as QEMU sent it.
 *
 * @param name         e.g. {@code STOP}
 * @param data         the {@code data} member, or null when absent
 * @param epochMicros  QEMU's timestamp in microseconds since the epoch
 * @param raw          the whole message, verbatim (for QMP clients)
 */
public record QmpEvent(String name, JsonNode data, long epochMicros, ObjectNode raw) {

    public static QmpEvent from(ObjectNode msg) {
        JsonNode ts = msg.path("timestamp");
        long micros = ts.path("seconds").asLong() * 1_000_000L + ts.path("microseconds").asLong();
        JsonNode data = msg.get("data");
        return new QmpEvent(msg.path("event").asText(), data, micros, msg);
    }
}
