package dev.monmux;

import dev.monmux.audit.AuditLog;
import dev.monmux.audit.AuditRecorder;
import dev.monmux.command.ActivityListener;
import dev.monmux.command.ActivityListeners;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.CommandObservers;
import dev.monmux.config.MonmuxConfig;
import dev.monmux.metrics.MetricsServer;
import dev.monmux.metrics.MonmuxMetrics;
import dev.monmux.metrics.PrometheusHygiene;
import dev.monmux.session.SessionRegistry;
import dev.monmux.session.SharedVm;
import dev.monmux.session.VmDirectory;
import dev.monmux.tls.ServerTls;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit log and the metrics of one monmux, wired from the config. */
final class Observability implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Observability.class);

    private final MonmuxConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MonmuxMetrics metrics;
    private final AuditLog audit;
    private final AuditRecorder recorder;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private MetricsServer server;

    Observability(MonmuxConfig config, SessionRegistry sessions, Iterable<EventExecutor> workers) {
        this.config = config;
        registry.config().meterFilter(new PrometheusHygiene());
        this.metrics = new MonmuxMetrics(registry, sessions);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        new NettyEventExecutorMetrics(workers).bindTo(registry);
        if (config.audit().enabled()) {
            audit = AuditLog.start(config.audit());
            recorder = new AuditRecorder(audit);
            metrics.auditCounters(audit, AuditLog::written, AuditLog::failures, AuditLog::backlog);
        } else {
            audit = null;
            recorder = null;
            log.warn("audit log: off (set audit.path in the config to record every command)");
            metrics.auditCounters(this, o -> 0, o -> 0, o -> 0);
        }
    }

    /** The audit log first (a command it cannot record is refused), then the metrics. */
    CommandObserver observer() {
        List<CommandObserver> all = new ArrayList<>();
        if (recorder != null) {
            all.add(recorder);
        }
        all.add(metrics);
        return CommandObservers.of(all);
    }

    ActivityListener activity() {
        List<ActivityListener> all = new ArrayList<>();
        if (recorder != null) {
            all.add(recorder);
        }
        all.add(metrics);
        return ActivityListeners.of(all);
    }

    void watch(SharedVm vm) {
        metrics.watch(vm);
    }

    void unwatch(String vm) {
        metrics.unwatch(vm);
    }

    /** A reload removed the VM: its metric series go. */
    void forget(String vm) {
        metrics.forget(vm);
    }

    /** Binds the metrics listener unless {@code metrics.enabled: false}. */
    void startServer(VmDirectory vms, ServerTls tls) throws InterruptedException {
        if (config.metrics().enabled()) {
            server = MetricsServer.start(config.metrics(), registry, metrics, vms, tls);
        } else {
            log.info("metrics: HTTP listener off (metrics.enabled: false)");
        }
    }

    /** The metrics port, or -1 when there is no metrics listener. */
    int metricsPort() {
        return server == null ? -1 : server.port();
    }

    /** SIGHUP: reopen the audit file (after logrotate moved it). */
    void reopenLogs() {
        if (audit != null) {
            audit.reopen();
        }
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    AuditLog audit() {
        return audit;
    }

    /** Stops serving metrics. */
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Writes and closes the audit log; call last, after sessions and links have said goodbye. */
    @Override
    public void close() {
        stopServer();
        if (audit != null) {
            audit.close();
        }
        gc.close();
        registry.close();
    }
}
