package dev.monmux.session;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.Route;
import dev.monmux.effect.Effect;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpEvent;
import dev.monmux.qmp.QmpGreeting;
import dev.monmux.qmp.VmLinkListener;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One VM as its operators share it: the VM's single QMP link and the sessions attached to it.
 * Fans events and link notices out to every attached session, formatting each event once.
 */
public final class SharedVm implements VmLinkListener {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SharedVm.class);
    private final QmpEndpoint link;
    private final EventFormatter formatter;
    private final ActivityListener activity;
    private final Set<OperatorSession> sessions = ConcurrentHashMap.newKeySet();

    public SharedVm(QmpEndpoint link, EventFormatter formatter) {
        this(link, formatter, ActivityListener.NONE);
    }

    /** @param activity told about every event fanned out, and the link going up and down */
    public SharedVm(QmpEndpoint link, EventFormatter formatter, ActivityListener activity) {
        this.link = link;
        this.formatter = formatter;
        this.activity = activity;
        link.addListener(this);
    }

    public String name() {
        return link.name();
    }

    public QmpEndpoint link() {
        return link;
    }

    public void join(OperatorSession s) {
        sessions.add(s);
    }

    public void leave(OperatorSession s) {
        sessions.remove(s);
    }

    /** The sessions attached now (a snapshot). */
    public List<OperatorSession> sessions() {
        return List.copyOf(sessions);
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** "QEMU 7.2.22" or a word saying why there is no version. */
    public String describeQemu() {
        QmpGreeting g = link.greeting();
        return g == null ? "QEMU (not connected yet)" : "QEMU " + g.version();
    }

    /** Sends {@code line} to every attached session except {@code except} (may be null). */
    public void broadcast(String line, OperatorSession except) {
        for (OperatorSession s : sessions) {
            if (s != except) {
                s.notice(line);
            }
        }
    }

    /**
     * Tells the operators on this VM, except {@code except}, that {@code who} runs a command that
     * is not a query: {@code [alice@10.0.0.5] stop}. For any front end (a QMP client may pass its
     * own description as {@code who}). A line that did not parse is announced to no one.
     */
    public void announceCommand(String who, CommandPlan plan, OperatorSession except) {
        String what = describe(plan);
        if (plan.effect() != Effect.QUERY && what != null) {
            broadcast("[" + who + "] " + what, except);
        }
    }

    /**
     * What the others see of a command: the line as the planner shows it (secrets replaced by
     * {@code [redacted]}), a QMP request by its name; null for a line that must be shown to no
     * one. Control characters are dropped.
     */
    static String describe(CommandPlan plan) {
        if (plan.path() == Route.QMP) {
            return plan.name() + " (QMP)";
        }
        return plan.shown() == null ? null : printable(plan.shown().strip());
    }

    /** Drops control characters, so one operator's text cannot drive another's terminal. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints()
                .filter(cp -> cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0))
                .forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /**
     * Formats the event once and hands it to each event loop that has sessions of this VM as one
     * task, which writes it to those sessions (not one task per session). Queued, never written
     * inline, so that it keeps its place among the replies queued on the same loop.
     */
    @Override
    public void onEvent(QmpEndpoint l, QmpEvent event) {
        String line = formatter.format(event);
        Map<EventExecutor, List<OperatorSession>> byLoop = new IdentityHashMap<>(4);
        int n = 0;
        for (OperatorSession s : sessions) {
            byLoop.computeIfAbsent(s.loop(), k -> new ArrayList<>()).add(s);
            n++;
        }
        byLoop.forEach((loop, on) -> loop.execute(() -> {
            for (OperatorSession s : on) {
                try {
                    s.showEvent(line, event.name());
                } catch (RuntimeException e) {
                    // one session's failure must not keep the event from the others
                    log.error("session {}: event not shown", s.id(), e);
                }
            }
        }));
        activity.eventFannedOut(name(), event.name(), n);
    }

    @Override
    public void onUp(QmpEndpoint l, QmpGreeting greeting) {
        activity.vmUp(name(), greeting.version());
        broadcast("[monmux] VM '" + name() + "' is up (QEMU " + greeting.version() + ")", null);
    }

    @Override
    public void onDown(QmpEndpoint l, String reason) {
        activity.vmDown(name(), reason);
        broadcast("[monmux] VM '" + name() + "' is down, reconnecting", null);
    }
}
