package dev.monmux.qmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.monmux.config.QmpAddress;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QMP handshake on one fresh connection to QEMU: its greeting, {@code qmp_capabilities}
 * (with {@code oob} when QEMU offers it, so that QMP clients can use {@code exec-oob} through
 * monmux), then {@code query-commands} (a command this QEMU lacks can do nothing, whoever sends
 * it). Bounded by the handshake timeout; a refusal or a timeout closes the connection. Confined
 * to the link's event loop.
 */
final class QmpHandshake {
    private static final Logger log = LoggerFactory.getLogger(QmpHandshake.class);
    private static final String CAPS_ID = "monmux-qmp-capabilities";
    private static final String COMMANDS_ID = "monmux-query-commands";

    /** How it ended; called at most once. */
    interface Outcome {
        /** QEMU's greeting arrived (the handshake goes on). */
        void greeted(QmpGreeting greeting);

        /** QEMU greeted, accepted the capabilities and listed its commands. */
        void up(QmpGreeting greeting, Set<String> commands);

        /** QEMU did not complete the handshake; the connection is being closed. */
        void failed(String reason);
    }

    private enum Step {
        GREETING,
        CAPABILITIES,
        COMMANDS,
        DONE
    }

    private final String vm;
    private final QmpAddress address;
    private final Channel channel;
    private final Outcome outcome;
    private final ScheduledFuture<?> timer;
    private Step step = Step.GREETING;
    private QmpGreeting greeting;

    QmpHandshake(String vm, QmpAddress address, Channel channel, Duration timeout, Outcome outcome) {
        this.vm = vm;
        this.address = address;
        this.channel = channel;
        this.outcome = outcome;
        long ms = timeout.toMillis();
        this.timer = channel.eventLoop()
                .schedule(
                        () -> {
                            if (step != Step.DONE) {
                                fail("no QMP handshake from " + address + " within " + ms + " ms");
                            }
                        },
                        ms,
                        TimeUnit.MILLISECONDS);
    }

    /** Whether the link is up (the handshake completed). */
    boolean done() {
        return step == Step.DONE;
    }

    /** Whether QEMU's greeting has arrived. */
    boolean greeted() {
        return step != Step.GREETING;
    }

    /** A message from QEMU while the handshake runs. */
    void received(ObjectNode msg) {
        switch (step) {
            case GREETING -> greeting(msg);
            case CAPABILITIES -> capabilities(msg);
            case COMMANDS -> commands(msg);
            case DONE -> {}
        }
    }

    /** The connection went away: no timer left behind. */
    void cancel() {
        timer.cancel(false);
    }

    private void greeting(ObjectNode msg) {
        QmpGreeting g = QmpGreeting.from(msg);
        if (g == null) {
            fail(address + " is not a QMP socket (first message was not a greeting)");
            return;
        }
        greeting = g;
        outcome.greeted(g);
        ObjectNode caps = QmpJson.object().put("execute", "qmp_capabilities");
        if (g.offers("oob")) {
            caps.putObject("arguments").putArray("enable").add("oob");
        }
        caps.set("id", TextNode.valueOf(CAPS_ID));
        step = Step.CAPABILITIES;
        channel.writeAndFlush(QmpJson.encodeLine(channel.alloc(), caps), channel.voidPromise());
    }

    private void capabilities(ObjectNode msg) {
        if (msg.has("event")) {
            return;
        }
        if (!CAPS_ID.equals(msg.path("id").asText()) || !msg.has("return")) {
            fail("QEMU refused qmp_capabilities: " + QmpJson.compact(msg));
            return;
        }
        ObjectNode list = QmpJson.object().put("execute", "query-commands");
        list.set("id", TextNode.valueOf(COMMANDS_ID));
        step = Step.COMMANDS;
        channel.writeAndFlush(QmpJson.encodeLine(channel.alloc(), list), channel.voidPromise());
    }

    private void commands(ObjectNode msg) {
        if (msg.has("event")) {
            return;
        }
        Set<String> names = new HashSet<>();
        if (COMMANDS_ID.equals(msg.path("id").asText()) && msg.path("return").isArray()) {
            msg.path("return").forEach(c -> names.add(c.path("name").asText()));
        } else {
            log.warn(
                    "VM '{}': query-commands failed ({}); judging QMP commands without QEMU's list",
                    vm,
                    QmpJson.compact(msg));
        }
        step = Step.DONE;
        timer.cancel(false);
        outcome.up(greeting, Set.copyOf(names));
    }

    private void fail(String reason) {
        step = Step.DONE;
        timer.cancel(false);
        log.warn("VM '{}': {}", vm, reason);
        outcome.failed(reason);
        channel.close();
    }
}
