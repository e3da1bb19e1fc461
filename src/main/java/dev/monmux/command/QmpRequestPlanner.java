package dev.monmux.command;

import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * Understands one QMP request (from a QMP client or a raw JSON line typed at the telnet prompt):
 * its name and effect. {@code human-monitor-command} is judged by the HMP line inside it.
 */
public final class QmpRequestPlanner {
    /** QMP commands that change VM state but cannot destroy it; the rest not named query-* are dangerous. */
    private static final Set<String> CONTROL = Set.of("stop", "cont", "system_reset", "system_powerdown",
            "system_wakeup", "send-key", "input-send-event", "eject", "blockdev-change-medium", "change-vnc-password",
            "balloon", "device_add", "device_del", "inject-nmi", "screendump", "set_link", "block_resize",
            "block-set-write-threshold", "block_set_io_throttle", "migrate_cancel", "migrate-set-capabilities",
            "migrate-set-parameters", "qom-set", "set-action", "trace-event-set-state", "expire_password",
            "set_password", "x-exit-preconfig", "announce-self", "cpu-add", "rtc-reset-reinjection",
            "blockdev-open-tray", "blockdev-close-tray", "blockdev-remove-medium", "blockdev-insert-medium");
    private static final Set<String> QUERY = Set.of("qom-get", "qom-list", "qom-list-types", "qom-list-properties",
            "device-list-properties", "qmp_capabilities");

    private final HmpPlanner hmp;

    public QmpRequestPlanner(HmpPlanner hmp) {
        this.hmp = hmp;
    }

    /**
     * @param request      the whole request object ({@code execute} or {@code exec-oob} is a string)
     * @param text         the request as the client sent it
     * @param send         sends the request and completes with the whole reply rendered for the client
     * @param qemuCommands the commands the VM's QEMU has (empty if unknown): a command QEMU does
     *                     not have can do nothing (QEMU answers {@code CommandNotFound}), so it is
     *                     a query named {@code unknown}, not a dangerous command only admins may try
     */
    public CommandPlan plan(ObjectNode request, String text, Set<String> qemuCommands, CommandPlan.Action send) {
        String command = request.hasNonNull("execute") ? request.path("execute").asText()
                : request.path("exec-oob").asText();
        ObjectNode args = request.get("arguments") instanceof ObjectNode o ? o : null;
        if (!qemuCommands.isEmpty() && !qemuCommands.contains(command)) {
            return new CommandPlan(text, "unknown", Effect.QUERY, Path.QMP, command, args, send);
        }
        Effect effect = effectOf(command, args);
        return new CommandPlan(text, boundedName(command), effect, Path.QMP, command, args, send);
    }

    /** What a QMP command does; {@code human-monitor-command} is what its command line does. */
    public Effect effectOf(String command, ObjectNode args) {
        if (command.equals("human-monitor-command")) {
            String inner = args == null ? "" : args.path("command-line").asText("");
            return inner.isBlank() ? Effect.QUERY : hmp.plan(inner, null).effect();
        }
        if (command.startsWith("query-") || QUERY.contains(command)) {
            return Effect.QUERY;
        }
        return CONTROL.contains(command) ? Effect.CONTROL : Effect.DANGEROUS;
    }

    private static String boundedName(String command) {
        return command.matches("[a-z][a-zA-Z0-9_-]{0,63}") ? command : "unknown";
    }
}
