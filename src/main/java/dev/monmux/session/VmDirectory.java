package dev.monmux.session;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The VMs monmux serves, by name, in config order. */
public final class VmDirectory {
    private volatile Map<String, SharedVm> vms = Map.of();

    public synchronized void add(SharedVm vm) {
        Map<String, SharedVm> copy = new LinkedHashMap<>(vms);
        copy.put(vm.name(), vm);
        vms = copy;
    }

    public synchronized Optional<SharedVm> remove(String name) {
        Map<String, SharedVm> copy = new LinkedHashMap<>(vms);
        SharedVm removed = copy.remove(name);
        vms = copy;
        return Optional.ofNullable(removed);
    }

    public Optional<SharedVm> get(String name) {
        return Optional.ofNullable(vms.get(name));
    }

    public Collection<SharedVm> all() {
        return vms.values();
    }

    public List<String> names() {
        return List.copyOf(vms.keySet());
    }

    /** The only VM, when there is exactly one (a shared port then attaches at once). */
    public Optional<SharedVm> only() {
        Map<String, SharedVm> v = vms;
        return v.size() == 1 ? Optional.of(v.values().iterator().next()) : Optional.empty();
    }
}
