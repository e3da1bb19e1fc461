package dev.monmux.metrics;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Outcome;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.VmLinkListener;
import dev.monmux.session.OperatorSession;
import dev.monmux.session.SessionRegistry;
import dev.monmux.session.SharedVm;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * monmux's own meters (README "Metrics"). Tags are bounded: VM names come from the config,
 * command and event names are capped ({@link BoundedTagValues}), never addresses or free text.
 * Counting only; nothing here blocks.
 */
public final class MonmuxMetrics implements CommandObserver, ActivityListener, VmLinkListener {
    static final int MAX_COMMAND_NAMES = 300;
    static final int MAX_EVENT_NAMES = 200;
    /** Unattached sessions are counted under this VM tag. */
    static final String NO_VM = "-";

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)
    };

    private final MeterRegistry registry;
    private final SessionRegistry sessions;
    private final BoundedTagValues commandNames = new BoundedTagValues(MAX_COMMAND_NAMES);
    private final BoundedTagValues eventNames = new BoundedTagValues(MAX_EVENT_NAMES);
    private final BoundedTagValues closeReasons = new BoundedTagValues(16);
    private final Map<List<String>, AtomicInteger> clients = new ConcurrentHashMap<>();

    public MonmuxMetrics(MeterRegistry registry, SessionRegistry sessions) {
        this.registry = registry;
        this.sessions = sessions;
        for (String outcome : List.of("ok", "fail")) {
            logins(outcome);
        }
        reloads(true);
        reloads(false);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers a VM's link gauge, counters at zero, and listens to its link for reconnects. */
    public void watch(SharedVm vm) {
        String name = vm.name();
        QmpEndpoint link = vm.link();
        Gauge.builder("monmux.qmp.link.up", link, l -> l.state() == QmpEndpoint.State.UP ? 1 : 0)
                .description("1 when the QMP connection to the VM is up")
                .tag("vm", name)
                .register(registry);
        reconnects(name);
        dropped(name);
        denied(name);
        clientGauge(name, "telnet");
        link.addListener(this);
    }

    /**
     * A reload replaced the VM's link (new {@code qmp} or timeout): its link gauge goes (a new one
     * follows the new link); its counters keep their totals, it is the same VM.
     */
    public void unwatch(String vm) {
        for (Meter m : registry.find("monmux.qmp.link.up").tag("vm", vm).meters()) {
            registry.remove(m);
        }
    }

    /**
     * A reload removed the VM: every series tagged with it goes, so that the scrape and the
     * dashboard show only the VMs there are (a VM added again under the name starts from zero).
     */
    public void forget(String vm) {
        for (Meter m : List.copyOf(registry.getMeters())) {
            if (vm.equals(m.getId().getTag("vm"))) {
                registry.remove(m);
            }
        }
        commandCounters.keySet().removeIf(k -> k.vm().equals(vm));
        commandTimers.keySet().removeIf(k -> k.vm().equals(vm));
        clients.keySet().removeIf(k -> k.get(0).equals(vm));
    }

    /**
     * The audit log's counters (or zeros when there is none), so the dashboard's panels always
     * have a series.
     */
    public <T> void auditCounters(
            T log, ToDoubleFunction<T> written, ToDoubleFunction<T> failures, ToDoubleFunction<T> backlog) {
        FunctionCounter.builder("monmux.audit.records", log, written)
                .description("audit records written")
                .register(registry);
        FunctionCounter.builder("monmux.audit.failures", log, failures)
                .description("audit records that could not be written (commands refused or unrecorded)")
                .register(registry);
        Gauge.builder("monmux.audit.backlog", log, backlog)
                .description("audit records waiting to be written")
                .register(registry);
    }

    /** Brings the per-VM client gauges up to date (before each scrape). */
    public void refresh() {
        Map<List<String>, Integer> now = new HashMap<>();
        for (OperatorSession s : sessions.all()) {
            SharedVm vm = s.attached();
            now.merge(List.of(vm == null ? NO_VM : vm.name(), kind(s.listener())), 1, Integer::sum);
        }
        for (var e : now.entrySet()) {
            clientGauge(e.getKey().get(0), e.getKey().get(1));
        }
        for (var e : clients.entrySet()) {
            e.getValue().set(now.getOrDefault(e.getKey(), 0));
        }
    }

    private void clientGauge(String vm, String kind) {
        clients.computeIfAbsent(List.of(vm, kind), k -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder("monmux.clients", n, AtomicInteger::get)
                    .description("client sessions attached to a VM")
                    .tags("vm", vm, "listener", kind)
                    .register(registry);
            return n;
        });
    }

    /** {@code telnet:127.0.0.1:4444} → {@code telnet}. */
    static String kind(String listener) {
        if (listener == null) {
            return "unknown";
        }
        int colon = listener.indexOf(':');
        return colon < 0 ? listener : listener.substring(0, colon);
    }

    // ---- commands ----

    private record CommandSeries(String vm, String command, String path, String outcome) {}

    private final Map<CommandSeries, Counter> commandCounters = new ConcurrentHashMap<>();
    private final Map<CommandSeries, Timer> commandTimers = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Void> finished(
            Actor actor, String vm, CommandPlan plan, CommandResult result, Duration latency) {
        String name = commandNames.tag(plan.name());
        String path = plan.path().name().toLowerCase(Locale.ROOT);
        // Looked up in a map of our own: a Micrometer builder's register() builds its tags and
        // an id on every call, a measurable part of a command's cost (docs/benchmarks.md).
        commandCounters
                .computeIfAbsent(
                        new CommandSeries(vm, name, path, result.outcome().label()),
                        k -> Counter.builder("monmux.commands")
                                .description("commands run, by how they ended")
                                .tags("vm", k.vm(), "command", k.command(), "path", k.path(), "outcome", k.outcome())
                                .register(registry))
                .increment();
        commandTimers
                .computeIfAbsent(
                        new CommandSeries(vm, name, null, null),
                        k -> Timer.builder("monmux.command.duration")
                                .description("time from a command's line to its answer")
                                .tags("vm", k.vm(), "command", k.command())
                                .serviceLevelObjectives(LATENCY_BUCKETS)
                                .register(registry))
                .record(latency);
        if (result.outcome() == Outcome.DENIED) {
            denied(vm).increment();
        }
        return CompletableFuture.completedFuture(null);
    }

    private Counter denied(String vm) {
        return Counter.builder("monmux.acl.denied")
                .description("commands refused by the ACL or a lock")
                .tag("vm", vm)
                .register(registry);
    }

    // ---- activity ----

    @Override
    public void loginSucceeded(Actor actor) {
        logins("ok").increment();
    }

    @Override
    public void loginFailed(String user, String remote, String listener, String reason) {
        logins("fail").increment();
    }

    @Override
    public void loginDelayed(String remote, String listener, Duration delay) {
        Counter.builder("monmux.login.delays")
                .description("login attempts held back after failed ones")
                .register(registry)
                .increment();
    }

    private Counter logins(String outcome) {
        return Counter.builder("monmux.logins")
                .description("login attempts")
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void eventFannedOut(String vm, String event, int clientCount) {
        Counter.builder("monmux.events")
                .description("QMP events received from the VM")
                .tags("vm", vm, "event", eventNames.tag(event))
                .register(registry)
                .increment();
    }

    @Override
    public void eventsDropped(String vm, int count) {
        dropped(vm).increment(count);
    }

    @Override
    public void sessionClosed(Actor actor, String reason) {
        Counter.builder("monmux.sessions.closed")
                .description("client sessions ended, by why")
                .tag("reason", closeReasons.tag(reason))
                .register(registry)
                .increment();
    }

    @Override
    public void connectionRefused(String listener) {
        Counter.builder("monmux.connections.refused")
                .description("connections turned away: too many clients")
                .tag("listener", listener)
                .register(registry)
                .increment();
    }

    private Counter dropped(String vm) {
        return Counter.builder("monmux.events.dropped")
                .description("events not delivered to a slow client")
                .tag("vm", vm)
                .register(registry);
    }

    @Override
    public void configReloaded(boolean ok, String detail) {
        reloads(ok).increment();
    }

    private Counter reloads(boolean ok) {
        return Counter.builder("monmux.config.reloads")
                .description("config reloads")
                .tag("outcome", ok ? "ok" : "fail")
                .register(registry);
    }

    // ---- VM links ----

    @Override
    public void onReconnectScheduled(QmpEndpoint link, long delayMillis) {
        reconnects(link.name()).increment();
    }

    private Counter reconnects(String vm) {
        return Counter.builder("monmux.qmp.reconnects")
                .description("QMP connection attempts that failed or connections lost")
                .tag("vm", vm)
                .register(registry);
    }
}
