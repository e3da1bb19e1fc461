package dev.monmux.command;

import java.time.Duration;
import java.util.List;

/** Several activity listeners as one, called in order. */
public final class ActivityListeners implements ActivityListener {
    private final List<ActivityListener> listeners;

    private ActivityListeners(List<ActivityListener> listeners) {
        this.listeners = listeners;
    }

    public static ActivityListener of(List<ActivityListener> listeners) {
        return listeners.isEmpty()
                ? NONE
                : listeners.size() == 1 ? listeners.get(0) : new ActivityListeners(List.copyOf(listeners));
    }

    @Override
    public void sessionOpened(Actor actor) {
        listeners.forEach(l -> l.sessionOpened(actor));
    }

    @Override
    public void sessionClosed(Actor actor, String reason) {
        listeners.forEach(l -> l.sessionClosed(actor, reason));
    }

    @Override
    public void loginSucceeded(Actor actor) {
        listeners.forEach(l -> l.loginSucceeded(actor));
    }

    @Override
    public void loginFailed(String user, String remote, String listener, String reason) {
        listeners.forEach(l -> l.loginFailed(user, remote, listener, reason));
    }

    @Override
    public void loginDelayed(String remote, String listener, Duration delay) {
        listeners.forEach(l -> l.loginDelayed(remote, listener, delay));
    }

    @Override
    public void lockChanged(Actor actor, String vm, String action, String previousHolder) {
        listeners.forEach(l -> l.lockChanged(actor, vm, action, previousHolder));
    }

    @Override
    public void said(Actor actor, String vm, String text) {
        listeners.forEach(l -> l.said(actor, vm, text));
    }

    @Override
    public void vmUp(String vm, String qemuVersion) {
        listeners.forEach(l -> l.vmUp(vm, qemuVersion));
    }

    @Override
    public void vmDown(String vm, String reason) {
        listeners.forEach(l -> l.vmDown(vm, reason));
    }

    @Override
    public void eventFannedOut(String vm, String event, int clients) {
        listeners.forEach(l -> l.eventFannedOut(vm, event, clients));
    }

    @Override
    public void eventsDropped(String vm, int count) {
        listeners.forEach(l -> l.eventsDropped(vm, count));
    }

    @Override
    public void configReloaded(boolean ok, String detail) {
        listeners.forEach(l -> l.configReloaded(ok, detail));
    }

    @Override
    public void connectionRefused(String listener) {
        listeners.forEach(l -> l.connectionRefused(listener));
    }
}
