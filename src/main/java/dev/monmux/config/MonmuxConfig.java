package dev.monmux.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The whole configuration file, immutable. See README "Configuration reference". */
public record MonmuxConfig(ListenersConfig listeners, List<VmConfig> vms, QmpLinkConfig qmp,
                           LimitsConfig limits, HmpConfig hmp, Duration shutdownGrace, AuditConfig audit,
                           MetricsConfig metrics) {
    public MonmuxConfig {
        shutdownGrace = QmpLinkConfig.positive("shutdownGrace", shutdownGrace, Duration.ofSeconds(10));
        listeners = listeners == null ? ListenersConfig.defaults() : listeners;
        vms = vms == null ? List.of() : List.copyOf(vms);
        qmp = qmp == null ? QmpLinkConfig.defaults() : qmp;
        limits = limits == null ? LimitsConfig.defaults() : limits;
        hmp = hmp == null ? HmpConfig.defaults() : hmp;
        audit = audit == null ? AuditConfig.defaults() : audit;
        metrics = metrics == null ? MetricsConfig.defaults() : metrics;
        if (vms.isEmpty()) {
            throw new IllegalArgumentException("vms: at least one VM is required");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < vms.size(); i++) {
            if (!names.add(vms.get(i).name())) {
                throw new IllegalArgumentException("vms[" + i + "].name: duplicate VM name '" + vms.get(i).name() + "'");
            }
        }
    }

    public Optional<VmConfig> vm(String name) {
        return vms.stream().filter(v -> v.name().equals(name)).findFirst();
    }
}
