package dev.monmux.hmp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's {@code help [cmd]} (monitor/hmp.c help_cmd, help_cmd_dump): every command as
 * {@code name params -- help}, or the ones the arguments name, down into {@code info}.
 * {@code help log} lists QEMU's log items, which only QEMU knows: {@link #render} returns null.
 */
final class HmpHelp {
    private static final int MAX_ARGS = 16;

    private final HmpTable table;

    HmpHelp(HmpTable table) {
        this.table = table;
    }

    /** The text QEMU prints (with {@code \n} line ends), or null when only QEMU can answer. */
    String render(String argument) {
        List<String> args = new ArrayList<>();
        if (argument != null) {
            if (argument.equals("log")) {
                return null;
            }
            byte[] b = argument.getBytes(StandardCharsets.UTF_8);
            int[] pos = {0};
            while (true) {
                while (HmpParser.isSpace(pos[0] < b.length ? b[pos[0]] : 0)) {
                    pos[0]++;
                }
                if (pos[0] >= b.length) {
                    break;
                }
                if (args.size() >= MAX_ARGS) {
                    return "";
                }
                String s = HmpParser.getStr(b, pos);
                if (s == null) {
                    return ""; // QEMU prints nothing when it cannot split the arguments
                }
                args.add(s);
            }
        }
        StringBuilder out = new StringBuilder();
        dump(out, table.commands(), args, 0);
        return out.toString();
    }

    private void dump(StringBuilder out, List<HmpCommand> cmds, List<String> args, int index) {
        if (index >= args.size()) {
            for (HmpCommand c : cmds) {
                one(out, c, args, index);
            }
            return;
        }
        for (HmpCommand c : cmds) {
            if (c.answersTo(args.get(index))) {
                if (c.hasSubCommands()) {
                    dump(out, c.subCommands(), args, index + 1);
                } else {
                    one(out, c, args, index);
                }
                return;
            }
        }
        out.append("unknown command: '");
        for (int i = 0; i <= index; i++) {
            out.append(args.get(i)).append(i == index ? "'\n" : " ");
        }
    }

    private static void one(StringBuilder out, HmpCommand c, List<String> prefix, int n) {
        for (int i = 0; i < n; i++) {
            out.append(prefix.get(i)).append(' ');
        }
        out.append(c.tableName())
                .append(' ')
                .append(c.params())
                .append(" -- ")
                .append(c.help())
                .append('\n');
    }
}
