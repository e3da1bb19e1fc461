package dev.monmux.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.effect.Effect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class CommandPipelineTest {
    private static final Actor ALICE = new Actor("s1", "alice", "operator", "127.0.0.1:1", "telnet");
    private static final CommandPlan STOP =
            CommandPlan.answered("stop", "stop", Effect.CONTROL, Route.NATIVE, CommandResult.ok(""));
    private static final CommandPipeline.Wording WORDING = new CommandPipeline.Wording() {
        @Override
        public CommandResult denied(String reason) {
            return new CommandResult("denied: " + reason, Outcome.DENIED, null, reason);
        }

        @Override
        public CommandResult refused(String reason) {
            return new CommandResult("refused: " + reason, Outcome.REFUSED, null, reason);
        }
    };

    private final List<String> events = new ArrayList<>();
    /** The "event loop": tasks run when the test says so, so hops are visible. */
    private final List<Runnable> loopTasks = new ArrayList<>();

    private final Executor loop = loopTasks::add;

    private void runLoop() {
        while (!loopTasks.isEmpty()) {
            loopTasks.remove(0).run();
        }
    }

    private final class RecordingObserver implements CommandObserver {
        final CompletableFuture<Void> start = new CompletableFuture<>();
        final CompletableFuture<Void> end = new CompletableFuture<>();

        @Override
        public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
            events.add("started " + plan.name());
            return start;
        }

        @Override
        public CompletableFuture<Void> finished(Actor actor, String vm, CommandPlan plan, CommandResult r, Duration d) {
            events.add("finished " + r.outcome().label());
            return end;
        }
    }

    @Test
    void sendsOnlyAfterTheStartIsRecordedAndAnswersOnlyAfterTheOutcomeIs() {
        RecordingObserver obs = new RecordingObserver();
        CompletableFuture<String> out = new CommandPipeline(CommandGate.OPEN, obs)
                .run(ALICE, "vm1", STOP, loop, WORDING, new SendOrder().next(), p -> {
                    events.add("sent");
                    return CompletableFuture.completedFuture(CommandResult.ok("done\r\n"));
                });
        assertEquals(List.of("started stop"), events);
        obs.start.complete(null); // e.g. on the audit writer's thread
        assertEquals(List.of("started stop"), events, "nothing is sent off the client's loop");
        runLoop();
        assertEquals(List.of("started stop", "sent", "finished ok"), events);
        assertFalse(out.isDone(), "no answer before the outcome is recorded");
        obs.end.complete(null);
        runLoop();
        assertEquals("done\r\n", out.join());
    }

    @Test
    void aRefusedCommandIsNeverSentNorStartedButItsOutcomeIsRecorded() {
        RecordingObserver obs = new RecordingObserver();
        obs.end.complete(null);
        CommandGate locked = (actor, vm, plan) -> Optional.of("VM 'vm1' is locked");
        String out = new CommandPipeline(locked, obs)
                .run(ALICE, "vm1", STOP, loop, WORDING, new SendOrder().next(), p -> {
                    throw new AssertionError("sent");
                })
                .join();
        assertEquals("denied: VM 'vm1' is locked", out);
        assertEquals(List.of("finished denied"), events);
    }

    @Test
    void anUnrecordableStartRefusesTheCommand() {
        RecordingObserver obs = new RecordingObserver();
        obs.end.complete(null);
        obs.start.completeExceptionally(new IllegalStateException("audit log unavailable: disk full"));
        String out = new CommandPipeline(CommandGate.OPEN, obs)
                .run(ALICE, "vm1", STOP, loop, WORDING, new SendOrder().next(), p -> {
                    throw new AssertionError("sent");
                })
                .join();
        assertEquals("refused: command refused: audit log unavailable: disk full", out);
        assertTrue(events.contains("finished refused"));
    }

    @Test
    void aCommandWhoseStartIsRecordedFirstStillWaitsForTheOneTypedBeforeIt() {
        // The audit writer finished the second line's record before the first's hop back to the
        // client's loop ran: the second must not overtake the first on its way to QEMU.
        CompletableFuture<Void> firstRecorded = new CompletableFuture<>();
        CommandObserver obs = new CommandObserver() {
            @Override
            public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
                return plan.name().equals("stop") ? firstRecorded : CompletableFuture.completedFuture(null);
            }
        };
        CommandPlan status =
                CommandPlan.answered("info status", "info status", Effect.QUERY, Route.NATIVE, CommandResult.ok(""));
        SendOrder order = new SendOrder();
        CommandPipeline pipeline = new CommandPipeline(CommandGate.OPEN, obs);
        List<String> sent = new ArrayList<>();
        CompletableFuture<String> a = pipeline.run(ALICE, "vm1", STOP, loop, WORDING, order.next(), p -> {
            sent.add(p.name());
            return CompletableFuture.completedFuture(CommandResult.ok("a"));
        });
        SendOrder.Turn second = order.next();
        CompletableFuture<String> b = pipeline.run(ALICE, "vm1", status, loop, WORDING, second, p -> {
            sent.add(p.name());
            return CompletableFuture.completedFuture(CommandResult.ok("b"));
        });
        runLoop();
        assertEquals(List.of(), sent, "the second line waits for the first, whose record is not written yet");
        firstRecorded.complete(null);
        runLoop();
        assertEquals(List.of("stop", "info status"), sent);
        assertEquals("a", a.join());
        assertEquals("b", b.join());
    }

    @Test
    void aRefusedCommandLetsTheNextOneGoInItsTurn() {
        CommandGate refuseStop = (actor, vm, plan) -> plan.name().equals("stop") ? Optional.of("no") : Optional.empty();
        SendOrder order = new SendOrder();
        CommandPipeline pipeline = new CommandPipeline(refuseStop, CommandObserver.NONE);
        List<String> sent = new ArrayList<>();
        pipeline.run(ALICE, "vm1", STOP, loop, WORDING, order.next(), p -> {
            throw new AssertionError("sent");
        });
        CommandPlan cont = CommandPlan.answered("cont", "cont", Effect.CONTROL, Route.NATIVE, CommandResult.ok(""));
        pipeline.run(ALICE, "vm1", cont, loop, WORDING, order.next(), p -> {
            sent.add(p.name());
            return CompletableFuture.completedFuture(CommandResult.ok(""));
        });
        runLoop();
        assertEquals(List.of("cont"), sent);
    }
}
