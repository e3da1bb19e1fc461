package dev.monmux.hmp;

import java.util.List;
import java.util.TreeSet;

/**
 * Tab completion from QEMU's command table: command names (aliases too) for the first word,
 * {@code info} sub-commands after {@code info}, and command names after {@code help} (and
 * {@code help info}).
 */
public final class HmpCompleter {
    private final HmpTable table;

    public HmpCompleter(HmpTable table) {
        this.table = table;
    }

    /** The words that complete the last one of {@code lineBeforeCursor}, sorted. */
    public List<String> complete(String lineBeforeCursor) {
        String[] words = lineBeforeCursor.stripLeading().split("[ \t]+", -1);
        String last = words[words.length - 1];
        List<HmpCommand> from;
        if (words.length == 1) {
            from = table.commands();
        } else if (words.length == 2 && words[0].equals("info")) {
            from = table.infoCommands();
        } else if (words.length == 2 && (words[0].equals("help") || words[0].equals("?"))) {
            from = table.commands();
        } else if (words.length == 3 && (words[0].equals("help") || words[0].equals("?")) && words[1].equals("info")) {
            from = table.infoCommands();
        } else {
            return List.of();
        }
        TreeSet<String> out = new TreeSet<>();
        for (HmpCommand c : from) {
            for (String n : c.names()) {
                if (n.startsWith(last)) {
                    out.add(n);
                }
            }
        }
        return List.copyOf(out);
    }
}
