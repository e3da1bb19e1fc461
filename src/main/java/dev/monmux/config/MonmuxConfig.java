package dev.monmux.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The whole configuration file, immutable. See README "Configuration reference". */
public record MonmuxConfig(
        ListenersConfig listeners,
        List<VmConfig> vms,
        QmpLinkConfig qmp,
        LimitsConfig limits,
        HmpConfig hmp,
        Duration shutdownGrace,
        AuditConfig audit,
        MetricsConfig metrics,
        AuthMode auth,
        List<UserConfig> users,
        String usersFile,
        LoginConfig login,
        Boolean confirmDangerous,
        LogConfig log,
        AclConfig acl,
        TransportKind transport,
        ControlConfig control) {
    public MonmuxConfig {
        shutdownGrace = QmpLinkConfig.positive("shutdownGrace", shutdownGrace, Duration.ofSeconds(10));
        listeners = listeners == null ? ListenersConfig.defaults() : listeners;
        vms = vms == null ? List.of() : List.copyOf(vms);
        qmp = qmp == null ? QmpLinkConfig.defaults() : qmp;
        limits = limits == null ? LimitsConfig.defaults() : limits;
        hmp = hmp == null ? HmpConfig.defaults() : hmp;
        audit = audit == null ? AuditConfig.defaults() : audit;
        metrics = metrics == null ? MetricsConfig.defaults() : metrics;
        users = users == null ? List.of() : List.copyOf(users);
        login = login == null ? LoginConfig.defaults() : login;
        confirmDangerous = confirmDangerous == null ? Boolean.TRUE : confirmDangerous;
        log = log == null ? LogConfig.defaults() : log;
        acl = acl == null ? AclConfig.defaults() : acl;
        transport = transport == null ? TransportKind.AUTO : transport;
        control = control == null ? ControlConfig.defaults() : control;
        if (vms.isEmpty()) {
            throw new IllegalArgumentException("vms: expected at least one VM ({name: ..., qmp: ...})");
        }
        acl.check(audit, vms.stream().map(VmConfig::name).toList());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < vms.size(); i++) {
            if (!names.add(vms.get(i).name())) {
                throw new IllegalArgumentException("vms[" + i + "].name: duplicate VM name "
                        + ConfigException.quote(vms.get(i).name()) + " (vms[" + firstIndex(vms, i) + "] has it too)");
            }
        }
        auth = checkAuth(auth, users, usersFile, clientListeners(listeners, vms));
        checkControl(control, auth, users, usersFile);
    }

    /** The same config with the users read from {@code usersFile}. */
    public MonmuxConfig withUsers(List<UserConfig> loaded) {
        return new MonmuxConfig(
                listeners,
                vms,
                qmp,
                limits,
                hmp,
                shutdownGrace,
                audit,
                metrics,
                auth,
                loaded,
                null,
                login,
                confirmDangerous,
                log,
                acl,
                transport,
                control);
    }

    /**
     * Who may use the control socket: with {@code auth: password} each local client must map to a
     * configured user; with {@code auth: none} there is no one to map to.
     */
    private static void checkControl(ControlConfig control, AuthMode auth, List<UserConfig> users, String usersFile) {
        if (!control.enabled()) {
            return;
        }
        if (auth == AuthMode.NONE) {
            if ((control.modeBits() & 0077) != 0) {
                throw new IllegalArgumentException(
                        "control.mode: with auth: none every client of the control socket is "
                                + "the anonymous admin, so only monmux's Unix user and root may open it: expected \"0600\", found \""
                                + control.mode() + "\" (for a Unix group, set auth: password and control.users)");
            }
            if (!control.users().isEmpty()) {
                throw new IllegalArgumentException("control.users: maps Unix users to monmux users, but auth is none "
                        + "(every client of the control socket is the anonymous admin); leave it out or set auth: "
                        + "password");
            }
            return;
        }
        if (control.users().isEmpty()) {
            throw new IllegalArgumentException("control.users: auth is password, so the control socket needs to "
                    + "know who each local client is: map Unix users to users of this file "
                    + "(e.g. control: {users: {root: "
                    + (users == null || users.isEmpty() ? "USER" : users.get(0).name())
                    + "}})");
        }
        if (usersFile != null) {
            return; // checked again once the file's users are read
        }
        Set<String> names = new HashSet<>();
        users.forEach(u -> names.add(u.name()));
        control.users().forEach((unix, user) -> {
            if (!names.contains(user)) {
                throw new IllegalArgumentException(
                        "control.users." + unix + ": " + ConfigException.quote(user) + " is not one of the users");
            }
        });
    }

    private static int firstIndex(List<VmConfig> vms, int i) {
        for (int j = 0; ; j++) {
            if (vms.get(j).name().equals(vms.get(i).name())) {
                return j;
            }
        }
    }

    private static int firstUser(List<UserConfig> users, int i) {
        for (int j = 0; ; j++) {
            if (users.get(j).name().equals(users.get(i).name())) {
                return j;
            }
        }
    }

    public Optional<VmConfig> vm(String name) {
        return vms.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** Every listener clients connect to, with the key that configures it. */
    private static List<Map.Entry<String, ListenerConfig>> clientListeners(
            ListenersConfig listeners, List<VmConfig> vms) {
        List<Map.Entry<String, ListenerConfig>> all = new ArrayList<>();
        for (int i = 0; i < listeners.telnet().size(); i++) {
            all.add(Map.entry("listeners.telnet[" + i + "]", listeners.telnet().get(i)));
        }
        for (int i = 0; i < vms.size(); i++) {
            if (vms.get(i).telnet() != null) {
                all.add(Map.entry("vms[" + i + "].telnet", vms.get(i).telnet()));
            }
        }
        return all;
    }

    /**
     * {@code auth} defaults to {@code password} when users are configured and {@code none}
     * otherwise; {@code none} is refused unless every client listener is on loopback, where only
     * local users (who could reach QEMU's socket anyway) can connect.
     */
    private static AuthMode checkAuth(
            AuthMode auth,
            List<UserConfig> users,
            String usersFile,
            List<Map.Entry<String, ListenerConfig>> clientListeners) {
        if (!users.isEmpty() && usersFile != null) {
            throw new IllegalArgumentException("usersFile: give the users in one place, users or usersFile, not both");
        }
        boolean haveUsers = !users.isEmpty() || usersFile != null;
        AuthMode mode = auth != null ? auth : haveUsers ? AuthMode.PASSWORD : AuthMode.NONE;
        if (mode == AuthMode.PASSWORD && !haveUsers) {
            throw new IllegalArgumentException("auth: password needs at least one entry in users (or a usersFile)");
        }
        if (mode == AuthMode.NONE) {
            for (var l : clientListeners) {
                if (!l.getValue().isLoopback()) {
                    throw new IllegalArgumentException("auth: none is allowed only when every client listener is "
                            + "bound to loopback, but " + l.getKey() + " binds "
                            + l.getValue().bind()
                            + " (anyone who can reach it would get admin rights); set auth: password and add users, "
                            + "or bind to 127.0.0.1");
                }
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            if (!names.add(users.get(i).name())) {
                throw new IllegalArgumentException("users[" + i + "].name: duplicate user name "
                        + ConfigException.quote(users.get(i).name()) + " (users[" + firstUser(users, i)
                        + "] has it too)");
            }
        }
        return mode;
    }
}
