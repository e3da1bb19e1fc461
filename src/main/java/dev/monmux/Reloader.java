package dev.monmux;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.Actor;
import dev.monmux.config.ConfigDiff;
import dev.monmux.config.ConfigException;
import dev.monmux.config.ConfigLoader;
import dev.monmux.config.MonmuxConfig;
import dev.monmux.config.UserConfig;
import dev.monmux.config.VmConfig;
import dev.monmux.tls.TlsContexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a re-read config file to a running monmux (SIGHUP, {@code .reload}), one reload at a
 * time on a thread of its own (it binds and closes listeners, which event loops must not wait
 * for). A file that does not validate changes nothing. Otherwise, in this order: VMs that went away
 * are removed (their operators told), listeners that went away are closed (their clients told
 * and closed), the users are replaced (sessions take their account's current role), new VMs
 * start linking and new listeners are bound. Keys that need a restart are logged and named.
 */
public final class Reloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    /** @param ok false when the file was refused or something could not be applied; {@code detail} says what */
    public record Result(boolean ok, String detail) {
        /** What {@code .reload} prints. */
        public String line() {
            return ok ? "configuration reloaded: " + detail : "Error: configuration not reloaded: " + detail;
        }
    }

    /**
     * What a reload changes, and all it may touch of a running monmux ({@link Monmux} is one; a
     * test may be another).
     */
    interface Target {
        /** The configuration in force. */
        MonmuxConfig config();

        /** The file reloads read, or null when there is none. */
        Path configFile();

        /** Where relative file names in the config are read from. */
        Path baseDir();

        /** The TLS contexts, refreshed in place by a reload. */
        TlsContexts tls();

        /** Told the outcome of every reload (audit log, metrics). */
        ActivityListener activity();

        /** Starts linking to a VM a reload added. */
        void addVm(VmConfig vm);

        /** Replaces a VM whose {@code qmp} or {@code commandTimeout} changed. */
        void replaceVm(VmConfig vm);

        /** Removes a VM a reload dropped. */
        void removeVm(String name);

        /** Binds a listener a reload added; fails with a one-line reason. */
        void bind(ConfigDiff.Listener listener);

        /** Closes a listener a reload dropped; its clients are told unless {@code tell} is false. */
        void unbind(ConfigDiff.Listener listener, boolean tell);

        /** Gives the sessions their accounts' current roles. */
        void replaceUsers(List<UserConfig> users);

        /** Makes {@code effective} the configuration in force. */
        void configure(MonmuxConfig effective);
    }

    private final Target monmux;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "monmux-reload");
        t.setDaemon(true);
        return t;
    });

    Reloader(Target monmux) {
        this.monmux = monmux;
    }

    /** For {@code .reload}: the line to print. */
    CompletableFuture<String> reload(Actor who) {
        return reloadFor(who).thenApply(Result::line);
    }

    /** A reload asked for by {@code who} (logged with its address), e.g. {@code monmux ctl reload}. */
    CompletableFuture<Result> reloadFor(Actor who) {
        log.info("configuration reload requested by {} ({})", who.user(), who.remote());
        return reload();
    }

    CompletableFuture<Result> reload() {
        try {
            return CompletableFuture.supplyAsync(this::apply, thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new Result(false, "monmux is stopping"));
        }
    }

    private Result apply() {
        Result r;
        try {
            r = applyOrFail();
        } catch (RuntimeException e) {
            log.error("configuration reload failed", e);
            r = new Result(false, "internal error: " + e);
        }
        if (r.ok()) {
            log.info("configuration reloaded: {}", r.detail());
        } else {
            log.warn("configuration not reloaded: {}", r.detail());
        }
        monmux.activity().configReloaded(r.ok(), r.detail());
        return r;
    }

    private Result applyOrFail() {
        if (monmux.configFile() == null) {
            return new Result(false, "this monmux has no configuration file to reload");
        }
        MonmuxConfig running = monmux.config();
        MonmuxConfig next;
        MonmuxConfig effective;
        try {
            next = new ConfigLoader().load(monmux.configFile());
            effective = ConfigDiff.effective(running, next);
        } catch (ConfigException e) {
            return new Result(false, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Result(false, monmux.configFile() + ": " + e.getMessage());
        }
        TlsContexts tls;
        try {
            tls = TlsContexts.load(effective, monmux.baseDir());
        } catch (ConfigException e) {
            return new Result(false, monmux.configFile() + ": " + e.getMessage());
        }
        ConfigDiff diff = ConfigDiff.between(running, next);
        if (!diff.needRestart().isEmpty()) {
            log.warn(
                    "configuration reload: changed keys that need a restart (the running values stay): {}",
                    String.join(", ", diff.needRestart()));
        }
        List<String> removedVms = diff.removedVms().stream().map(VmConfig::name).toList();
        List<String> addedVms = diff.addedVms().stream().map(VmConfig::name).toList();
        for (VmConfig vm : diff.removedVms()) {
            if (!addedVms.contains(vm.name())) {
                monmux.removeVm(vm.name());
            }
        }
        for (VmConfig vm : diff.addedVms()) {
            if (removedVms.contains(vm.name())) {
                monmux.replaceVm(vm);
            }
        }
        for (ConfigDiff.Listener l : diff.removedListeners()) {
            // The clients of a removed or changed VM's own port were told about the VM already.
            monmux.unbind(l, !removedVms.contains(l.vm()));
        }
        monmux.configure(effective);
        monmux.tls().refresh(tls);
        if (diff.usersChanged() && !diff.needRestart().contains("users")) {
            monmux.replaceUsers(effective.users());
        }
        for (VmConfig vm : diff.addedVms()) {
            if (!removedVms.contains(vm.name())) {
                monmux.addVm(vm);
            }
        }
        List<String> failed = new ArrayList<>();
        for (ConfigDiff.Listener l : diff.addedListeners()) {
            try {
                monmux.bind(l);
            } catch (IllegalStateException e) {
                log.warn("configuration reload: {}", e.getMessage());
                failed.add(e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            return new Result(false, diff.summary() + "; but " + String.join("; ", failed));
        }
        return new Result(true, diff.summary());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
