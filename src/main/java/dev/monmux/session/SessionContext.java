package dev.monmux.session;

/**
 * What every operator session shares: the VMs, the other sessions, the proxy's own commands and
 * the HMP runner, plus per-session limits.
 */
public record SessionContext(VmDirectory vms, SessionRegistry sessions, BuiltinCommands builtins, HmpRunner hmp,
                             int commandsInFlight, int maxQueuedLines) {
}
