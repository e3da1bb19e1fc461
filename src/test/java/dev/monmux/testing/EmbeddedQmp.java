package dev.monmux.testing;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandGate;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.FallbackHmpPlanner;
import dev.monmux.command.QmpRequestPlanner;
import dev.monmux.config.LimitsConfig;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.qmpserver.QmpChannelInitializer;
import dev.monmux.qmpserver.QmpServerContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole pipeline of a monmux QMP client connection on an {@link EmbeddedChannel}, against a
 * {@link ScriptedVm}: no sockets, no threads. For handler tests and fuzzing.
 */
public final class EmbeddedQmp {
    private final EmbeddedChannel channel;
    private final ScriptedVm vm;
    private final StringBuilder pending = new StringBuilder();

    public EmbeddedQmp(
            ScriptedVm vm,
            CommandGate gate,
            CommandObserver observer,
            ActivityListener activity,
            String role,
            int maxMessageBytes) {
        this.vm = vm;
        LimitsConfig limits = new LimitsConfig(null, 4, 64, null, null, null, null, null, null, null, null, null, null);
        AtomicLong ids = new AtomicLong();
        QmpServerContext ctx = new QmpServerContext(
                new QmpRequestPlanner(new FallbackHmpPlanner()),
                gate,
                observer,
                activity,
                limits.commandsInFlight(),
                limits.maxQueuedLines(),
                Duration.ofSeconds(10),
                maxMessageBytes,
                () -> "q" + ids.incrementAndGet(),
                QmpServerContext.Announcer.NONE);
        channel = new EmbeddedChannel(new QmpChannelInitializer(
                vm,
                ctx,
                limits,
                new ConnectionLimiter(limits.maxClients(), limits.maxClientsPerAddress(), () -> {}),
                role));
        channel.runPendingTasks();
    }

    public EmbeddedQmp() {
        this(new ScriptedVm("vm1"), CommandGate.OPEN, CommandObserver.NONE, ActivityListener.NONE, "admin", 4096);
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    public ScriptedVm vm() {
        return vm;
    }

    public void send(byte[] bytes) {
        if (channel.isOpen()) {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            channel.runPendingTasks();
        }
    }

    public void send(String s) {
        send(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Complete lines written since the last call, without their {@code \r\n}. */
    public List<String> lines() {
        // A task may queue more (a reply completing dispatches the next request): run them all.
        for (int round = 0; round < 100_000; round++) {
            channel.runPendingTasks();
            boolean any = false;
            ByteBuf b;
            while ((b = channel.readOutbound()) != null) {
                pending.append(b.toString(StandardCharsets.UTF_8));
                b.release();
                any = true;
            }
            if (!any) {
                break;
            }
        }
        List<String> out = new ArrayList<>();
        int nl;
        while ((nl = pending.indexOf("\r\n")) >= 0) {
            out.add(pending.substring(0, nl));
            pending.delete(0, nl + 2);
        }
        return out;
    }

    /** Reads the greeting and negotiates capabilities; returns the greeting line. */
    public String negotiate() {
        String greeting = lines().get(0);
        send("{\"execute\": \"qmp_capabilities\"}\n");
        List<String> r = lines();
        if (!r.equals(List.of("{\"return\": {}}"))) {
            throw new AssertionError("negotiation failed: " + r);
        }
        return greeting;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    public void close() {
        channel.finishAndReleaseAll();
    }
}
