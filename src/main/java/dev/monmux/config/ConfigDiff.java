package dev.monmux.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload changes between the configuration in force and a newly read one: VMs added and
 * removed (a VM whose {@code qmp} address or {@code commandTimeout} changed is removed and added
 * again), client listeners added and removed, whether the users changed, and the keys that
 * differ but only take effect after a restart (see README "Reloading the configuration").
 */
public record ConfigDiff(
        List<VmConfig> addedVms,
        List<VmConfig> removedVms,
        List<Listener> addedListeners,
        List<Listener> removedListeners,
        boolean usersChanged,
        List<String> needRestart) {

    /** A listener clients connect to, as the config describes it (two equal ones are the same listener). */
    public sealed interface Listener {
        /** The VM the listener belongs to, or null for a shared telnet listener. */
        String vm();

        /** A shared telnet listener ({@code listeners.telnet[]}). */
        record SharedTelnet(ListenerConfig config) implements Listener {
            @Override
            public String vm() {
                return null;
            }

            @Override
            public String toString() {
                return "telnet " + config.bind() + ":" + config.port();
            }
        }

        /** A VM's dedicated telnet listener ({@code vms[].telnet}). */
        record VmTelnet(String vm, ListenerConfig config) implements Listener {
            @Override
            public String toString() {
                return "telnet " + config.bind() + ":" + config.port() + " (VM '" + vm + "')";
            }
        }

        /** A VM's QMP listener ({@code vms[].qmpListen[]}). */
        record VmQmp(String vm, QmpListenerConfig config) implements Listener {
            @Override
            public String toString() {
                return "QMP " + config + " (VM '" + vm + "')";
            }
        }
    }

    public ConfigDiff {
        addedVms = List.copyOf(addedVms);
        removedVms = List.copyOf(removedVms);
        addedListeners = List.copyOf(addedListeners);
        removedListeners = List.copyOf(removedListeners);
        needRestart = List.copyOf(needRestart);
    }

    /** The changes from {@code running} (the config in force) to {@code next}. */
    public static ConfigDiff between(MonmuxConfig running, MonmuxConfig next) {
        Map<String, VmConfig> before = byName(running.vms());
        Map<String, VmConfig> after = byName(next.vms());
        List<VmConfig> added = new ArrayList<>();
        List<VmConfig> removed = new ArrayList<>();
        Set<String> replaced = new LinkedHashSet<>();
        for (VmConfig old : running.vms()) {
            VmConfig now = after.get(old.name());
            if (now == null) {
                removed.add(old);
            } else if (!Objects.equals(old.qmp(), now.qmp())
                    || !Objects.equals(old.commandTimeout(), now.commandTimeout())) {
                removed.add(old);
                replaced.add(old.name());
            }
        }
        for (VmConfig now : next.vms()) {
            if (!before.containsKey(now.name()) || replaced.contains(now.name())) {
                added.add(now);
            }
        }
        List<Listener> was = listeners(running);
        List<Listener> will = listeners(next);
        List<Listener> removedL = new ArrayList<>();
        for (Listener l : was) {
            if (!will.contains(l) || replaced.contains(l.vm())) {
                removedL.add(l);
            }
        }
        List<Listener> addedL = new ArrayList<>();
        for (Listener l : will) {
            if (!was.contains(l) || replaced.contains(l.vm())) {
                addedL.add(l);
            }
        }
        return new ConfigDiff(
                added,
                removed,
                addedL,
                removedL,
                !running.users().equals(next.users())
                        || !running.control().users().equals(next.control().users()),
                restartKeys(running, next));
    }

    /**
     * The configuration that will be in force after the reload: the new VMs, listeners and users,
     * with every key that needs a restart kept as it runs now. Fails (with the usual one-line
     * message) when that mixture is not a valid configuration, e.g. a public listener added while
     * {@code auth: none} still runs.
     */
    public static MonmuxConfig effective(MonmuxConfig running, MonmuxConfig next) {
        return new MonmuxConfig(
                next.listeners(),
                next.vms(),
                running.qmp(),
                running.limits(),
                running.hmp(),
                running.shutdownGrace(),
                running.audit(),
                running.metrics(),
                running.auth(),
                running.auth() == AuthMode.NONE ? running.users() : next.users(),
                null,
                running.login(),
                running.confirmDangerous(),
                running.log(),
                running.acl(),
                running.transport(),
                // control.users applies to the next connection; the socket itself needs a restart.
                new ControlConfig(
                        running.control().socket(),
                        running.control().mode(),
                        running.control().group(),
                        next.control().users()));
    }

    /** Every client listener of a config, in config order: shared first, then each VM's. */
    public static List<Listener> listeners(MonmuxConfig c) {
        List<Listener> all = new ArrayList<>();
        for (ListenerConfig l : c.listeners().telnet()) {
            all.add(new Listener.SharedTelnet(l));
        }
        for (VmConfig vm : c.vms()) {
            if (vm.telnet() != null) {
                all.add(new Listener.VmTelnet(vm.name(), vm.telnet()));
            }
            for (QmpListenerConfig q : vm.qmpListen()) {
                all.add(new Listener.VmQmp(vm.name(), q));
            }
        }
        return all;
    }

    /** Keys whose new value differs but is not applied until monmux restarts. */
    private static List<String> restartKeys(MonmuxConfig a, MonmuxConfig b) {
        List<String> keys = new ArrayList<>();
        diff(keys, "qmp", a.qmp(), b.qmp());
        diff(keys, "limits", a.limits(), b.limits());
        diff(keys, "hmp", a.hmp(), b.hmp());
        diff(keys, "shutdownGrace", a.shutdownGrace(), b.shutdownGrace());
        diff(keys, "audit", a.audit(), b.audit());
        diff(keys, "metrics", a.metrics(), b.metrics());
        diff(keys, "auth", a.auth(), b.auth());
        if (a.auth() == AuthMode.NONE) {
            diff(keys, "users", a.users(), b.users());
        }
        diff(keys, "login", a.login(), b.login());
        diff(keys, "confirmDangerous", a.confirmDangerous(), b.confirmDangerous());
        diff(keys, "log", a.log(), b.log());
        diff(keys, "acl", a.acl(), b.acl());
        diff(keys, "transport", a.transport(), b.transport());
        diff(
                keys,
                "control",
                List.of(
                        Objects.toString(a.control().socket()),
                        a.control().mode(),
                        Objects.toString(a.control().group())),
                List.of(
                        Objects.toString(b.control().socket()),
                        b.control().mode(),
                        Objects.toString(b.control().group())));
        return keys;
    }

    private static void diff(List<String> keys, String key, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            keys.add(key);
        }
    }

    private static Map<String, VmConfig> byName(List<VmConfig> vms) {
        Map<String, VmConfig> m = new LinkedHashMap<>();
        vms.forEach(v -> m.put(v.name(), v));
        return m;
    }

    public boolean isEmpty() {
        return addedVms.isEmpty()
                && removedVms.isEmpty()
                && addedListeners.isEmpty()
                && removedListeners.isEmpty()
                && !usersChanged;
    }

    /** One line for the operator and the log, e.g. {@code VMs added: vm3; VMs removed: vm2; users updated}. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        summarize(
                parts,
                addedVms.stream().map(VmConfig::name).toList(),
                removedVms.stream().map(VmConfig::name).toList(),
                "VMs added: ",
                "VMs removed: ",
                "VMs reconnected with new settings: ");
        // A listener removed and added as the same thing (a VM's own, when the VM was reconnected) was bound again.
        summarize(
                parts,
                addedListeners.stream().map(Object::toString).toList(),
                removedListeners.stream().map(Object::toString).toList(),
                "listeners added: ",
                "listeners removed: ",
                "listeners bound again: ");
        if (usersChanged && !needRestart.contains("users")) {
            parts.add("users updated");
        }
        if (parts.isEmpty()) {
            parts.add("no changes");
        }
        if (!needRestart.isEmpty()) {
            parts.add("not applied until restart: " + String.join(", ", needRestart));
        }
        return String.join("; ", parts);
    }

    /** Adds what only {@code added} has, what only {@code removed} has, and what both have (replaced). */
    private static void summarize(
            List<String> parts,
            List<String> added,
            List<String> removed,
            String onlyAdded,
            String onlyRemoved,
            String both) {
        List<String> replaced = added.stream().filter(removed::contains).toList();
        List<String> a = added.stream().filter(n -> !replaced.contains(n)).toList();
        List<String> r = removed.stream().filter(n -> !replaced.contains(n)).toList();
        if (!a.isEmpty()) {
            parts.add(onlyAdded + String.join(", ", a));
        }
        if (!r.isEmpty()) {
            parts.add(onlyRemoved + String.join(", ", r));
        }
        if (!replaced.isEmpty()) {
            parts.add(both + String.join(", ", replaced));
        }
    }
}
