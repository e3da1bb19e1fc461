package dev.monmux.command;

/** Understands one HMP line: resolves the command and decides how it will be sent. */
@FunctionalInterface
public interface HmpPlanner {
    /**
     * @param line     the line as typed (not blank, not a monmux command, not JSON)
     * @param cpuIndex the session's selected CPU ({@code cpu N}), or null
     * @param vm       the VM it is for (names the files monmux picks, e.g. a confined
     *                 screenshot's), or null
     */
    CommandPlan plan(String line, Integer cpuIndex, String vm);

    /** {@link #plan(String, Integer, String)} for no VM in particular. */
    default CommandPlan plan(String line, Integer cpuIndex) {
        return plan(line, cpuIndex, null);
    }
}
