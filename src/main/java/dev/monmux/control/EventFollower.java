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

/**
 * {@code monmux ctl events}: a VM's events, as they come, to one control client, one JSON object
 * per line ({@code {"event": <QEMU's event>, "line": "<as the prompt shows it>"}}), and the VM
 * going down and up as {@code {"notice": "..."}}. A client that does not read loses events
 * (counted, and told how many once it reads again) rather than making monmux hold them.
 * Called on the VM link's event loop.
 */
final class EventFollower implements VmLinkListener {
    private final Channel channel;
    private final EventFilter filter;
    private final EventFormatter formatter;
    private final ActivityListener activity;
    private volatile SharedVm vm;
    private int dropped;

    EventFollower(
            Channel channel, SharedVm vm, EventFilter filter, EventFormatter formatter, ActivityListener activity) {
        this.channel = channel;
        this.vm = vm;
        this.filter = filter;
        this.formatter = formatter;
        this.activity = activity;
    }

    String vmName() {
        return vm.name();
    }

    void start() {
        vm.link().addListener(this);
    }

    void stop() {
        vm.link().removeListener(this);
    }

    /**
     * A reload gave the VM a new link ({@code fresh}), or removed it (null): the follower moves
     * to the new link, or says so and ends.
     */
    void replaced(SharedVm fresh) {
        stop();
        if (fresh == null) {
            send(notice("VM '" + vm.name() + "' was removed from the configuration"));
            channel.close();
            return;
        }
        vm = fresh;
        start();
        send(notice("VM '" + vm.name() + "' was changed in the configuration; following its new link"));
    }

    @Override
    public void onEvent(QmpEndpoint link, QmpEvent event) {
        if (!filter.shows(event.name())) {
            return;
        }
        if (!channel.isWritable()) {
            dropped++;
            return;
        }
        if (dropped > 0) {
            activity.eventsDropped(vm.name(), dropped);
            send(notice(dropped + " event" + (dropped == 1 ? "" : "s") + " not shown: the client was not reading"));
            dropped = 0;
        }
        ObjectNode o = QmpJson.object();
        o.set("event", event.raw());
        o.put("line", formatter.format(event));
        send(o);
    }

    @Override
    public void onUp(QmpEndpoint link, QmpGreeting greeting) {
        send(notice("VM '" + vm.name() + "' is up (QEMU " + greeting.version() + ")"));
    }

    @Override
    public void onDown(QmpEndpoint link, String reason) {
        send(notice("VM '" + vm.name() + "' is down, reconnecting"));
    }

    private static ObjectNode notice(String text) {
        return QmpJson.object().put("notice", text);
    }

    private void send(ObjectNode o) {
        channel.writeAndFlush(QmpJson.encodeLine(channel.alloc(), o));
    }
}
