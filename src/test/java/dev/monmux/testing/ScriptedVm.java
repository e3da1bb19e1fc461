package dev.monmux.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

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

/**
 * An in-memory VM that answers at once, for fast session-level tests and fuzzing (no sockets,
 * no threads). It knows {@code human-monitor-command "info status"} and {@code query-status};
 * anything else gets QEMU's CommandNotFound / unknown-command answers.
 */
public final class ScriptedVm implements QmpEndpoint {
    private final String name;
    private final List<VmLinkListener> listeners = new CopyOnWriteArrayList<>();
    private final QmpGreeting greeting;
    private volatile State state = State.UP;

    public ScriptedVm(String name) {
        this.name = name;
        try {
            ObjectNode g = (ObjectNode) QmpJson.MAPPER.readTree(FakeQmpServer.GREETING);
            this.greeting = QmpGreeting.from(g);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void setState(State s) {
        state = s;
    }

    /** Delivers an event to the listeners, as the link would. */
    public void emit(String eventName) {
        ObjectNode msg = QmpJson.object().put("event", eventName);
        msg.putObject("timestamp").put("seconds", 1_795_000_000L).put("microseconds", 1);
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
                        throw new QmpErrorException(r.path("error").path("class").asText(),
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
        String cmd = request.path("execute").asText(request.path("exec-oob").asText());
        ObjectNode reply = QmpJson.object();
        switch (cmd) {
            case "human-monitor-command" -> {
                String line = request.path("arguments").path("command-line").asText().strip();
                reply.set("return", TextNode.valueOf(line.equals("info status") ? "VM status: running\r\n"
                        : line.isEmpty() ? "" : "unknown command: '" + line + "'\r\n"));
            }
            case "query-status" -> reply.putObject("return").put("status", "running").put("singlestep", false)
                    .put("running", true);
            default -> reply.putObject("error").put("class", "CommandNotFound")
                    .put("desc", "The command " + cmd + " has not been found");
        }
        if (request.has("id")) {
            reply.set("id", request.get("id"));
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
