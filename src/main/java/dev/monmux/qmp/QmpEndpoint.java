package dev.monmux.qmp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.config.QmpAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A VM's QMP connection as front ends use it: send commands, watch state and events.
 * {@link VmLink} is the real one; tests and fuzzers may script their own.
 */
public interface QmpEndpoint extends QmpCaller {
    /** Visible link state. */
    enum State {
        CONNECTING,
        UP,
        DOWN
    }

    String name();

    /**
     * Asks for a connection attempt now if the link is down and waiting to retry; the outcome
     * reaches the listeners ({@link VmLinkListener#onUp}, {@link VmLinkListener#onReconnectScheduled}).
     *
     * @return whether an attempt is coming (false: the link will not try, e.g. it is closed)
     */
    default boolean connectSoon() {
        return false;
    }

    QmpAddress address();

    State state();

    /** The greeting of the current (or last) QEMU, or null if none was ever received. */
    QmpGreeting greeting();

    /**
     * The QMP commands the current QEMU has ({@code query-commands}, read when the link comes
     * up); empty while unknown.
     */
    default Set<String> commands() {
        return Set.of();
    }

    /** Why the link is not up, or null. */
    String lastError();

    /**
     * Sends a complete QMP request and completes with QEMU's whole reply, carrying the caller's
     * own {@code id} (or none). Fails with {@link VmLinkException} when there is no answer.
     */
    @Override
    CompletableFuture<ObjectNode> execute(ObjectNode request);

    /**
     * The thread on which listeners are called and replies complete, in the order QEMU sent them.
     * A front end that must keep a reply in its place among the events submits the request here
     * and hops back to its own thread from the completion (see the QMP front end).
     */
    default Executor linkExecutor() {
        return Runnable::run;
    }

    void addListener(VmLinkListener l);

    void removeListener(VmLinkListener l);

    /** Closes the connection for good; pending commands fail. */
    CompletableFuture<Void> close();
}
