package dev.monmux.session;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandGate;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.HmpPlanners;
import dev.monmux.command.QmpRequestPlanner;

/**
 * What every operator session shares: the VMs, the other sessions, the proxy's own commands, how
 * lines are understood (HMP and raw QMP planners), who may run them (gate), who watches them
 * (observer and activity: audit, metrics), per-session limits, and how operators log in and share
 * a VM (access), and monmux's own version (for the banner).
 */
public record SessionContext(
        VmDirectory vms,
        SessionRegistry sessions,
        BuiltinCommands builtins,
        HmpPlanners hmp,
        QmpRequestPlanner qmp,
        CommandGate gate,
        CommandObserver observer,
        ActivityListener activity,
        int commandsInFlight,
        int maxQueuedLines,
        Access access,
        String monmuxVersion) {}
