package dev.monmux.qmpserver;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandGate;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.QmpRequestPlanner;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What every QMP client session shares: how requests are understood (planner), who may run them
 * (gate), who watches them (observer, activity), and the limits.
 *
 * @param commandsInFlight  in-band requests of one client sent to QEMU at once; later ones wait
 * @param maxQueued         requests waiting behind those before monmux stops reading the client
 * @param greetingTimeout   how long a client connecting while the VM is down waits for it to come up
 * @param maxMessageBytes   largest JSON message accepted from a client
 * @param sessionIds        session id source (shared with the telnet sessions)
 * @param announcer         tells a VM's telnet operators who changed it ({@code [qmp@unix] stop (QMP)})
 */
public record QmpServerContext(
        QmpRequestPlanner planner,
        CommandGate gate,
        CommandObserver observer,
        ActivityListener activity,
        int commandsInFlight,
        int maxQueued,
        Duration greetingTimeout,
        int maxMessageBytes,
        Supplier<String> sessionIds,
        Announcer announcer) {

    /** Shows the operators of {@code vm} a control or dangerous command a QMP client sends. */
    @FunctionalInterface
    public interface Announcer {
        void announce(String vm, String who, CommandPlan plan);

        Announcer NONE = (vm, who, plan) -> {};
    }
}
