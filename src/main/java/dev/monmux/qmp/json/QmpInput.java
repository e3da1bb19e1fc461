package dev.monmux.qmp.json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One message a QMP client sent, as QEMU's JSON streamer delimits it: either a parsed JSON value
 * (not necessarily an object) or the parse error QEMU would report for it.
 *
 * @param value the value, or null when {@code error} is set
 * @param error QEMU's error text ({@code JSON parse error, expecting value}, ...), or null
 */
public record QmpInput(JsonNode value, String error) {
    static QmpInput of(JsonNode value) {
        return new QmpInput(value, null);
    }

    static QmpInput failed(String error) {
        return new QmpInput(null, error);
    }
}
