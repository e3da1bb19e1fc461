package dev.monmux.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.monmux.config.QmpAddress;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpErrorException;
import dev.monmux.qmp.QmpEvent;
import dev.monmux.qmp.QmpGreeting;
import dev.monmux.qmp.QmpJson;
import dev.monmux.qmp.VmLinkListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory VM that answers at once, for fast session-level tests and fuzzing (no sockets,
 * no threads). It knows {@code human-monitor-command "info status"}, {@code query-status} and
 * {@code stop}/{@code cont} (with their STOP/RESUME events, sent before the reply as QEMU does);
 * anything else gets QEMU's CommandNotFound / unknown-command answers. Replies can be held back
 * and released in any order, to test that front ends keep their clients' order.
 */
public final class ScriptedVm implements QmpEndpoint {
    private final String name;
    private final List<VmLinkListener> listeners = new CopyOnWriteArrayList<>();
    private final QmpGreeting greeting;
    private volatile State state = State.UP;
    private volatile boolean running = true;
    private boolean holding;
    private final List<Runnable> held = new java.util.ArrayList<>();
    private final List<ObjectNode> requests = new CopyOnWriteArrayList<>();
    private volatile java.util.Set<String> commands = java.util.Set.of();

    public ScriptedVm(String name) {
        this.name = name;
        try {
            ObjectNode g = (ObjectNode) QmpJson.MAPPER.readTree(FakeQmpServer.GREETING);
            this.greeting = QmpGreeting.from(g);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The QMP commands this VM says it has ({@code query-commands}); none known by default. */
    public ScriptedVm withCommands(java.util.Set<String> names) {
        this.commands = java.util.Set.copyOf(names);
        return this;
    }

    @Override
    public java.util.Set<String> commands() {
        return commands;
    }

    public void setState(State s) {
        state = s;
    }

    /** Brings the VM up or down and tells the listeners, as a link would. */
    public void goUp() {
        state = State.UP;
        for (VmLinkListener l : listeners) {
            l.onUp(this, greeting);
        }
    }

    public void goDown(String reason) {
        state = State.DOWN;
        for (VmLinkListener l : listeners) {
            l.onDown(this, reason);
        }
    }

    private boolean retries;
    private int connectSoonCalls;

    /** Whether {@link #connectSoon} promises an attempt (as a link waiting out its backoff does). */
    public void setRetries(boolean retries) {
        this.retries = retries;
    }

    @Override
    public boolean connectSoon() {
        connectSoonCalls++;
        return retries;
    }

    public int connectSoonCalls() {
        return connectSoonCalls;
    }

    /** A connection attempt failed (the link stays down and retries later), as a link tells it. */
    public void failAttempt(long retryMillis) {
        state = State.DOWN;
        for (VmLinkListener l : listeners) {
            l.onReconnectScheduled(this, retryMillis);
        }
    }

    /** Requests received by {@link #execute}, in order. */
    public List<ObjectNode> requests() {
        return requests;
    }

    /** From now on replies wait for {@link #release}. */
    public void holdReplies() {
        holding = true;
    }

    /** Sends the held replies, last first when {@code reversed}, and stops holding. */
    public void release(boolean reversed) {
        holding = false;
        List<Runnable> all = new java.util.ArrayList<>(held);
        held.clear();
        if (reversed) {
            java.util.Collections.reverse(all);
        }
        all.forEach(Runnable::run);
    }

    public int listenerCount() {
        return listeners.size();
    }

    /** Delivers an event to the listeners, as the link would. */
    public void emit(String eventName) {
        ObjectNode msg = QmpJson.object();
        msg.putObject("timestamp").put("seconds", 1_795_000_000L).put("microseconds", 1);
        msg.put("event", eventName);
        QmpEvent e = QmpEvent.from(msg);
        for (VmLinkListener l : listeners) {
            l.onEvent(this, e);
        }
    }

    @Override
    public CompletableFuture<JsonNode> call(String command, ObjectNode arguments) {
        return execute(QmpJson.object().put("execute", command).set("arguments", arguments))
                .thenApply(r -> {
                    if (r.has("error")) {
                        throw new QmpErrorException(
                                r.path("error").path("class").asText(),
                                r.path("error").path("desc").asText());
                    }
                    return r.get("return");
                });
    }

    @Override
    public CompletableFuture<ObjectNode> execute(ObjectNode request) {
        if (state != State.UP) {
            return CompletableFuture.failedFuture(dev.monmux.qmp.VmLinkException.down(name));
        }
        requests.add(request);
        String cmd = request.path("execute").asText(request.path("exec-oob").asText());
        ObjectNode reply = QmpJson.object();
        switch (cmd) {
            case "stop", "cont" -> {
                running = cmd.equals("cont");
                emit(running ? "RESUME" : "STOP");
                reply.putObject("return");
            }
            case "human-monitor-command" -> {
                String line =
                        request.path("arguments").path("command-line").asText().strip();
                reply.set(
                        "return",
                        TextNode.valueOf(
                                line.equals("info status")
                                        ? "VM status: running\r\n"
                                        : line.isEmpty() ? "" : "unknown command: '" + line + "'\r\n"));
            }
            case "query-status" ->
                reply.putObject("return")
                        .put("status", running ? "running" : "paused")
                        .put("singlestep", false)
                        .put("running", running);
            default ->
                reply.putObject("error")
                        .put("class", "CommandNotFound")
                        .put("desc", "The command " + cmd + " has not been found");
        }
        if (request.has("id")) {
            reply.set("id", request.get("id"));
        }
        if (holding) {
            CompletableFuture<ObjectNode> later = new CompletableFuture<>();
            held.add(() -> later.complete(reply));
            return later;
        }
        return CompletableFuture.completedFuture(reply);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public QmpAddress address() {
        return QmpAddress.parse("unix:/scripted/" + name);
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public QmpGreeting greeting() {
        return greeting;
    }

    @Override
    public String lastError() {
        return state == State.UP ? null : "scripted down";
    }

    @Override
    public void addListener(VmLinkListener l) {
        listeners.add(l);
    }

    @Override
    public void removeListener(VmLinkListener l) {
        listeners.remove(l);
    }

    @Override
    public CompletableFuture<Void> close() {
        state = State.DOWN;
        return CompletableFuture.completedFuture(null);
    }
}
