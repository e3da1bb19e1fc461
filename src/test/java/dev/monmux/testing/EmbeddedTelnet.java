package dev.monmux.testing;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandGate;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.FallbackHmpPlanner;
import dev.monmux.command.QmpRequestPlanner;
import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import dev.monmux.net.ConnectionLimiter;
import dev.monmux.session.BuiltinCommands;
import dev.monmux.session.Console;
import dev.monmux.session.EventFormatter;
import dev.monmux.session.OperatorSession;
import dev.monmux.session.SessionContext;
import dev.monmux.session.SessionRegistry;
import dev.monmux.session.SharedVm;
import dev.monmux.session.VmDirectory;
import dev.monmux.telnet.TelnetChannelInitializer;
import dev.monmux.telnet.TelnetSessionHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;

/**
 * The whole telnet pipeline of a monmux connection on an {@link EmbeddedChannel}, with one
 * {@link ScriptedVm}: no sockets, no threads, deterministic. For session tests and fuzzing.
 */
public final class EmbeddedTelnet {
    private final EmbeddedChannel channel;
    private final ScriptedVm vm;
    private final SessionRegistry sessions = new SessionRegistry();
    private boolean quitBySession;

    public EmbeddedTelnet(TelnetMode mode, LimitsConfig limits) {
        this(mode, limits, CommandGate.OPEN, CommandObserver.NONE, ActivityListener.NONE);
    }

    /** With the given gate and observers (ACL, audit and metrics tests). */
    public EmbeddedTelnet(
            TelnetMode mode,
            LimitsConfig limits,
            CommandGate gate,
            CommandObserver observer,
            ActivityListener activity) {
        this.vm = new ScriptedVm("vm1");
        VmDirectory vms = new VmDirectory();
        vms.add(new SharedVm(vm, new EventFormatter(ZoneId.of("UTC")), activity));
        SessionContext ctx = new SessionContext(
                vms,
                sessions,
                new BuiltinCommands(),
                dev.monmux.command.HmpPlanners.fixed(new FallbackHmpPlanner()),
                new QmpRequestPlanner(new FallbackHmpPlanner()),
                gate,
                observer,
                activity,
                limits.commandsInFlight(),
                limits.maxQueuedLines(),
                dev.monmux.session.Access.open(),
                dev.monmux.Version.get());
        TelnetSessionHandler.SessionFactory factory = (ch, console) -> new OperatorSession(
                sessions.nextId(), "embedded", "telnet:embedded", ctx, null, new QuitRecorder(console), ch.eventLoop());
        var consoleSettings = new TelnetSessionHandler.ConsoleSettings(
                limits.lineBytes(), limits.historySize(), limits.typeAheadKeys(), (session, before) -> List.of());
        channel = new EmbeddedChannel(new TelnetChannelInitializer(
                mode,
                limits,
                new ConnectionLimiter(limits.maxClients(), limits.maxClientsPerAddress(), () -> {}),
                factory,
                consoleSettings));
        channel.runPendingTasks();
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    public SessionRegistry sessions() {
        return sessions;
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

    /** All output written since the last call, as text (telnet option bytes included). */
    public String output() {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    /** Control characters made visible, for failure messages. */
    public static String show(String s) {
        StringBuilder sb = new StringBuilder("'");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    /** True once the session itself closed the connection ({@code .quit}, {@code .exit}). */
    public boolean quitBySession() {
        return quitBySession;
    }

    /** Passes everything through, noting when the session (not the transport) closes. */
    private final class QuitRecorder implements Console {
        private final Console inner;

        QuitRecorder(Console inner) {
            this.inner = inner;
        }

        @Override
        public boolean interactive() {
            return inner.interactive();
        }

        @Override
        public void output(String text) {
            inner.output(text);
        }

        @Override
        public void notice(String line, boolean droppable) {
            inner.notice(line, droppable);
        }

        @Override
        public void ask(String text, String question, boolean hidden) {
            inner.ask(text, question, hidden);
        }

        @Override
        public boolean hasPendingInput() {
            return inner.hasPendingInput();
        }

        @Override
        public void pauseInput(boolean paused) {
            inner.pauseInput(paused);
        }

        @Override
        public void close() {
            quitBySession = true;
            inner.close();
        }
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    public void close() {
        channel.finishAndReleaseAll();
    }
}
