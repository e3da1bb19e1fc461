package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;

/**
 * An asynchronous QMP event as QEMU sent it. Fanned out on the VM link's event loop, where
 * {@link #wire} renders it once for all of the VM's QMP clients.
 */
public final class QmpEvent {
    private final String name;
    private final JsonNode data;
    private final long epochMicros;
    private final ObjectNode raw;
    /** The event as a QMP client receives it; rendered by the first client that asks. */
    private String wire;

    /**
     * @param name        e.g. {@code STOP}
     * @param data        the {@code data} member, or null when absent
     * @param epochMicros QEMU's timestamp in microseconds since the epoch
     * @param raw         the whole message, verbatim (for QMP clients)
     */
    public QmpEvent(String name, JsonNode data, long epochMicros, ObjectNode raw) {
        this.name = name;
        this.data = data;
        this.epochMicros = epochMicros;
        this.raw = raw;
    }

    public static QmpEvent from(ObjectNode msg) {
        JsonNode ts = msg.path("timestamp");
        long micros = ts.path("seconds").asLong() * 1_000_000L
                + ts.path("microseconds").asLong();
        JsonNode data = msg.get("data");
        return new QmpEvent(msg.path("event").asText(), data, micros, msg);
    }

    public String name() {
        return name;
    }

    public JsonNode data() {
        return data;
    }

    public long epochMicros() {
        return epochMicros;
    }

    public ObjectNode raw() {
        return raw;
    }

    /**
     * {@code render(raw())}, computed once per event however many clients ask: the QMP front end
     * encodes an event for the first of a VM's clients and the others share the text. Call on
     * the link's event loop (where events are fanned out).
     */
    public String wire(Function<ObjectNode, String> render) {
        if (wire == null) {
            wire = render.apply(raw);
        }
        return wire;
    }

    @Override
    public String toString() {
        return "QmpEvent[" + name + "]";
    }
}
