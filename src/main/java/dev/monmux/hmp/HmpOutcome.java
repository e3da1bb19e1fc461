package dev.monmux.hmp;

import dev.monmux.command.CommandResult;
import java.util.List;

/**
 * Tells an HMP error from ordinary output. QEMU reports HMP errors inside a successful
 * {@code human-monitor-command} return, so the audit log and the metrics need the text judged;
 * the text itself reaches the client unchanged.
 */
public final class HmpOutcome {
    /** How QEMU 7.2's HMP errors begin (monitor/hmp.c, hmp_handle_error, command handlers). */
    private static final List<String> PREFIXES = List.of(
            "unknown command: ",
            "Error: ",
            "Could not ",
            "Parameter '",
            "Command \"",
            "Command '",
            "invalid parameter: ",
            "Expected 'on' or 'off'",
            "enter a positive value",
            "unexpected end of expression",
            "invalid char ",
            "number too large",
            "division by zero",
            "')' expected",
            "unknown register",
            "character constant expected",
            "missing terminating ' character",
            "invalid size",
            "Unknown unit suffix",
            "Device '",
            "No such ",
            "Invalid ",
            "Failed to ");
    /** Phrases QEMU puts after the command name in argument errors. */
    private static final List<String> INFIXES = List.of(
            "' has failed: ",
            ": extraneous characters at the end of line",
            ": block device name expected",
            ": filename expected",
            ": string expected",
            ": unsupported option -",
            ": value expected for -",
            ": unknown type '");

    private HmpOutcome() {}

    /** The result for {@code text}, QEMU's output with {@code \r\n} line ends. */
    public static CommandResult judge(String text) {
        String error = errorLine(text);
        return error == null ? CommandResult.ok(text) : CommandResult.error(text, null, error);
    }

    /**
     * The error when {@code text} is an HMP error, else null: its first line, without the
     * {@code Error: } prefix (as a QMP error's desc is recorded).
     */
    public static String errorLine(String text) {
        String first = firstRawLine(text);
        return first == null || !first.startsWith("Error: ") ? first : first.substring("Error: ".length());
    }

    private static String firstRawLine(String text) {
        if (text.isEmpty()) {
            return null;
        }
        String first = HmpText.firstLine(text);
        for (String p : PREFIXES) {
            if (first.startsWith(p)) {
                return first;
            }
        }
        for (String i : INFIXES) {
            if (first.contains(i)) {
                return first;
            }
        }
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("Try \"help ") && line.endsWith("\" for more information")) {
                return first;
            }
        }
        return null;
    }
}
