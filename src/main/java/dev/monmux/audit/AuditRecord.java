package dev.monmux.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QmpJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One audit record, written as it is built: a JSON object streamed straight into bytes, one
 * line, no tree in between (building a tree, then serializing it, was a tenth of a command's
 * cost). Fields appear in the order they are put; nulls are written as JSON null.
 */
final class AuditRecord {
    private final ByteArrayBuilder out = new ByteArrayBuilder(512);
    private final JsonGenerator g;

    AuditRecord(String ts, String type) {
        try {
            g = QmpJson.MAPPER.getFactory().createGenerator(out);
            g.writeStartObject();
            g.writeStringField("ts", ts);
            g.writeStringField("type", type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    AuditRecord put(String name, String value) {
        try {
            if (value == null) {
                g.writeNullField(name);
            } else {
                g.writeStringField(name, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    AuditRecord put(String name, long value) {
        try {
            g.writeNumberField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    AuditRecord put(String name, double value) {
        try {
            g.writeNumberField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    AuditRecord put(String name, boolean value) {
        try {
            g.writeBooleanField(name, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    AuditRecord put(String name, JsonNode value) {
        try {
            g.writeFieldName(name);
            if (value == null) {
                g.writeNull();
            } else {
                QmpJson.MAPPER.writeTree(g, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Starts a nested object under {@code name}; {@link #endObject} closes it. */
    AuditRecord startObject(String name) {
        try {
            g.writeObjectFieldStart(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    AuditRecord endObject() {
        try {
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The record as one line, {@code \n} included. */
    byte[] line() {
        try {
            g.writeEndObject();
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
