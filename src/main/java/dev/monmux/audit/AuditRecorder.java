package dev.monmux.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.qmp.QmpJson;

/**
 * Turns what monmux sees into audit records (README "Audit log"): a {@code command} record with
 * {@code phase: start} before a command is sent and one with {@code phase: end} after, linked by
 * {@code id}; sessions, logins, locks, broadcasts, VM link changes and config reloads. The futures
 * of {@link #started} and {@link #finished} complete once the record is written.
 */
public final class AuditRecorder implements CommandObserver, ActivityListener {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final AuditLog log;
    private final Clock clock;
    private final String run = String.format("%08x", ThreadLocalRandom.current().nextInt());
    private final AtomicLong seq = new AtomicLong();
    private final Map<CommandPlan, String> ids = Collections.synchronizedMap(new IdentityHashMap<>());

    public AuditRecorder(AuditLog log) {
        this(log, Clock.systemUTC());
    }

    AuditRecorder(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    public AuditLog log() {
        return log;
    }

    private ObjectNode record(String type) {
        ObjectNode r = QmpJson.object();
        r.put("ts", TS.format(clock.instant()));
        r.put("type", type);
        return r;
    }

    private static void actor(ObjectNode r, Actor a) {
        r.put("session", a.sessionId());
        r.put("user", a.user());
        r.put("role", a.role());
        r.put("remote", a.remote());
        r.put("listener", a.listener());
    }

    /** The plan as others may see it: its shown line and redacted arguments (it holds no secret). */
    private static void plan(ObjectNode r, CommandPlan plan) {
        r.put("line", plan.auditLine());
        r.put("command", plan.name());
        r.put("effect", plan.effect().label());
        r.put("path", plan.path().label());
        if (plan.qmpCommand() != null) {
            ObjectNode qmp = r.putObject("qmp");
            qmp.put("execute", plan.qmpCommand());
            if (plan.qmpArguments() != null) {
                qmp.set("arguments", plan.qmpArguments());
            }
        } else {
            r.putNull("qmp");
        }
    }

    @Override
    public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
        String id = run + "-" + seq.incrementAndGet();
        ObjectNode r = record("command");
        r.put("phase", "start");
        r.put("id", id);
        r.put("vm", vm);
        actor(r, actor);
        plan(r, plan);
        ids.put(plan, id);
        return log.appendOrRefuse(r).whenComplete((ok, err) -> {
            if (err != null) {
                ids.remove(plan);
            }
        });
    }

    @Override
    public CompletableFuture<Void> finished(Actor actor, String vm, CommandPlan plan, CommandResult result,
                                            Duration latency) {
        String id = ids.remove(plan);
        ObjectNode r = record("command");
        r.put("phase", "end");
        r.put("id", id != null ? id : run + "-" + seq.incrementAndGet());
        r.put("vm", vm);
        actor(r, actor);
        if (id == null) {
            // Never started (denied, or refused before the start was recorded): this record says it all.
            plan(r, plan);
        } else {
            r.put("command", plan.name());
            r.put("path", plan.path().label());
        }
        r.put("sent", id != null);
        r.put("outcome", result.outcome().label());
        if (result.errorClass() != null) {
            r.put("errorClass", result.errorClass());
        }
        if (result.errorText() != null) {
            // QEMU's error may repeat a line that did not parse (unknown command: 'hunter2')
            r.put("error", plan.shown() != null ? result.errorText() : "[not recorded: the line did not parse]");
        }
        r.put("latencyMs", Math.round(latency.toNanos() / 1000.0) / 1000.0);
        return log.append(r);
    }

    @Override
    public void sessionOpened(Actor actor) {
        ObjectNode r = record("session.open");
        actor(r, actor);
        log.append(r);
    }

    @Override
    public void sessionClosed(Actor actor, String reason) {
        ObjectNode r = record("session.close");
        actor(r, actor);
        r.put("reason", reason);
        log.append(r);
    }

    @Override
    public void loginSucceeded(Actor actor) {
        ObjectNode r = record("login.ok");
        actor(r, actor);
        log.append(r);
    }

    @Override
    public void loginFailed(String user, String remote, String listener, String reason) {
        ObjectNode r = record("login.fail");
        r.put("user", user);
        r.put("remote", remote);
        r.put("listener", listener);
        r.put("reason", reason);
        log.append(r);
    }

    @Override
    public void loginDelayed(String remote, String listener, Duration delay) {
        ObjectNode r = record("login.delay");
        r.put("remote", remote);
        r.put("listener", listener);
        r.put("delayMs", delay.toMillis());
        log.append(r);
    }

    @Override
    public void lockChanged(Actor actor, String vm, String action, String previousHolder) {
        ObjectNode r = record("lock");
        r.put("vm", vm);
        actor(r, actor);
        r.put("action", action);
        r.put("previousHolder", previousHolder);
        log.append(r);
    }

    @Override
    public void said(Actor actor, String vm, String text) {
        ObjectNode r = record("say");
        r.put("vm", vm);
        actor(r, actor);
        r.put("text", text);
        log.append(r);
    }

    @Override
    public void vmUp(String vm, String qemuVersion) {
        ObjectNode r = record("vm.up");
        r.put("vm", vm);
        r.put("qemu", qemuVersion);
        log.append(r);
    }

    @Override
    public void vmDown(String vm, String reason) {
        ObjectNode r = record("vm.down");
        r.put("vm", vm);
        r.put("reason", reason);
        log.append(r);
    }

    @Override
    public void configReloaded(boolean ok, String detail) {
        ObjectNode r = record("config.reload");
        r.put("ok", ok);
        r.put("detail", detail);
        log.append(r);
    }
}
