package dev.monmux.qmp;

/**
 * Receives what happens on a {@link QmpEndpoint}. Called on the link's event loop: implementations
 * hand work to their own thread and return quickly.
 */
public interface VmLinkListener {
    /** A QMP event from QEMU. */
    default void onEvent(QmpEndpoint link, QmpEvent event) {}

    /** The link completed its handshake and accepts commands. */
    default void onUp(QmpEndpoint link, QmpGreeting greeting) {}

    /** The link was up and is not any more; it is reconnecting (unless monmux is stopping). */
    default void onDown(QmpEndpoint link, String reason) {}

    /** A connection attempt failed or an established one was lost (every time, for metrics). */
    default void onReconnectScheduled(QmpEndpoint link, long delayMillis) {}
}
