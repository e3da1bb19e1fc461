package dev.monmux.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.command.ActivityListener;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpEvent;
import dev.monmux.qmp.QmpGreeting;
import dev.monmux.qmp.QmpJson;
import dev.monmux.qmp.VmLinkListener;
import dev.monmux.session.EventFilter;
import dev.monmux.session.EventFormatter;
import dev.monmux.session.SharedVm;
import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code monmux ctl events}: a VM's events, as they come, to one control client, one JSON object
 * per line ({@code {"event": <QEMU's event>, "line": "<as the prompt shows it>"}}), and the VM
 * going down and up as {@code {"notice": "..."}}. A client that does not read loses events
 * (counted, and told how many once it reads again) rather than making monmux hold them.
 *
 * <p>Events arrive on the VM link's event loop; starting, stopping, moving to a new link and
 * the check after a reload of the users happen on the client's.
 */
final class EventFollower implements VmLinkListener {
    private final Channel channel;
    private final EventFilter filter;
    private final EventFormatter formatter;
    private final ActivityListener activity;
    /** Null while the client may still follow the VM, else why not (a reload took it away). */
    private final Function<SharedVm, String> refusal;

    private final AtomicInteger dropped = new AtomicInteger();
    private volatile SharedVm vm;
    private volatile boolean stopped;

    EventFollower(
            Channel channel,
            SharedVm vm,
            EventFilter filter,
            EventFormatter formatter,
            ActivityListener activity,
            Function<SharedVm, String> refusal) {
        this.channel = channel;
        this.vm = vm;
        this.filter = filter;
        this.formatter = formatter;
        this.activity = activity;
        this.refusal = refusal;
    }

    String vmName() {
        return vm.name();
    }

    void start() {
        vm.link().addListener(this);
    }

    /** The client is gone (on its event loop): no more events, and no move to another link. */
    void stop() {
        stopped = true;
        vm.link().removeListener(this);
    }

    /**
     * A reload gave the VM a new link ({@code fresh}), or removed it (null), from any thread: the
     * follower moves to the new link, or says so and ends.
     */
    void replaced(SharedVm fresh) {
        channel.eventLoop().execute(() -> {
            if (stopped) {
                return;
            }
            vm.link().removeListener(this);
            if (fresh == null) {
                end("VM '" + vm.name() + "' was removed from the configuration");
                return;
            }
            vm = fresh;
            fresh.link().addListener(this);
            send(notice("VM '" + vm.name() + "' was changed in the configuration; following its new link"));
        });
    }

    /** The users were reloaded (any thread): a client that lost the VM, or its account, is told and closed. */
    void usersReloaded() {
        channel.eventLoop().execute(() -> {
            String why = stopped ? null : refusal.apply(vm);
            if (why != null) {
                vm.link().removeListener(this);
                end(why);
            }
        });
    }

    /** monmux is stopping (any thread): the client is told; the listener closes the connection next. */
    void monmuxStopping() {
        channel.eventLoop().execute(() -> {
            if (!stopped) {
                vm.link().removeListener(this);
                end("monmux is stopping");
            }
        });
    }

    private void end(String why) {
        stopped = true;
        channel.writeAndFlush(QmpJson.encodeLine(channel.alloc(), notice(why))).addListener(f -> channel.close());
    }

    @Override
    public void onEvent(QmpEndpoint link, QmpEvent event) {
        if (stopped || !filter.shows(event.name())) {
            return;
        }
        if (!channel.isWritable()) {
            dropped.incrementAndGet();
            return;
        }
        int lost = dropped.getAndSet(0);
        if (lost > 0) {
            activity.eventsDropped(vm.name(), lost);
            send(notice(lost + " event" + (lost == 1 ? "" : "s") + " not shown: the client was not reading"));
        }
        ObjectNode o = QmpJson.object();
        o.set("event", event.raw());
        o.put("line", formatter.format(event));
        send(o);
    }

    @Override
    public void onUp(QmpEndpoint link, QmpGreeting greeting) {
        if (!stopped) {
            send(notice("VM '" + vm.name() + "' is up (QEMU " + greeting.version() + ")"));
        }
    }

    @Override
    public void onDown(QmpEndpoint link, String reason) {
        if (!stopped) {
            send(notice("VM '" + vm.name() + "' is down, reconnecting"));
        }
    }

    private static ObjectNode notice(String text) {
        return QmpJson.object().put("notice", text);
    }

    private void send(ObjectNode o) {
        channel.writeAndFlush(QmpJson.encodeLine(channel.alloc(), o));
    }
}
