package dev.monmux.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.acl.VmLock;
import dev.monmux.auth.Role;
import dev.monmux.command.CommandPipeline;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Outcome;
import dev.monmux.command.SendOrder;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpJson;
import dev.monmux.session.BuiltinCommands;
import dev.monmux.session.OperatorSession;
import dev.monmux.session.RawQmpLine;
import dev.monmux.session.SessionContext;
import dev.monmux.session.SharedVm;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What {@code monmux ctl list}, {@code who}, {@code hmp}, {@code qmp} and {@code reload} do for
 * one client. HMP and QMP commands take the path a telnet line takes (planner, gate, audit, send,
 * audit, notices to the VM's operators), without the confirmation question (a script asked). Each
 * answer is one JSON object: {@code status} is {@code ok}, {@code error} (QEMU's), {@code refused}
 * (monmux's: no access, a lock, bad input) or {@code down} (the VM is down or did not answer).
 * Runs on the client's event loop.
 */
final class ControlCommands {
    static final String OK = "ok";
    static final String ERROR = "error";
    static final String REFUSED = "refused";
    static final String DOWN = "down";

    private final ControlContext ctx;
    private final ControlClient client;
    private final EventExecutor loop;

    ControlCommands(ControlContext ctx, ControlClient client, EventExecutor loop) {
        this.ctx = ctx;
        this.client = client;
        this.loop = loop;
    }

    /** The VM of that name if the client has a grant on it; the same refusal for both otherwise. */
    Optional<SharedVm> vm(String name) {
        return ctx.sessions().vms().get(name).filter(v -> client.roleOn(v).isPresent());
    }

    static ObjectNode refused(String error) {
        return answer(REFUSED, null).put("error", error);
    }

    static ObjectNode noSuchVm(String name) {
        return refused("no VM named '" + name + "' (monmux ctl list shows yours)");
    }

    private static ObjectNode answer(String status, String text) {
        ObjectNode o = QmpJson.object().put("status", status);
        if (text != null) {
            o.put("text", text);
        }
        return o;
    }

    /** The VMs the client has a grant on: link, run state, QEMU, operators, lock. */
    CompletableFuture<ObjectNode> list() {
        List<SharedVm> mine = ctx.sessions().vms().all().stream()
                .filter(v -> client.roleOn(v).isPresent())
                .toList();
        List<CompletableFuture<String>> states =
                mine.stream().map(ControlCommands::runState).toList();
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            ArrayNode vms = QmpJson.MAPPER.createArrayNode();
            for (int i = 0; i < mine.size(); i++) {
                SharedVm vm = mine.get(i);
                QmpEndpoint link = vm.link();
                ObjectNode o = vms.addObject()
                        .put("name", vm.name())
                        .put("link", link.state().name().toLowerCase(Locale.ROOT))
                        .put("state", states.get(i).join())
                        .put(
                                "qemu",
                                link.greeting() == null ? null : link.greeting().version());
                ArrayNode ops = o.putArray("operators");
                vm.sessions().stream()
                        .sorted(Comparator.comparing(OperatorSession::attachedSince))
                        .forEach(s -> ops.add(s.who()));
                o.put("lock", lockHolder(vm).map(VmLock::who).orElse(null));
                // Where QEMU's monitor socket is (a host path) is for the VM's admins only, as in .vms.
                boolean admin = client.roleOn(vm).orElse(Role.VIEWER) == Role.ADMIN;
                String address = link.address().toString();
                if (admin) {
                    o.put("qmp", address);
                }
                if (link.state() != QmpEndpoint.State.UP && link.lastError() != null) {
                    String why = link.lastError();
                    o.put("error", admin ? why : why.replace(address, "its QMP socket"));
                }
            }
            ObjectNode a = answer(OK, null);
            a.set("vms", vms);
            return a;
        });
    }

    /**
     * QEMU's run state ({@code running}, {@code paused}, ...) from {@code query-status}, asked by
     * monmux itself (a query every role may run, not recorded); null while the VM is down.
     */
    private static CompletableFuture<String> runState(SharedVm vm) {
        if (vm.link().state() != QmpEndpoint.State.UP) {
            return CompletableFuture.completedFuture(null);
        }
        return vm.link()
                .call("query-status", null)
                .orTimeout(2, TimeUnit.SECONDS)
                .handle((r, err) -> err != null ? null : r.path("status").asText(null));
    }

    private Optional<VmLock> lockHolder(SharedVm vm) {
        return ctx.sessions().access().locks().holder(vm.name());
    }

    /** The operators attached to one VM, or to every VM the client may see. */
    ObjectNode who(String vmName) {
        List<SharedVm> vms;
        if (vmName != null) {
            Optional<SharedVm> vm = vm(vmName);
            if (vm.isEmpty()) {
                return noSuchVm(vmName);
            }
            vms = List.of(vm.get());
        } else {
            vms = ctx.sessions().vms().all().stream()
                    .filter(v -> client.roleOn(v).isPresent())
                    .toList();
        }
        Instant now = Instant.now();
        ArrayNode rows = QmpJson.MAPPER.createArrayNode();
        for (SharedVm vm : vms) {
            Optional<VmLock> lock = lockHolder(vm);
            vm.sessions().stream()
                    .sorted(Comparator.comparing(OperatorSession::attachedSince))
                    .forEach(s -> rows.addObject()
                            .put("vm", vm.name())
                            .put("user", s.user().name())
                            .put("address", s.remote())
                            .put("role", s.roleOn(vm).map(Role::label).orElse("-"))
                            .put("since", s.attachedSince().toString())
                            .put(
                                    "idleSeconds",
                                    Math.max(
                                            0,
                                            Duration.between(s.lastInput(), now).toSeconds()))
                            .put(
                                    "lock",
                                    lock.isPresent() && lock.get().sessionId().equals(s.id())));
        }
        ObjectNode a = answer(OK, null);
        a.set("operators", rows);
        return a;
    }

    /** One HMP line, as typed at the VM's prompt. */
    CompletableFuture<ObjectNode> hmp(String vmName, String line) {
        Optional<SharedVm> found = vm(vmName);
        if (found.isEmpty()) {
            return done(noSuchVm(vmName));
        }
        if (tooLong(line)) {
            return done(refused(tooLongMessage()));
        }
        String t = line == null ? "" : line.strip();
        if (t.isEmpty()) {
            return done(refused("no command given"));
        }
        if (t.startsWith(".")) {
            return done(refused("'" + t.split("\\s+")[0] + "' is a command of monmux's prompt; monmux ctl has "
                    + "list, who, hmp, qmp, events and reload"));
        }
        if (t.startsWith("{")) {
            return done(refused("that is a QMP command; use monmux ctl qmp"));
        }
        SharedVm vm = found.get();
        CommandPlan plan = ctx.sessions().hmp().forVm(vm.link()).plan(line, null, vm.name());
        return run(vm, plan);
    }

    /** One QMP command, read as QEMU reads it (and as a raw QMP line at the prompt is). */
    CompletableFuture<ObjectNode> qmp(String vmName, String text) {
        Optional<SharedVm> found = vm(vmName);
        if (found.isEmpty()) {
            return done(noSuchVm(vmName));
        }
        if (tooLong(text)) {
            return done(refused(tooLongMessage()));
        }
        SharedVm vm = found.get();
        QmpEndpoint link = vm.link();
        RawQmpLine raw = RawQmpLine.read(
                text == null ? "" : text,
                link.greeting() != null && link.greeting().offers("oob"));
        if (raw.problem() != null) {
            // A command given whole, not typed on a line: not the prompt's "type ... on one line".
            return done(refused(
                    raw.unfinished()
                            ? "the command ends inside a JSON value (give the whole QMP command)"
                            : raw.problem()));
        }
        CommandPlan plan = ctx.sessions()
                .qmp()
                .plan(
                        raw.request(),
                        link,
                        req -> caller -> caller.execute(req).thenApply(ControlCommands::reply),
                        ControlCommands::reply);
        return run(vm, plan);
    }

    /** Longer than a line at the prompt may be (limits.lineBytes): its notices and audit records would be too. */
    private boolean tooLong(String text) {
        return text != null
                && (text.length() > ctx.lineBytes() || text.getBytes(StandardCharsets.UTF_8).length > ctx.lineBytes());
    }

    private String tooLongMessage() {
        return "line too long (max " + ctx.lineBytes() + " bytes, limits.lineBytes)";
    }

    private static CommandResult reply(ObjectNode reply) {
        return CommandResult.ofReply(QmpJson.compact(reply) + "\n", reply);
    }

    private CompletableFuture<ObjectNode> run(SharedVm vm, CommandPlan plan) {
        SessionContext s = ctx.sessions();
        return new CommandPipeline(s.gate(), s.observer())
                .result(
                        client.actor(vm),
                        vm.link(),
                        plan,
                        loop,
                        WORDING,
                        SendOrder.Turn.unordered(),
                        p -> vm.announceCommand(client.who(), p, null))
                .thenApply(r -> {
                    ObjectNode a = answer(status(r.outcome()), r.text());
                    a.put("outcome", r.outcome().label());
                    if (r.errorText() != null) {
                        a.put("error", r.errorText());
                    }
                    return a;
                });
    }

    /** How an outcome is answered (and becomes {@code monmux ctl}'s exit status). */
    static String status(Outcome o) {
        return switch (o) {
            case OK -> OK;
            case ERROR -> ERROR;
            case DENIED, REFUSED -> REFUSED;
            case TIMEOUT, LINK_LOST -> DOWN;
        };
    }

    private static final CommandPipeline.Wording WORDING = new CommandPipeline.Wording() {
        @Override
        public CommandResult denied(String reason) {
            return new CommandResult(reason + "\n", Outcome.DENIED, null, reason);
        }

        @Override
        public CommandResult refused(String reason) {
            return new CommandResult(reason + "\n", Outcome.REFUSED, null, reason);
        }
    };

    /** Re-reads the configuration: needs role admin on every VM, as {@code .reload} does. */
    CompletableFuture<ObjectNode> reload() {
        Optional<String> denied =
                BuiltinCommands.reloadDenied("reload", ctx.sessions().vms().all(), client::roleOn);
        if (denied.isPresent()) {
            return done(refused(denied.get()));
        }

        return ctx.reload().reload(client.actor(null)).thenApply(r -> answer(r.ok() ? OK : ERROR, r.line() + "\n"));
    }

    private static CompletableFuture<ObjectNode> done(ObjectNode o) {
        return CompletableFuture.completedFuture(o);
    }
}
