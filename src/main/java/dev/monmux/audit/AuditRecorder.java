package dev.monmux.audit;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns what monmux sees into audit records (README "Audit log"): a {@code command} record with
 * {@code phase: start} before a command is sent and one with {@code phase: end} after, linked by
 * {@code id}; sessions, logins, locks, broadcasts, VM link changes and config reloads. The futures
 * of {@link #started} and {@link #finished} complete once the record is written.
 */
public final class AuditRecorder implements CommandObserver, ActivityListener {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final AuditLog log;
    private final Clock clock;
    private final String run = String.format("%08x", ThreadLocalRandom.current().nextInt());
    private final AtomicLong seq = new AtomicLong();
    private final Timestamps timestamps = new Timestamps();
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

    private AuditRecord record(String type) {
        return new AuditRecord(timestamps.format(clock.millis()), type);
    }

    private static void actor(AuditRecord r, Actor a) {
        r.put("session", a.sessionId());
        r.put("user", a.user());
        r.put("role", a.role());
        r.put("remote", a.remote());
        r.put("listener", a.listener());
    }

    /** The plan as others may see it: its shown line and redacted arguments (it holds no secret). */
    private static void plan(AuditRecord r, CommandPlan plan) {
        r.put("line", plan.auditLine());
        r.put("command", plan.name());
        r.put("effect", plan.effect().label());
        r.put("path", plan.path().label());
        if (plan.qmpCommand() != null) {
            r.startObject("qmp");
            r.put("execute", plan.qmpCommand());
            if (plan.qmpArguments() != null) {
                r.put("arguments", plan.qmpArguments());
            }
            r.endObject();
        } else {
            r.put("qmp", (String) null);
        }
    }

    @Override
    public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
        String id = run + "-" + seq.incrementAndGet();
        AuditRecord r = record("command");
        r.put("phase", "start");
        r.put("id", id);
        r.put("vm", vm);
        actor(r, actor);
        plan(r, plan);
        ids.put(plan, id);
        return log.appendOrRefuse(r.line()).whenComplete((ok, err) -> {
            if (err != null) {
                ids.remove(plan);
            }
        });
    }

    @Override
    public CompletableFuture<Void> finished(
            Actor actor, String vm, CommandPlan plan, CommandResult result, Duration latency) {
        String id = ids.remove(plan);
        AuditRecord r = record("command");
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
        return log.append(r.line());
    }

    @Override
    public void sessionOpened(Actor actor) {
        AuditRecord r = record("session.open");
        actor(r, actor);
        log.append(r.line());
    }

    @Override
    public void sessionClosed(Actor actor, String reason) {
        AuditRecord r = record("session.close");
        actor(r, actor);
        r.put("reason", reason);
        log.append(r.line());
    }

    @Override
    public void loginSucceeded(Actor actor) {
        AuditRecord r = record("login.ok");
        actor(r, actor);
        log.append(r.line());
    }

    @Override
    public void loginFailed(String user, String remote, String listener, String reason) {
        AuditRecord r = record("login.fail");
        r.put("user", user);
        r.put("remote", remote);
        r.put("listener", listener);
        r.put("reason", reason);
        log.append(r.line());
    }

    @Override
    public void loginDelayed(String remote, String listener, Duration delay) {
        AuditRecord r = record("login.delay");
        r.put("remote", remote);
        r.put("listener", listener);
        r.put("delayMs", delay.toMillis());
        log.append(r.line());
    }

    @Override
    public void lockChanged(Actor actor, String vm, String action, String previousHolder) {
        AuditRecord r = record("lock");
        r.put("vm", vm);
        actor(r, actor);
        r.put("action", action);
        r.put("previousHolder", previousHolder);
        log.append(r.line());
    }

    @Override
    public void said(Actor actor, String vm, String text) {
        AuditRecord r = record("say");
        r.put("vm", vm);
        actor(r, actor);
        r.put("text", text);
        log.append(r.line());
    }

    @Override
    public void vmUp(String vm, String qemuVersion) {
        AuditRecord r = record("vm.up");
        r.put("vm", vm);
        r.put("qemu", qemuVersion);
        log.append(r.line());
    }

    @Override
    public void vmDown(String vm, String reason) {
        AuditRecord r = record("vm.down");
        r.put("vm", vm);
        r.put("reason", reason);
        log.append(r.line());
    }

    @Override
    public void configReloaded(boolean ok, String detail) {
        AuditRecord r = record("config.reload");
        r.put("ok", ok);
        r.put("detail", detail);
        log.append(r.line());
    }

    /**
     * {@code 2026-11-26T01:02:03.456Z}, with the text up to the seconds kept from the last call
     * (records come many per second; DateTimeFormatter was a measurable part of each).
     */
    static final class Timestamps {
        private record Second(long epochSecond, String prefix) {}

        private volatile Second last = new Second(Long.MIN_VALUE, "");

        String format(long epochMilli) {
            long sec = Math.floorDiv(epochMilli, 1000);
            int ms = Math.floorMod(epochMilli, 1000);
            Second s = last;
            if (s.epochSecond() != sec) {
                String full = TS.format(Instant.ofEpochMilli(sec * 1000));
                s = new Second(sec, full.substring(0, full.length() - "000Z".length()));
                last = s;
            }
            StringBuilder b = new StringBuilder(24).append(s.prefix());
            if (ms < 100) {
                b.append(ms < 10 ? "00" : "0");
            }
            return b.append(ms).append('Z').toString();
        }
    }
}
