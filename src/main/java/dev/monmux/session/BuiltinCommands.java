package dev.monmux.session;

import java.util.Locale;

import dev.monmux.qmp.QmpEndpoint;

/**
 * monmux's own commands. They start with a dot so they can never shadow an HMP command (no HMP
 * command starts with one).
 */
public final class BuiltinCommands {
    static final String HELP = String.join("\r\n",
            ".help              this list",
            ".vms               the VMs monmux serves, their link state and clients",
            ".attach NAME       talk to VM NAME",
            ".detach            talk to no VM",
            ".events [on|off]   show QMP events above the prompt (default on)",
            ".quit              leave monmux (Ctrl-D on an empty line does too)",
            "") ;

    /** Runs {@code line} (which starts with '.') and returns its output. */
    public String run(OperatorSession s, String line) {
        String[] w = line.strip().split("\\s+");
        String cmd = w[0].toLowerCase(Locale.ROOT);
        return switch (cmd) {
            case ".help" -> HELP;
            case ".vms" -> vms(s);
            case ".attach" -> attach(s, w);
            case ".detach" -> detach(s);
            case ".events" -> events(s, w);
            case ".quit", ".exit" -> {
                s.console().close();
                yield "";
            }
            default -> "Error: unknown monmux command '" + w[0] + "' (type '.help')\r\n";
        };
    }

    private static String vms(OperatorSession s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-2s %-20s %-11s %-8s %-7s %s\r\n", "", "NAME", "STATE", "QEMU", "CLIENTS", "QMP"));
        for (SharedVm vm : s.context().vms().all()) {
            QmpEndpoint link = vm.link();
            String qemu = link.greeting() == null ? "-" : link.greeting().version();
            String mark = vm == s.attached() ? "*" : "";
            sb.append(String.format("%-2s %-20s %-11s %-8s %-7d %s", mark, vm.name(),
                    link.state().name().toLowerCase(Locale.ROOT), qemu, vm.sessionCount(), link.address()));
            if (link.state() != QmpEndpoint.State.UP && link.lastError() != null) {
                sb.append(" (").append(link.lastError()).append(')');
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static String attach(OperatorSession s, String[] w) {
        if (w.length != 2) {
            return "Error: usage: .attach NAME ('.vms' lists them)\r\n";
        }
        return s.context().vms().get(w[1]).map(vm -> {
            s.attach(vm);
            String state = vm.link().state() == QmpEndpoint.State.UP ? "" : "; the VM is down, reconnecting";
            return "attached to VM '" + vm.name() + "' (" + vm.describeQemu() + state + ")\r\n";
        }).orElse("Error: no VM named '" + w[1] + "' ('.vms' lists them)\r\n");
    }

    private static String detach(OperatorSession s) {
        if (s.attached() == null) {
            return "Error: no VM attached\r\n";
        }
        String name = s.attached().name();
        s.detach();
        return "detached from VM '" + name + "'\r\n";
    }

    private static String events(OperatorSession s, String[] w) {
        if (w.length == 1) {
            return "events are " + (s.eventsOn() ? "on" : "off") + "\r\n";
        }
        if (w.length == 2 && (w[1].equalsIgnoreCase("on") || w[1].equalsIgnoreCase("off"))) {
            s.setEvents(w[1].equalsIgnoreCase("on"));
            return "";
        }
        return "Error: usage: .events [on|off]\r\n";
    }

    /** Names for tab completion. */
    public static final java.util.List<String> NAMES =
            java.util.List.of(".attach", ".detach", ".events", ".help", ".quit", ".vms");
}
