package dev.monmux.config;

import dev.monmux.auth.VmGlob;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a config's records cannot see one at a time: listeners that would take the same port or
 * socket, files and directories the host does not have (or monmux may not use), and users who
 * may reach no VM. {@code check-config} fails on every problem; {@code run} refuses those that
 * would stop it from starting or from doing its job, and logs the others (README, "Checking a
 * config").
 *
 * <p>Files are checked as the user who runs the check: run {@code check-config} as the service's
 * user (or root) for its answer to be {@code run}'s.
 */
public final class ConfigChecks {
    private static final int VMS_NAMED = 10;

    /**
     * One problem, at the key that is wrong.
     *
     * @param stopsRun false for what {@code run} only logs: a user for VMs a reload may add, a
     *                 VM's QMP socket directory QEMU may create after monmux has started
     */
    public record Problem(String key, String message, boolean stopsRun) {}

    /** What the checks may ask about the file: whether a key is in it, and how to name it. */
    interface Keys {
        boolean inFile(String keyPath);

        /** {@code metrics.port (line 12)}: another key, as a message names it. */
        String describe(String keyPath);
    }

    private record Tcp(String key, String bind, int port) {}

    private record Socket(String key, Path path, String what) {}

    private final MonmuxConfig config;
    private final Path baseDir;
    private final Keys keys;
    private final List<Problem> problems = new ArrayList<>();

    private ConfigChecks(MonmuxConfig config, Path baseDir, Keys keys) {
        this.config = config;
        this.baseDir = baseDir;
        this.keys = keys;
    }

    /** Every problem of {@code config}, in the order of the config reference; relative TLS and control paths are in {@code baseDir}. */
    static List<Problem> check(MonmuxConfig config, Path baseDir, Keys keys) {
        ConfigChecks c = new ConfigChecks(config, baseDir, keys);
        c.ports();
        c.sockets();
        c.control();
        c.audit();
        c.tlsFiles();
        c.users();
        return List.copyOf(c.problems);
    }

    private void problem(String key, String message) {
        problems.add(new Problem(key, message, true));
    }

    /** Two TCP listeners on one port and overlapping addresses (0.0.0.0 overlaps all); port 0 is always free. */
    private void ports() {
        List<Tcp> all = new ArrayList<>();
        List<ListenerConfig> telnet = config.listeners().telnet();
        for (int i = 0; i < telnet.size(); i++) {
            all.add(new Tcp(
                    "listeners.telnet[" + i + "].port",
                    telnet.get(i).bind(),
                    telnet.get(i).port()));
        }
        for (int i = 0; i < config.vms().size(); i++) {
            VmConfig vm = config.vms().get(i);
            if (vm.telnet() != null) {
                all.add(new Tcp(
                        "vms[" + i + "].telnet.port",
                        vm.telnet().bind(),
                        vm.telnet().port()));
            }
            for (int j = 0; j < vm.qmpListen().size(); j++) {
                QmpListenerConfig q = vm.qmpListen().get(j);
                if (q.tcp() != null) {
                    all.add(new Tcp("vms[" + i + "].qmpListen[" + j + "].tcp", q.host(), q.port()));
                }
            }
        }
        if (config.metrics().enabled()) {
            all.add(new Tcp(
                    "metrics.port", config.metrics().bind(), config.metrics().port()));
        }
        for (int j = 0; j < all.size(); j++) {
            for (int i = 0; i < j; i++) {
                Tcp a = all.get(i);
                Tcp b = all.get(j);
                if (a.port() != 0 && a.port() == b.port() && overlap(a.bind(), b.bind())) {
                    // at the one the file sets (the other may be a default, e.g. metrics' 9464)
                    boolean atB = keys.inFile(b.key()) || !keys.inFile(a.key());
                    Tcp at = atB ? b : a;
                    Tcp other = atB ? a : b;
                    problem(
                            at.key(),
                            "port " + at.port() + " on " + at.bind() + " is already taken by "
                                    + keys.describe(other.key()) + " on " + other.bind()
                                    + "; each listener needs a port of its own");
                    break;
                }
            }
        }
    }

    private static boolean overlap(String a, String b) {
        InetAddress x = address(a);
        InetAddress y = address(b);
        if (x == null || y == null) {
            return a.equals(b);
        }
        return x.isAnyLocalAddress() || y.isAnyLocalAddress() || x.equals(y);
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Unix sockets: two listeners on one path, a listener on a VM's QMP socket (binding it would
     * remove QEMU's), two VMs on one QMP socket; and the directories the sockets go in.
     */
    private void sockets() {
        List<Socket> listeners = new ArrayList<>();
        List<Socket> qemu = new ArrayList<>();
        for (int i = 0; i < config.vms().size(); i++) {
            VmConfig vm = config.vms().get(i);
            if (vm.qmp().isUnix()) {
                String text = vm.qmp().text().substring("unix:".length());
                Path p = path(text, Path.of(""));
                if (p != null) {
                    qemu.add(new Socket("vms[" + i + "].qmp", p, "VM"));
                }
            }
            for (int j = 0; j < vm.qmpListen().size(); j++) {
                QmpListenerConfig q = vm.qmpListen().get(j);
                Path p = q.unix() == null ? null : path(q.unix(), Path.of(""));
                if (p != null) {
                    listeners.add(new Socket("vms[" + i + "].qmpListen[" + j + "].unix", p, "listener"));
                }
            }
        }
        if (config.control().enabled()) {
            Path p = path(config.control().socket(), baseDir);
            if (p != null) {
                listeners.add(new Socket("control.socket", p, "listener"));
            }
        }
        List<Socket> seen = new ArrayList<>();
        for (Socket q : qemu) {
            Socket same = samePath(seen, q.path());
            if (same != null) {
                problem(
                        q.key(),
                        "the same QMP socket as " + keys.describe(same.key()) + " (" + q.path()
                                + "); each VM has a QMP socket of its own");
            }
            seen.add(q);
        }
        for (Socket l : listeners) {
            Socket same = samePath(seen, l.path());
            if (same != null && same.what().equals("VM")) {
                problem(
                        l.key(),
                        l.path() + " is the QMP socket of " + keys.describe(same.key())
                                + "; listening there would replace QEMU's socket");
            } else if (same != null) {
                problem(
                        l.key(),
                        l.path() + " is already the socket of " + keys.describe(same.key())
                                + "; each listener needs a socket of its own");
            }
            seen.add(l);
        }
        for (Socket q : qemu) {
            directory(q, false);
            length(q);
        }
        for (Socket l : listeners) {
            directory(l, true);
            length(l);
        }
    }

    /** The longest path a unix socket may have on Linux (sun_path: 108 bytes with its NUL). */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    /**
     * Why a unix socket cannot be at {@code path} (too long), in the user's words; null if it can.
     * Here, in the lowest layer, for check-config and for binding (net.UnixSocketFiles) alike.
     */
    public static String socketPathTooLong(Path path) {
        int n = path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
        return n > MAX_SOCKET_PATH_BYTES
                ? path + " is too long for a unix socket (" + n + " bytes; at most " + MAX_SOCKET_PATH_BYTES + ")"
                : null;
    }

    private void length(Socket s) {
        String tooLong = socketPathTooLong(s.path());
        if (tooLong != null) {
            problem(s.key(), tooLong);
        }
    }

    /**
     * What {@code run} needs for the control socket beyond a path: the epoll transport (peer
     * credentials), its group; and whether the Unix users and groups of {@code control.users}
     * exist here (one that does not is only a mapping nobody can use: {@code run} logs it).
     */
    private void control() {
        ControlConfig c = config.control();
        if (!c.enabled()) {
            return;
        }
        if (config.transport() == TransportKind.NIO) {
            problem(
                    "control.socket",
                    "needs the epoll transport to know who connects (its peer credentials), but transport is nio; "
                            + "set transport: epoll or auto, or leave control.socket out");
        }
        UserPrincipalLookupService names = FileSystems.getDefault().getUserPrincipalLookupService();
        if (c.group() != null) {
            try {
                names.lookupPrincipalByGroupName(c.group());
            } catch (IOException e) {
                problem("control.group", "there is no Unix group '" + c.group() + "' on this host");
            }
        }
        for (String unix : c.users().keySet()) {
            boolean group = unix.startsWith("@");
            try {
                if (group) {
                    names.lookupPrincipalByGroupName(unix.substring(1));
                } else {
                    names.lookupPrincipalByName(unix);
                }
            } catch (IOException e) {
                problems.add(new Problem(
                        "control.users." + unix,
                        "there is no Unix " + (group ? "group '" + unix.substring(1) : "user '" + unix)
                                + "' on this host",
                        false));
            }
        }
    }

    /**
     * The directory a socket goes in. For a VM's QMP socket it must be there, but it is QEMU's to
     * create, maybe after monmux started (monmux connects again until QEMU is there): {@code run}
     * logs it. For monmux's own sockets (listeners, the control socket) monmux creates a missing
     * directory at start ({@code /run/monmux} under systemd is made just before): it must be
     * possible to create, below a directory that exists and may be written.
     */
    private void directory(Socket s, boolean ours) {
        Path dir = s.path().getParent();
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        if (!ours) {
            String message = "the directory " + dir + " does not exist"
                    + (Files.exists(dir) ? " (it is not a directory)" : "")
                    + " (QEMU creates the socket " + s.path() + " there)";
            problems.add(new Problem(s.key(), message, false));
            return;
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String why = existing == null
                ? null
                : !Files.isDirectory(existing)
                        ? existing + " is not a directory"
                        : !Files.isWritable(existing) ? existing + " is not writable" : null;
        if (existing == null || why != null) {
            problems.add(new Problem(
                    s.key(),
                    "the directory " + dir + " does not exist and cannot be created"
                            + (why == null ? "" : " (" + why + ")"),
                    true));
        }
    }

    private static Socket samePath(List<Socket> sockets, Path p) {
        for (Socket s : sockets) {
            if (s.path().equals(p)) {
                return s;
            }
        }
        return null;
    }

    private static Path path(String name, Path base) {
        try {
            return base.resolve(name).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** The audit file must be writable, or its directory be there and writable to create it. */
    private void audit() {
        AuditConfig a = config.audit();
        if (!a.enabled()) {
            return;
        }
        Path file = path(a.path(), Path.of(""));
        if (file == null) {
            problem("audit.path", "expected a file name");
            return;
        }
        if (Files.isDirectory(file)) {
            problem("audit.path", file + " is a directory; expected a file (e.g. " + file.resolve("audit.jsonl") + ")");
        } else if (Files.exists(file)) {
            if (!Files.isWritable(file)) {
                problem("audit.path", "cannot write " + file + " (permission denied)");
            }
        } else {
            Path dir = file.getParent();
            if (!Files.exists(dir)) {
                problem("audit.path", "the directory " + dir + " does not exist");
            } else if (!Files.isDirectory(dir)) {
                problem("audit.path", dir + " is not a directory");
            } else if (!Files.isWritable(dir)) {
                problem("audit.path", "cannot create " + file + " (the directory " + dir + " is not writable)");
            }
        }
    }

    /** Every TLS file must be readable (a file that reads but is not PEM is the TLS loader's to say). */
    private void tlsFiles() {
        List<ListenerConfig> telnet = config.listeners().telnet();
        for (int i = 0; i < telnet.size(); i++) {
            tls("listeners.telnet[" + i + "].tls", telnet.get(i).tls());
        }
        for (int i = 0; i < config.vms().size(); i++) {
            VmConfig vm = config.vms().get(i);
            if (vm.telnet() != null) {
                tls("vms[" + i + "].telnet.tls", vm.telnet().tls());
            }
            for (int j = 0; j < vm.qmpListen().size(); j++) {
                tls(
                        "vms[" + i + "].qmpListen[" + j + "].tls",
                        vm.qmpListen().get(j).tls());
            }
        }
        if (config.metrics().enabled()) {
            tls("metrics.tls", config.metrics().tls());
        }
    }

    private void tls(String key, TlsConfig tls) {
        if (tls == null) {
            return;
        }
        readable(key + ".cert", tls.cert());
        readable(key + ".key", tls.key());
        if (tls.clientCa() != null) {
            readable(key + ".clientCa", tls.clientCa());
        }
    }

    private void readable(String key, String name) {
        Path p = path(name, baseDir);
        if (p == null) {
            problem(key, "expected a file name");
        } else if (Files.isDirectory(p)) {
            problem(key, "cannot read " + p + " (it is a directory)");
        } else if (!Files.exists(p)) {
            problem(key, "cannot read " + p + " (no such file)");
        } else if (!Files.isReadable(p)) {
            problem(key, "cannot read " + p + " (permission denied)");
        }
    }

    /**
     * A user whose patterns match no VM can log in and reach nothing: most likely a typo. Only
     * {@code check-config} fails on it: a reload may add the VMs later.
     */
    private void users() {
        List<String> names = config.vms().stream().map(VmConfig::name).toList();
        for (int i = 0; i < config.users().size(); i++) {
            UserConfig u = config.users().get(i);
            boolean any = u.vms().stream()
                    .map(VmGlob::of)
                    .anyMatch(g -> names.stream().anyMatch(g::matches));
            if (!any) {
                String vms = names.size() <= VMS_NAMED
                        ? String.join(", ", names)
                        : String.join(", ", names.subList(0, VMS_NAMED)) + ", ...";
                String found = u.vms().stream().map(ConfigException::quote).collect(Collectors.joining(", "));
                problems.add(new Problem(
                        "users[" + i + "].vms",
                        "expected a name or pattern that matches one of the VMs (" + vms + "), found " + found,
                        false));
            }
        }
    }
}
