package dev.monmux.session;

import dev.monmux.acl.VmLock;
import dev.monmux.acl.VmLocks;
import dev.monmux.auth.Role;
import dev.monmux.command.Actor;
import dev.monmux.qmp.QmpEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * monmux's own commands. They start with a dot so they can never shadow an HMP command (no HMP
 * command starts with one).
 */
public final class BuiltinCommands {
    static final String HELP = String.join(
            "\r\n",
            ".help              this list",
            ".vms               the VMs monmux serves, their link state and clients",
            ".attach NAME       talk to VM NAME",
            ".detach            talk to no VM",
            ".events [WHICH]    QMP events shown above the prompt: on (default), off, or names (STOP,BLOCK_*)",
            ".who               the operators on this VM: user, address, role, since, idle",
            ".lock [force]      take exclusive control of this VM (others: queries only); admins may force",
            ".unlock            give the lock back",
            ".say TEXT          send a message to the other operators on this VM",
            ".reload            re-read the configuration file (admin of every VM)",
            ".quit              leave monmux (Ctrl-D on an empty line does too)",
            "");

    /** Re-reads the configuration; completes with one line saying what changed, or why nothing did. */
    @FunctionalInterface
    public interface ConfigReload {
        CompletableFuture<String> reload(Actor who);
    }

    private final ConfigReload reloader;

    /** Without a configuration file to re-read ({@code .reload} says so). */
    public BuiltinCommands() {
        this(who -> CompletableFuture.completedFuture("Error: this monmux has no configuration file to reload"));
    }

    public BuiltinCommands(ConfigReload reloader) {
        this.reloader = reloader;
    }

    /**
     * Runs {@code line} (which starts with '.'); {@code .reload} completes later (it binds and
     * closes listeners, which must not happen on the session's event loop).
     */
    public CompletableFuture<String> runAsync(OperatorSession s, String line) {
        String[] w = line.strip().split("\\s+");
        if (!w[0].equalsIgnoreCase(".reload")) {
            return CompletableFuture.completedFuture(run(s, line));
        }
        if (w.length != 1) {
            return CompletableFuture.completedFuture("Error: usage: .reload\r\n");
        }
        Optional<String> denied = reloadDenied("'.reload'", s.context().vms().all(), s::roleOn);
        if (denied.isPresent()) {
            return CompletableFuture.completedFuture(denied.get() + "\r\n");
        }
        return reloader.reload(s.actor()).thenApply(text -> text + "\r\n");
    }

