package dev.monmux.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.json.QmpInput;
import dev.monmux.qmp.json.QmpRequestCheck;
import dev.monmux.qmp.json.QmpStreamer;

/**
 * A raw QMP command typed at the prompt ({@code {"execute": "query-status"}}), read as QEMU reads
 * it (single quotes, duplicate keys, strings: QEMU's own parser, ported) and checked as QEMU
 * checks a request's members, with QEMU's error texts; or what is wrong with it.
 *
 * @param problem    what is wrong, in plain words (null when the request is good)
 * @param unfinished the text ends inside a JSON value ({@code problem} says so)
 */
public record RawQmpLine(ObjectNode request, String problem, boolean unfinished) {
    static final String UNFINISHED = "the line ends inside a JSON value; type the whole QMP command on one line";

    /** QEMU's own limit on a QMP message's size. */
    private static final int MAX_BYTES = 1 << 20;

    /**
     * @param oob whether the VM's QEMU offers out-of-band execution (monmux negotiates it then)
     */
    public static RawQmpLine read(String text, boolean oob) {
        QmpStreamer.Parsed parsed = QmpStreamer.parse(text, MAX_BYTES);
        if (parsed.unfinished() || parsed.messages().isEmpty()) {
            return new RawQmpLine(null, UNFINISHED, true);
        }
        for (QmpInput in : parsed.messages()) {
            if (in.error() != null) {
                return failed(oneLine(in.error()));
            }
        }
        if (parsed.messages().size() > 1) {
            return failed("one QMP command per line (this line holds "
                    + parsed.messages().size() + ")");
        }
        JsonNode node = parsed.messages().get(0).value();
        if (!(node instanceof ObjectNode obj)
                || !(obj.path("execute").isTextual() || obj.path("exec-oob").isTextual())) {
            return failed("a QMP command is an object with \"execute\", e.g. {\"execute\": \"query-status\"}");
        }
        String problem = QmpRequestCheck.problem(obj, oob);
        return problem != null ? failed(problem) : new RawQmpLine(obj, null, false);
    }

    /** The error line the prompt prints ({@code Error: ...}), or null when the request is good. */
    public String error() {
        return problem == null ? null : "Error: " + problem + "\r\n";
    }

    private static RawQmpLine failed(String problem) {
        return new RawQmpLine(null, problem, false);
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
