package dev.monmux.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OrderedDispatchTest {
    private final Map<String, CompletableFuture<String>> started = new LinkedHashMap<>();
    private final List<String> written = new ArrayList<>();
    private final List<Boolean> pauses = new ArrayList<>();

    private OrderedDispatch<String> dispatch(int inFlight, int maxWaiting) {
        return new OrderedDispatch<>(
                new OrderedDispatch.Client<>() {
                    @Override
                    public boolean ready() {
                        return true;
                    }

                    @Override
                    public boolean isBarrier(String r) {
                        return r.startsWith("cpu");
                    }

                    @Override
                    public CompletableFuture<String> start(String r, SendOrder.Turn turn) {
                        CompletableFuture<String> f = new CompletableFuture<>();
                        started.put(r, f);
                        return f;
                    }

                    @Override
                    public String failed(String r, Throwable e) {
                        return r + " failed: " + e.getMessage();
                    }

                    @Override
                    public void write(String answer) {
                        written.add(answer);
                    }

                    @Override
                    public void pauseInput(boolean paused) {
                        pauses.add(paused);
                    }
                },
                ImmediateEventExecutor.INSTANCE,
                inFlight,
                maxWaiting);
    }

    @Test
    void answersComeInRequestOrderWhateverOrderTheyFinishIn() {
        OrderedDispatch<String> d = dispatch(8, 100);
        d.add("a");
        d.add("b");
        d.add("c");
        started.get("c").complete("C");
        started.get("b").complete("B");
        assertEquals(List.of(), written, "nothing before a's answer");
        started.get("a").complete("A");
        assertEquals(List.of("A", "B", "C"), written);
        assertTrue(d.idle());
    }

    @Test
    void atMostInFlightRunAndABarrierRunsAlone() {
        OrderedDispatch<String> d = dispatch(2, 100);
        d.add("a");
        d.add("b");
        d.add("cpu 1");
        d.add("x");
        assertEquals(List.of("a", "b"), List.copyOf(started.keySet()));
        started.get("a").complete("A");
        assertEquals(List.of("a", "b"), List.copyOf(started.keySet()), "the barrier waits for b too");
        started.get("b").complete("B");
        assertEquals(List.of("a", "b", "cpu 1"), List.copyOf(started.keySet()), "and x waits for the barrier");
        started.get("cpu 1").complete("");
        assertEquals(List.of("a", "b", "cpu 1", "x"), List.copyOf(started.keySet()));
        started.get("x").completeExceptionally(new IllegalStateException("bug"));
        assertEquals(List.of("A", "B", "", "x failed: bug"), written);
    }

    @Test
    void inputPausesPastTheLimitAndResumesAtHalf() {
        OrderedDispatch<String> d = dispatch(1, 4);
        for (String r : List.of("a", "b", "c", "d", "e")) {
            d.add(r);
        }
        assertEquals(List.of(true), pauses, "four waiting behind a");
        started.get("a").complete("A");
        assertEquals(List.of(true), pauses, "three still waiting");
        started.get("b").complete("B");
        assertEquals(List.of(true, false), pauses, "two waiting: half the limit");
    }
}
