package dev.monmux.hmp;

import java.util.List;

/**
 * One entry of QEMU's HMP command table ({@code hmp-commands.hx}, {@code hmp-commands-info.hx}).
 *
 * @param tableName   the name as QEMU's table spells it, aliases included ({@code quit|q}); QEMU
 *                    prints it in {@code help} and in argument errors
 * @param argsType    QEMU's {@code args_type} spec ({@code force:-f,device:B})
 * @param params      the parameter synopsis {@code help} prints
 * @param help        the help line (may contain QEMU's own line breaks)
 * @param available   false when the build has no handler ({@code Command "x" is not available.})
 * @param subCommands the sub-table ({@code info}), else empty
 */
public record HmpCommand(
        String tableName,
        String argsType,
        String params,
        String help,
        boolean available,
        List<HmpCommand> subCommands) {

    /** The canonical name: the first of the table's names ({@code quit} for {@code quit|q}). */
    public String name() {
        int bar = tableName.indexOf('|');
        return bar < 0 ? tableName : tableName.substring(0, bar);
    }

    /** Every name the command answers to, canonical first. */
    public List<String> names() {
        return List.of(tableName.split("\\|"));
    }

    /** QEMU's compare_cmd: an exact match with one of the names (no prefix matching). */
    public boolean answersTo(String typed) {
        // Called for every table entry on every line typed: no split, no allocation.
        int start = 0;
        while (true) {
            int bar = tableName.indexOf('|', start);
            int end = bar < 0 ? tableName.length() : bar;
            if (end - start == typed.length() && tableName.startsWith(typed, start)) {
                return true;
            }
            if (bar < 0) {
                return false;
            }
            start = bar + 1;
        }
    }

    public boolean hasSubCommands() {
        return !subCommands.isEmpty();
    }
}
