package dev.monmux.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

class CommandPipelineTest {
    private static final Actor ALICE = new Actor("s1", "alice", "operator", "127.0.0.1:1", "telnet");
    private static final CommandPlan STOP = CommandPlan.answered("stop", "stop", Effect.CONTROL, Path.NATIVE,
            CommandResult.ok(""));
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
        Outcome outcome;

        @Override
        public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
            events.add("started " + plan.name());
            return start;
        }

        @Override
        public CompletableFuture<Void> finished(Actor actor, String vm, CommandPlan plan, CommandResult r, Duration d) {
            events.add("finished " + r.outcome().label());
            outcome = r.outcome();
            return end;
        }
    }

    @Test
    void sendsOnlyAfterTheStartIsRecordedAndAnswersOnlyAfterTheOutcomeIs() {
        RecordingObserver obs = new RecordingObserver();
        CompletableFuture<String> out = new CommandPipeline(CommandGate.OPEN, obs).run(ALICE, "vm1", STOP, loop,
                WORDING, p -> {
                    events.add("sent");
                    return CompletableFuture.completedFuture(CommandResult.ok("done\r\n"));
                });
        assertEquals(List.of("started stop"), events);
        obs.start.complete(null);       // e.g. on the audit writer's thread
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
        String out = new CommandPipeline(locked, obs).run(ALICE, "vm1", STOP, loop, WORDING, p -> {
            throw new AssertionError("sent");
        }).join();
        assertEquals("denied: VM 'vm1' is locked", out);
        assertEquals(List.of("finished denied"), events);
    }

    @Test
    void anUnrecordableStartRefusesTheCommand() {
        RecordingObserver obs = new RecordingObserver();
        obs.end.complete(null);
        obs.start.completeExceptionally(new IllegalStateException("audit log unavailable: disk full"));
        String out = new CommandPipeline(CommandGate.OPEN, obs).run(ALICE, "vm1", STOP, loop, WORDING, p -> {
            throw new AssertionError("sent");
        }).join();
        assertEquals("refused: command refused: audit log unavailable: disk full", out);
        assertTrue(events.contains("finished refused"));
    }
}
