package dev.monmux.qmpserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Replies monmux writes itself, shaped as QEMU's ({@code qmp_error_response} plus the id). */
final class QmpReplies {
    static final String GENERIC = "GenericError";
    static final String NOT_FOUND = "CommandNotFound";

    private QmpReplies() {}

    /** {@code {"id": ID, "error": {"class": C, "desc": D}}}; no id member when {@code id} is null. */
    static ObjectNode error(String errorClass, String desc, JsonNode id) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.putObject("error").put("class", errorClass).put("desc", desc);
        if (id != null) {
            r.set("id", id);
        }
        return r;
    }

    /** {@code {"return": {}, "id": ID}}. */
    static ObjectNode emptyReturn(JsonNode id) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.putObject("return");
        if (id != null) {
            r.set("id", id);
        }
        return r;
    }
}
