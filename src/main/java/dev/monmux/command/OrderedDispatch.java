package dev.monmux.command;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * One client's requests, in the order received: up to {@code inFlight} run at once, further ones
 * wait (none is lost), their commands reach QEMU in the order the requests came ({@link SendOrder})
 * and the answers are written strictly in that order. A
 * barrier request (telnet's {@code cpu N}) runs alone: it waits for the ones before it and holds
 * back the ones after it. Past {@code maxWaiting} waiting requests the client's input is paused,
 * and resumed once half of them have started.
 *
 * <p>Used by the telnet and the QMP sessions alike. Confined to the client's event loop; answers
 * completing elsewhere are brought back to it.
 *
 * @param <R> a request
 */
public final class OrderedDispatch<R> {

    /** The session the requests belong to. */
    public interface Client<R> {
        /** Whether requests may be started now (e.g. greeted and not closed). */
        boolean ready();

        /** Whether {@code request} must run alone. */
        default boolean isBarrier(R request) {
            return false;
        }

        /**
         * Starts a request; completes with its answer. A request that sends a command to QEMU
         * sends it in {@code turn} (see {@link CommandPipeline}); the turn is passed for it when
         * the answer completes, if it was not before.
         */
        CompletableFuture<String> start(R request, SendOrder.Turn turn);

        /** The answer for a request whose future failed unexpectedly (a bug, to be logged). */
        String failed(R request, Throwable error);

        /** Writes an answer (in request order). */
        void write(String answer);

        /** Stops or resumes reading from the client. */
        void pauseInput(boolean paused);

        /** Called after every round of progress; {@link #idle()} tells whether all is answered. */
        default void settled() {}
    }

    private static final class Slot {
        final boolean barrier;
        boolean done;
        String answer;

        Slot(boolean barrier) {
            this.barrier = barrier;
        }
    }

    private final Client<R> client;
    private final EventExecutor loop;
    private final int inFlight;
    private final int maxWaiting;
    private final ArrayDeque<R> waiting = new ArrayDeque<>();
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private final SendOrder order = new SendOrder();
    private boolean barrierInFlight;
    private boolean inputPaused;
    private boolean advancing;
    private boolean again;

    public OrderedDispatch(Client<R> client, EventExecutor loop, int inFlight, int maxWaiting) {
        this.client = client;
        this.loop = loop;
        this.inFlight = inFlight;
        this.maxWaiting = maxWaiting;
    }

    /** A request from the client. */
    public void add(R request) {
        waiting.add(request);
        advance();
        if (!inputPaused && waiting.size() >= maxWaiting) {
            inputPaused = true;
            client.pauseInput(true);
        }
    }

    /** Nothing waiting and nothing in flight. */
    public boolean idle() {
        return waiting.isEmpty() && slots.isEmpty();
    }

    /** Writes what is answered, starts what may start; call again when the client's state changes. */
    public void advance() {
        if (advancing) {
            again = true;
            return;
        }
        advancing = true;
        try {
            do {
                again = false;
                writeFinished();
                startWaiting();
                // Inside the loop: resuming input may deliver more requests re-entrantly.
                if (inputPaused && waiting.size() <= maxWaiting / 2) {
                    inputPaused = false;
                    client.pauseInput(false);
                }
            } while (again);
            client.settled();
        } finally {
            advancing = false;
        }
    }

    private void writeFinished() {
        while (!slots.isEmpty() && slots.peek().done) {
            Slot s = slots.poll();
            if (s.barrier) {
                barrierInFlight = false;
            }
            client.write(s.answer);
        }
    }

    private void startWaiting() {
        while (client.ready() && !waiting.isEmpty() && !barrierInFlight && slots.size() < inFlight) {
            R request = waiting.peek();
            boolean barrier = client.isBarrier(request);
            if (barrier && !slots.isEmpty()) {
                return;
            }
            waiting.poll();
            Slot slot = new Slot(barrier);
            slots.add(slot);
            barrierInFlight = barrier;
            SendOrder.Turn turn = order.next();
            CompletableFuture<String> answer;
            try {
                answer = client.start(request, turn);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((text, err) -> {
                if (loop.inEventLoop()) {
                    finish(slot, request, turn, text, err);
                } else {
                    loop.execute(() -> finish(slot, request, turn, text, err));
                }
            });
        }
    }

    private void finish(Slot slot, R request, SendOrder.Turn turn, String text, Throwable err) {
        turn.pass();
        slot.done = true;
        slot.answer = err == null ? text : client.failed(request, err);
        advance();
    }
}
