package dev.monmux.qmpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.command.ActivityListener;
import dev.monmux.command.Actor;
import dev.monmux.command.CommandGate;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.testing.EmbeddedQmp;
import dev.monmux.testing.FakeQmpServer;
import dev.monmux.testing.ScriptedVm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** One QMP client's pipeline on an EmbeddedChannel against a scripted VM. */
class QmpServerHandlerTest {
    private static final String RUNNING =
            "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}";

    @Test
    void greetingIsQemusByteForByte() {
        EmbeddedQmp q = new EmbeddedQmp();
        assertEquals(List.of(FakeQmpServer.GREETING.strip()), q.lines());
        q.close();
    }

    @Test
    void commandsBeforeNegotiationGetQemusError() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.lines();
        q.send("{\"execute\": \"query-status\", \"id\": 1}\n");
        assertEquals(
                List.of("{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                        + "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}"),
                q.lines());
        q.send("{\"execute\": \"qmp_capabilities\", \"id\": \"a\"}\n");
        assertEquals(List.of("{\"return\": {}, \"id\": \"a\"}"), q.lines());
        q.send("{\"execute\": \"qmp_capabilities\", \"id\": 2}\n");
        assertEquals(
                List.of("{\"id\": 2, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                        + "\"Capabilities negotiation is already complete, command ignored\"}}"),
                q.lines());
        q.send("{\"execute\": \"query-status\", \"id\": 3}\n");
        assertEquals(List.of(RUNNING + ", \"id\": 3}"), q.lines());
        assertEquals(1, q.vm().requests().size(), "only the command after negotiation reached the VM");
        q.close();
    }

    @Test
    void capabilityArgumentsAreCheckedAsQemuDoes() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.lines();
        q.send("{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":\"oob\"},\"id\":1}"
                + "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"foo\":1},\"id\":2}"
                + "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[1]},\"id\":3}"
                + "{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"bogus\"]},\"id\":4}"
                + "{'execute':'qmp_capabilities','arguments':{'enable':['oob']},'id':'x'}\n");
        assertEquals(
                List.of(
                        "{\"id\": 1, \"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid parameter type for 'enable', expected: array\"}}",
                        "{\"id\": 2, \"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'foo' is unexpected\"}}",
                        "{\"id\": 3, \"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid parameter type for 'enable[0]', expected: string\"}}",
                        "{\"id\": 4, \"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'null' does not accept value 'bogus'\"}}",
                        "{\"return\": {}, \"id\": \"x\"}"),
                q.lines());
        q.close();
    }

    @Test
    void malformedInputGetsQemusErrorsAndTheSessionGoesOn() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.negotiate();
        q.send("{\"execute\": }\n[1]\n\"str\"\n123\ngarbage\nGarbage\n}\n{\"id\":5}\n"
                + "{\"execute\":\"query-status\",\"foo\":1,\"id\":2}\n"
                + "{\"execute\":\"query-status\",\"arguments\":5,\"id\":6}\n"
                + "{\"execute\":5,\"id\":7}\n{\"exec-oob\":\"query-status\",\"id\":8}\n"
                + "{\"execute\":\"query-status\",\"id\":1,\"id\":2}\n"
                + "{\"execute\": \"query-status\", \"id\": 1,}\n"
                + "{\"execute\":\"query-status\", \"id\": 9}\n");
        assertEquals(
                List.of(
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input must be a JSON object\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input must be a JSON object\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input must be a JSON object\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, invalid keyword 'garbage'\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray 'G'\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}",
                        "{\"id\": 5, \"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input lacks member 'execute'\"}}",
                        "{\"id\": 2, \"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input member 'foo' is unexpected\"}}",
                        "{\"id\": 6, \"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input member 'arguments' must be an object\"}}",
                        "{\"id\": 7, \"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input member 'execute' must be a string\"}}",
                        "{\"id\": 8, \"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input member 'exec-oob' is unexpected\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, duplicate key\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, expecting value\"}}",
                        RUNNING + ", \"id\": 9}"),
                q.lines());
        assertTrue(q.isOpen());
        q.close();
    }

    @Test
    void idsOfEveryJsonTypeComeBackVerbatim() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.negotiate();
        List<String> ids = List.of(
                "1",
                "-7",
                "\"s\"",
                "1.5",
                "null",
                "true",
                "false",
                "[]",
                "{}",
                "{\"x\": [1, 2]}",
                "18446744073709551615",
                "\"\\u00E9\\uD83D\\uDE00\"",
                "[{\"a\": null}, \"b\"]");
        StringBuilder in = new StringBuilder();
        List<String> want = new ArrayList<>();
        for (String id : ids) {
            in.append("{\"execute\": \"query-status\", \"id\": ").append(id).append("}");
            want.add(RUNNING + ", \"id\": " + id + "}");
        }
        q.send(in + "\n");
        assertEquals(want, q.lines());
        q.close();
    }

    @Test
    void objectsSplitAcrossLinesAndSeveralPerLineAreAccepted() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.negotiate();
        q.send("{\"execute\":\n\"query-status\",\n");
        assertEquals(List.of(), q.lines());
        q.send("\"id\":12}{\"execute\":\"query-status\",\"id\":13} {\"execute\":\"query-status\",\"id\":14}\r\n");
        assertEquals(
                List.of(RUNNING + ", \"id\": 12}", RUNNING + ", \"id\": 13}", RUNNING + ", \"id\": 14}"), q.lines());
        q.close();
    }

    @Test
    void repliesKeepTheClientsOrderWhateverOrderTheyComeIn() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.negotiate();
        q.vm().holdReplies();
        q.send("{\"execute\":\"query-status\",\"id\":1}{\"execute\":\"nonsense\",\"id\":2}[3]"
                + "{\"execute\":\"query-status\",\"id\":4}\n");
        assertEquals(List.of(), q.lines(), "nothing may overtake the first, held reply");
        q.vm().release(true);
        assertEquals(
                List.of(
                        RUNNING + ", \"id\": 1}",
                        "{\"id\": 2, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nonsense has not been found\"}}",
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input must be a JSON object\"}}",
                        RUNNING + ", \"id\": 4}"),
                q.lines());
        q.close();
    }

    @Test
    void eventsReachOnlyNegotiatedClientsAndPrecedeTheReplyOfStop() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.lines();
        q.vm().emit("RESET");
        assertEquals(List.of(), q.lines(), "no events before negotiation (as QEMU)");
        q.send("{\"execute\": \"qmp_capabilities\"}\n");
        assertEquals(List.of("{\"return\": {}}"), q.lines());
        q.send("{\"execute\":\"stop\",\"id\":\"s\"}\n");
        assertEquals(
                List.of(
                        "{\"timestamp\": {\"seconds\": 1795000000, \"microseconds\": 1}, \"event\": \"STOP\"}",
                        "{\"return\": {}, \"id\": \"s\"}"),
                q.lines());
        q.close();
    }

    @Test
    void aGateRefusalIsAGenericErrorWithTheIdAndNothingIsSent() {
        List<String> seen = new ArrayList<>();
        CommandGate gate = (actor, vm, plan) -> {
            seen.add(actor.role() + " " + actor.listener() + " " + actor.user() + " " + vm + " " + plan.name() + " "
                    + plan.effect());
            return !plan.name().equals("stop")
                    ? Optional.empty()
                    : Optional.of("role viewer may not run 'stop' on VM 'vm1'");
        };
        List<String> observed = new ArrayList<>();
        CommandObserver observer = new CommandObserver() {
            @Override
            public CompletableFuture<Void> started(Actor actor, String vm, CommandPlan plan) {
                observed.add("started " + plan.name());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> finished(
                    Actor actor, String vm, CommandPlan plan, CommandResult result, Duration latency) {
                observed.add("finished " + plan.name() + " " + result.outcome().label());
                return CompletableFuture.completedFuture(null);
            }
        };
        List<String> activity = new ArrayList<>();
        ActivityListener al = new ActivityListener() {
            @Override
            public void sessionOpened(Actor actor) {
                activity.add("opened " + actor.listener() + " " + actor.role());
            }

            @Override
            public void sessionClosed(Actor actor, String reason) {
                activity.add("closed " + reason);
            }
        };
        EmbeddedQmp q = new EmbeddedQmp(new ScriptedVm("vm1"), gate, observer, al, "viewer", 4096);
        q.negotiate();
        q.send("{\"execute\":\"stop\",\"id\":[7]}{\"execute\":\"query-status\",\"id\":8}{\"execute\":\"nonsense\"}\n");
        assertEquals(
                List.of(
                        "{\"id\": [7], \"error\": {\"class\": \"GenericError\", \"desc\": \"role viewer may not run 'stop' on VM 'vm1'\"}}",
                        RUNNING + ", \"id\": 8}",
                        "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nonsense has not been found\"}}"),
                q.lines());
        assertEquals(
                List.of(
                        "viewer qmp - vm1 stop CONTROL",
                        "viewer qmp - vm1 query-status QUERY",
                        "viewer qmp - vm1 nonsense DANGEROUS"),
                seen);
        // Pipelined: each command is started before it is finished; a denied one is never started.
        assertEquals(5, observed.size(), observed.toString());
        assertEquals("finished stop denied", observed.get(0));
        assertTrue(
                observed.indexOf("started query-status") < observed.indexOf("finished query-status ok"),
                observed.toString());
        assertTrue(
                observed.indexOf("started nonsense") < observed.indexOf("finished nonsense error"),
                observed.toString());
        assertEquals(
                List.of("query-status", "nonsense"),
                q.vm().requests().stream().map(r -> r.path("execute").asText()).toList());
        q.channel().close();
        assertEquals(List.of("opened qmp viewer", "closed client"), activity);
        q.close();
    }

    @Test
    void aMessageOverTheLimitIsAnErrorAndTheSessionGoesOn() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.negotiate();
        q.send("{\"execute\":\"query-status\",\"arguments\":{\"x\":\"" + "a".repeat(5000)
                + "\", \"y\": [1, {}]},\"id\":1}\n" + "{\"execute\":\"query-status\",\"id\":2}\n");
        assertEquals(
                List.of(
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON token size limit exceeded\"}}",
                        RUNNING + ", \"id\": 2}"),
                q.lines());
        q.send("[".repeat(300) + "]".repeat(300) + "{\"execute\":\"query-status\",\"id\":3}\n");
        assertEquals(
                List.of(
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON nesting depth limit exceeded\"}}",
                        RUNNING + ", \"id\": 3}"),
                q.lines());
        // what is skipped after a limit ends where QEMU would end the message, even unbalanced:
        // the next request is not swallowed
        q.send("{\"a\": \"" + "a".repeat(5000) + "\" ]\n{\"execute\":\"query-status\",\"id\":4}\n");
        assertEquals(
                List.of(
                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON token size limit exceeded\"}}",
                        RUNNING + ", \"id\": 4}"),
                q.lines());
        q.close();
    }

    @Test
    void aClientOfADownVmMakesTheLinkTryAtOnceAndGetsTheGreetingWhenItComesUp() {
        ScriptedVm vm = new ScriptedVm("vm1");
        vm.setState(QmpEndpoint.State.DOWN);
        vm.setRetries(true);
        EmbeddedQmp q =
                new EmbeddedQmp(vm, CommandGate.OPEN, CommandObserver.NONE, ActivityListener.NONE, "admin", 4096);
        assertEquals(1, vm.connectSoonCalls(), "not left to the end of the reconnect backoff");
        assertTrue(q.isOpen());
        vm.goUp();
        assertEquals(List.of(FakeQmpServer.GREETING.strip()), q.lines());
        q.close();
    }

    @Test
    void aClientOfADownVmThatWillNotTryIsClosedAtOnce() {
        ScriptedVm vm = new ScriptedVm("vm1");
        vm.setState(QmpEndpoint.State.DOWN);
        EmbeddedQmp q =
                new EmbeddedQmp(vm, CommandGate.OPEN, CommandObserver.NONE, ActivityListener.NONE, "admin", 4096);
        q.channel().runPendingTasks();
        assertFalse(q.isOpen(), "refused at once, not after the handshake timeout");
        assertEquals(List.of(), q.lines(), "nothing is sent: there is no QEMU to greet for");
        assertEquals(0, vm.listenerCount());
        q.close();
    }

    @Test
    void aClientWhileTheLinkConnectsWaitsForItsGreetingAndIsDisconnectedWhenTheVmGoesAway() {
        ScriptedVm vm = new ScriptedVm("vm1");
        vm.setState(QmpEndpoint.State.CONNECTING);
        EmbeddedQmp q =
                new EmbeddedQmp(vm, CommandGate.OPEN, CommandObserver.NONE, ActivityListener.NONE, "admin", 4096);
        q.send("{\"execute\":\"qmp_capabilities\"}\n");
        assertEquals(List.of(), q.lines(), "no greeting before QEMU's");
        assertTrue(q.isOpen());
        vm.goUp();
        assertEquals(List.of(FakeQmpServer.GREETING.strip(), "{\"return\": {}}"), q.lines());
        vm.goDown("QEMU closed the QMP connection");
        q.channel().runPendingTasks();
        assertFalse(q.isOpen(), "the client's QEMU is gone: so is its connection");
        assertEquals(0, vm.listenerCount());
        q.close();
    }

    @Test
    void aClientWaitingForAConnectionAttemptThatFailsIsClosed() {
        ScriptedVm vm = new ScriptedVm("vm1");
        vm.setState(QmpEndpoint.State.CONNECTING);
        EmbeddedQmp q =
                new EmbeddedQmp(vm, CommandGate.OPEN, CommandObserver.NONE, ActivityListener.NONE, "admin", 4096);
        assertTrue(q.isOpen());
        vm.failAttempt(1000);
        q.channel().runPendingTasks();
        assertFalse(q.isOpen());
        assertEquals(List.of(), q.lines());
        q.close();
    }

    @Test
    void execOobPassesThroughOnlyWhenNegotiated() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.lines();
        q.send("{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}\n");
        assertEquals(List.of("{\"return\": {}}"), q.lines());
        q.vm().holdReplies();
        q.send("{\"execute\":\"query-status\",\"id\":1}{\"exec-oob\":\"query-status\",\"id\":2}\n");
        assertEquals(List.of(), q.lines());
        q.vm().release(true);
        assertEquals(
                List.of(RUNNING + ", \"id\": 2}", RUNNING + ", \"id\": 1}"),
                q.lines(),
                "the out-of-band reply is not held behind the in-band one");
        assertEquals("query-status", q.vm().requests().get(1).path("exec-oob").asText());
        q.close();
    }

    @Test
    void eventsForAClientThatDoesNotReadAreDroppedAndCountedRepliesAreNot() {
        List<Integer> dropped = new ArrayList<>();
        ActivityListener al = new ActivityListener() {
            @Override
            public void eventsDropped(String vm, int count) {
                dropped.add(count);
            }
        };
        EmbeddedQmp q =
                new EmbeddedQmp(new ScriptedVm("vm1"), CommandGate.OPEN, CommandObserver.NONE, al, "admin", 4096);
        q.negotiate();
        q.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        q.vm().emit("RESET");
        q.vm().emit("RESET");
        q.send("{\"execute\":\"query-status\",\"id\":1}\n");
        assertEquals(List.of(RUNNING + ", \"id\": 1}"), q.lines());
        assertEquals(List.of(1, 1), dropped);
        q.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        q.vm().emit("POWERDOWN");
        assertEquals(
                List.of("{\"timestamp\": {\"seconds\": 1795000000, \"microseconds\": 1}, \"event\": \"POWERDOWN\"}"),
                q.lines());
        q.close();
    }

    @Test
    void aLinkFailureIsAGenericErrorWithTheId() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.negotiate();
        q.vm().setState(QmpEndpoint.State.DOWN); // down without telling the listeners: a race
        q.send("{\"execute\":\"query-status\",\"id\":{\"k\":1}}\n");
        assertEquals(
                List.of(
                        "{\"id\": {\"k\": 1}, \"error\": {\"class\": \"GenericError\", \"desc\": \"VM 'vm1' is down\"}}"),
                q.lines());
        q.close();
    }

    @Test
    void aClientThatPipelinesMoreThanTheQueueIsNotReadUntilItDrainsAndLosesNothing() {
        EmbeddedQmp q = new EmbeddedQmp(); // 4 in flight, 64 waiting
        q.negotiate();
        q.vm().holdReplies();
        StringBuilder in = new StringBuilder();
        List<String> want = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            in.append("{\"execute\": \"query-status\", \"id\": ").append(i).append("}");
            want.add(RUNNING + ", \"id\": " + i + "}");
        }
        q.send(in.toString());
        assertFalse(q.channel().config().isAutoRead(), "96 requests wait: monmux stops reading the client");
        assertEquals(4, q.vm().requests().size(), "only commandsInFlight reach the VM at once");
        q.vm().release(false);
        List<String> got = q.lines();
        assertEquals(want, got);
        assertTrue(q.channel().config().isAutoRead(), "drained: reading again");
        q.close();
    }

    @Test
    void numbersQemuKeepsAsDoublesReachTheVmAsJsonItCanRead() {
        EmbeddedQmp q = new EmbeddedQmp();
        q.negotiate();
        q.send(
                "{\"execute\": \"query-status\", \"arguments\": {\"a\": 1e400, \"b\": -1e400, \"c\": -0.0, \"d\": 0.1}, \"id\": 1e400}\n");
        assertEquals(List.of(RUNNING + ", \"id\": inf}"), q.lines(), "QEMU prints the id it read, inf, with %.17g");
        var args = q.vm().requests().get(0).get("arguments");
        assertEquals(
                List.of("1E+400", "-1E+400", "-0.0", "0.1"),
                List.of(
                        dev.monmux.qmp.QmpJson.compact(args.get("a")),
                        dev.monmux.qmp.QmpJson.compact(args.get("b")),
                        dev.monmux.qmp.QmpJson.compact(args.get("c")),
                        dev.monmux.qmp.QmpJson.compact(args.get("d"))));
        q.close();
    }
}
