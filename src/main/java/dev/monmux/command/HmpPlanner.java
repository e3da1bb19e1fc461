package dev.monmux.command;

/** Understands one HMP line: resolves the command and decides how it will be sent. */
@FunctionalInterface
public interface HmpPlanner {
    /**
     * @param line     the line as typed (not blank, not a monmux command, not JSON)
     * @param cpuIndex the session's selected CPU ({@code cpu N}), or null
     */
    CommandPlan plan(String line, Integer cpuIndex);
}
