package dev.monmux.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.json.QmpInput;
import dev.monmux.qmp.json.QmpRequestCheck;
import dev.monmux.qmp.json.QmpStreamer;

/**
 * A raw QMP command typed at the prompt ({@code {"execute": "query-status"}}), read as QEMU reads
 * it (single quotes, duplicate keys, strings: QEMU's own parser, ported) and checked as QEMU
 * checks a request's members, with QEMU's error texts; or the one-line error the operator sees.
 */
public record RawQmpLine(ObjectNode request, String error) {
    /** QEMU's own limit on a QMP message's size. */
    private static final int MAX_BYTES = 1 << 20;

    /**
     * @param oob whether the VM's QEMU offers out-of-band execution (monmux negotiates it then)
     */
    public static RawQmpLine read(String text, boolean oob) {
        QmpStreamer.Parsed parsed = QmpStreamer.parse(text, MAX_BYTES);
        if (parsed.unfinished() || parsed.messages().isEmpty()) {
            return failed("Error: the line ends inside a JSON value; type the whole QMP command on one line\r\n");
        }
        for (QmpInput in : parsed.messages()) {
            if (in.error() != null) {
                return failed("Error: " + oneLine(in.error()) + "\r\n");
            }
        }
        if (parsed.messages().size() > 1) {
            return failed("Error: one QMP command per line (this line holds "
                    + parsed.messages().size() + ")\r\n");
        }
        JsonNode node = parsed.messages().get(0).value();
        if (!(node instanceof ObjectNode obj)
                || !(obj.path("execute").isTextual() || obj.path("exec-oob").isTextual())) {
            return failed(
                    "Error: a QMP command is an object with \"execute\", e.g. {\"execute\": \"query-status\"}\r\n");
        }
        String problem = QmpRequestCheck.problem(obj, oob);
        return problem != null ? failed("Error: " + problem + "\r\n") : new RawQmpLine(obj, null);
    }

    private static RawQmpLine failed(String text) {
        return new RawQmpLine(null, text);
    }

    /** QEMU's error text may quote what was typed, control characters included: shown escaped. */
    private static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
