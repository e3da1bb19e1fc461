package dev.monmux.hmp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands a running QEMU lists in its own {@code help} and {@code help info}: what corrects
 * the nearest table for a version monmux has no table of. An entry starts a line with its names
 * ({@code cont|c [params] -- help}); the other lines continue a long help text or parameter list
 * (they start with a tab or a bracket), as monitor/hmp.c help_cmd_dump_one prints them.
 *
 * @param commands     the top-level commands
 * @param infoCommands the {@code info} sub-commands
 */
public record HelpListing(List<Entry> commands, List<Entry> infoCommands) {
    private static final Pattern ENTRY = Pattern.compile("^([a-z?][a-zA-Z0-9_|?-]*) ([^\\r\\n]*)", Pattern.MULTILINE);

    /** One command as listed: {@code names} with its aliases ({@code cont|c}), its synopsis and help line. */
    public record Entry(String tableName, String params, String help) {}

    /** Reads QEMU's answers to {@code help} and {@code help info} (with {@code \r\n} line ends). */
    public static HelpListing parse(String help, String helpInfo) {
        return new HelpListing(entries(help, ""), entries(helpInfo, "info "));
    }

    private static List<Entry> entries(String text, String prefix) {
        List<Entry> out = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            Matcher m = ENTRY.matcher(line.substring(prefix.length()));
            if (!m.find()) {
                continue;
            }
            String rest = m.group(2);
            int dash = rest.indexOf(" -- ");
            out.add(
                    dash < 0
                            ? new Entry(m.group(1), rest, "")
                            : new Entry(m.group(1), rest.substring(0, dash), rest.substring(dash + 4)));
        }
        return List.copyOf(out);
    }
}