    /**
     * Why {@code what} (a reload) is refused, if it is: it changes every VM's settings and users,
     * so it takes an admin of every VM ({@code .reload}, {@code monmux ctl reload}). The refusal
     * names only VMs the user can see: a VM without a grant is not to be learnt of this way.
     */
    public static Optional<String> reloadDenied(
            String what, Collection<SharedVm> vms, Function<SharedVm, Optional<Role>> roleOn) {
        List<String> visible = new ArrayList<>();
        boolean denied = false;
        for (SharedVm vm : vms) {
            Optional<Role> r = roleOn.apply(vm);
            if (r.map(x -> !x.atLeast(Role.ADMIN)).orElse(true)) {
                denied = true;
                if (r.isPresent()) {
                    visible.add(vm.name());
                }
            }
        }
        if (!denied) {
            return Optional.empty();
        }
        return Optional.of("permission denied: " + what + " needs role admin on every VM"
                + (visible.isEmpty() ? "" : " (not on " + String.join(", ", visible) + ")"));
    }

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
            case ".who" -> who(s);
            case ".lock" -> lock(s, w);
            case ".unlock" -> unlock(s, w);
            case ".say" -> say(s, line.strip());
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
            if (s.roleOn(vm).isEmpty()) {
                continue;
            }
            QmpEndpoint link = vm.link();
            String qemu = link.greeting() == null ? "-" : link.greeting().version();
            String mark = vm == s.attached() ? "*" : "";
            // Where QEMU's monitor socket is (a host path) is for the VM's admins only.
            boolean admin = s.roleOn(vm).orElse(Role.VIEWER) == Role.ADMIN;
            String address = link.address().toString();
            sb.append(String.format(
                    "%-2s %-20s %-11s %-8s %-7d %s",
                    mark,
                    vm.name(),
                    link.state().name().toLowerCase(Locale.ROOT),
                    qemu,
                    vm.sessionCount(),
                    admin ? address : "-"));
            if (link.state() != QmpEndpoint.State.UP && link.lastError() != null) {
                String why = link.lastError();
                sb.append(" (")
                        .append(admin ? why : why.replace(address, "its QMP socket"))
                        .append(')');
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static String attach(OperatorSession s, String[] w) {
        if (w.length != 2) {
            return "Error: usage: .attach NAME ('.vms' lists them)\r\n";
        }
        return s.context()
                .vms()
                .get(w[1])
                .filter(vm -> s.roleOn(vm).isPresent())
                .map(vm -> {
                    s.attach(vm);
                    String state = vm.link().state() == QmpEndpoint.State.UP ? "" : "; the VM is down, reconnecting";
                    return "attached to VM '" + vm.name() + "' (" + vm.describeQemu() + state + ")\r\n";
                })
                .orElse("Error: no VM named '" + w[1] + "' ('.vms' lists them)\r\n");
    }

    private static String detach(OperatorSession s) {
        if (s.attached() == null) {
            return "Error: no VM attached\r\n";
        }
        String name = s.attached().name();
        s.detach();
        return "detached from VM '" + name + "'\r\n";
    }

    /**
     * {@code .events}: what is shown; {@code on}, {@code off}, or the names and globs of the
     * events to show ({@code .events STOP,RESUME,BLOCK_*}).
     */
    private static String events(OperatorSession s, String[] w) {
        if (w.length == 1) {
            return s.eventFilter().describe() + "\r\n";
        }
        if (w.length == 2 && (w[1].equalsIgnoreCase("on") || w[1].equalsIgnoreCase("off"))) {
            s.setEvents(w[1].equalsIgnoreCase("on") ? EventFilter.ALL : EventFilter.NONE);
            return "";
        }
        EventFilter f = EventFilter.parse(String.join(" ", Arrays.copyOfRange(w, 1, w.length)));
        if (f == null) {
            return "Error: usage: .events [on|off|NAME,...] (event names or globs, e.g. .events STOP,RESUME,BLOCK_*)\r\n";
        }
        s.setEvents(f);
        return "";
    }

    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Operators attached to this VM, oldest first; {@code *} marks you, {@code lock} the lock holder. */
    private static String who(OperatorSession s) {
        SharedVm vm = s.attached();
        if (vm == null) {
            return "Error: no VM attached\r\n";
        }
        Optional<VmLock> lock = s.context().access().locks().holder(vm.name());
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"", "USER", "ADDRESS", "ROLE", "SINCE", "IDLE", "LOCK"});
        vm.sessions().stream()
                .sorted(Comparator.comparing(OperatorSession::attachedSince))
                .forEach(o -> rows.add(new String[] {
                    o == s ? "*" : "",
                    o.user().name(),
                    o.remote(),
                    o.roleOn(vm).map(Role::label).orElse("-"),
                    SINCE.format(o.attachedSince().atZone(zone)),
                    idle(Duration.between(o.lastInput(), now)),
                    lock.isPresent() && lock.get().sessionId().equals(o.id()) ? "lock" : ""
                }));
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append("\r\n");
        }
        return sb.toString();
    }

    /** {@code 5s}, {@code 3m07s}, {@code 2h05m}, {@code 3d04h}: short enough for a column. */
    static String idle(Duration d) {
        long sec = Math.max(0, d.toSeconds());
        if (sec < 60) {
            return sec + "s";
        }
        if (sec < 3600) {
            return String.format("%dm%02ds", sec / 60, sec % 60);
        }
        if (sec < 86400) {
            return String.format("%dh%02dm", sec / 3600, sec % 3600 / 60);
        }
        return String.format("%dd%02dh", sec / 86400, sec % 86400 / 3600);
    }

    private static String lock(OperatorSession s, String[] w) {
        SharedVm vm = s.attached();
        if (vm == null) {
            return "Error: no VM attached\r\n";
        }
        boolean force = w.length == 2 && w[1].equalsIgnoreCase("force");
        if (w.length > 2 || (w.length == 2 && !force)) {
            return "Error: usage: .lock [force]\r\n";
        }
        Role role = s.roleOn(vm).orElse(Role.VIEWER);
        Role needed = force ? Role.ADMIN : Role.OPERATOR;
        if (!role.atLeast(needed)) {
            return "permission denied: '.lock" + (force ? " force" : "") + "' needs role " + needed.label() + " on VM '"
                    + vm.name() + "'\r\n";
        }
        VmLocks locks = s.context().access().locks();
        VmLocks.Acquired r = locks.acquire(vm.name(), s.id(), s.who(), force);
        if (r instanceof VmLocks.Acquired.AlreadyYours) {
            return "you already hold the lock of VM '" + vm.name() + "'\r\n";
        }
        if (r instanceof VmLocks.Acquired.HeldByOther h) {
            return "Error: VM '" + vm.name() + "' is already locked by "
                    + h.holder().who() + (role == Role.ADMIN ? "; '.lock force' takes it over" : "") + "\r\n";
        }
        VmLock previous = ((VmLocks.Acquired.Taken) r).previous();
        if (previous != null) {
            vm.broadcast(
                    "[monmux] " + s.who() + " took over the lock of VM '" + vm.name() + "' from " + previous.who()
                            + "; only queries are allowed for others",
                    s);
            s.context().activity().lockChanged(s.actor(), vm.name(), "force", previous.who());
            return "lock of VM '" + vm.name() + "' taken over from " + previous.who() + "\r\n";
        }
        vm.broadcast("[monmux] " + s.who() + " locked VM '" + vm.name() + "'; only queries are allowed for others", s);
        s.context().activity().lockChanged(s.actor(), vm.name(), "lock", null);
        return "VM '" + vm.name() + "' locked: others can only run queries until you '.unlock' or leave\r\n";
    }

    private static String unlock(OperatorSession s, String[] w) {
        SharedVm vm = s.attached();
        if (vm == null) {
            return "Error: no VM attached\r\n";
        }
        if (w.length != 1) {
            return "Error: usage: .unlock\r\n";
        }
        VmLocks locks = s.context().access().locks();
        if (locks.release(vm.name(), s.id()).isEmpty()) {
            return locks.holder(vm.name())
                    .map(h -> "Error: VM '" + vm.name() + "' is locked by " + h.who() + ", not by you\r\n")
                    .orElse("Error: VM '" + vm.name() + "' is not locked\r\n");
        }
        vm.broadcast("[monmux] " + s.who() + " unlocked VM '" + vm.name() + "'", s);
        s.context().activity().lockChanged(s.actor(), vm.name(), "unlock", s.who());
        return "VM '" + vm.name() + "' unlocked\r\n";
    }

    private static String say(OperatorSession s, String line) {
        SharedVm vm = s.attached();
        if (vm == null) {
            return "Error: no VM attached\r\n";
        }
        int space = line.indexOf(' ');
        String text =
                space < 0 ? "" : SharedVm.printable(line.substring(space + 1).strip());
        if (text.isEmpty()) {
            return "Error: usage: .say TEXT\r\n";
        }
        int others = vm.sessionCount() - 1;
        vm.broadcast("[" + s.who() + " says] " + text, s);
        s.context().activity().said(s.actor(), vm.name(), text);
        return "said to " + others + " other operator" + (others == 1 ? "" : "s") + " on VM '" + vm.name() + "'\r\n";
    }

    /** Names for tab completion. */
    public static final List<String> NAMES = List.of(
            ".attach", ".detach", ".events", ".help", ".lock", ".quit", ".reload", ".say", ".unlock", ".vms", ".who");
}
