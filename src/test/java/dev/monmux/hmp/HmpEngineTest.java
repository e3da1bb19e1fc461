package dev.monmux.hmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.monmux.command.CommandPlan;
import dev.monmux.command.CommandResult;
import dev.monmux.command.Outcome;
import dev.monmux.command.Route;
import dev.monmux.effect.Effect;
import dev.monmux.qmp.QmpCaller;
import dev.monmux.qmp.QmpErrorException;
import dev.monmux.qmp.QmpJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HmpEngineTest {
    private final HmpEngine engine = new HmpEngine(HmpTable.qemu72(), true);
    private final HmpEngine fallbackOnly = new HmpEngine(HmpTable.qemu72(), false);

    @Test
    void namesEffectsAndPaths() {
        check(engine.plan("q", null), "quit", Effect.DANGEROUS, Route.NATIVE, "quit");
        check(engine.plan("info status", null), "info status", Effect.QUERY, Route.NATIVE, "query-status");
        check(engine.plan("c", null), "cont", Effect.CONTROL, Route.NATIVE, "cont");
        check(engine.plan("sendkey ctrl-alt-f1", null), "sendkey", Effect.CONTROL, Route.NATIVE, "send-key");
        // quoted: QEMU reads "10 /tmp/x" as a division, and refuses the line
        check(
                engine.plan("pmemsave 0 10 \"/tmp/x\"", null),
                "pmemsave",
                Effect.HOST,
                Route.FALLBACK,
                "human-monitor-command");
        check(
                engine.plan("info registers", null),
                "info registers",
                Effect.QUERY,
                Route.FALLBACK,
                "human-monitor-command");
        check(
                engine.plan("migrate tcp:127.0.0.1:4000", null),
                "migrate",
                Effect.HOST,
                Route.FALLBACK,
                "human-monitor-command");
        check(
                engine.plan("migrate \"exec:cat > /tmp/x\"", null),
                "migrate",
                Effect.HOST,
                Route.FALLBACK,
                "human-monitor-command");
        check(
                engine.plan("frobnicate now", null),
                "unknown",
                Effect.DANGEROUS,
                Route.FALLBACK,
                "human-monitor-command");
        check(
                engine.plan("info frobnicate", null),
                "unknown",
                Effect.DANGEROUS,
                Route.FALLBACK,
                "human-monitor-command");
        check(engine.plan("help", null), "help", Effect.QUERY, Route.NATIVE, null);
    }

    @Test
    void nativeOffSendsEverythingThroughHumanMonitorCommandButStillNamesIt() {
        for (String line : List.of("q", "info status", "stop", "help", "eject", "eject -f cd0")) {
            CommandPlan p = fallbackOnly.plan(line, 2);
            assertEquals(Route.FALLBACK, p.path(), line);
            assertEquals("human-monitor-command", p.qmpCommand());
            Recorder vm = new Recorder(TextNode.valueOf(""));
            p.run(vm).join();
            assertEquals(List.of("human-monitor-command"), vm.sent);
            assertEquals(line, vm.sentArgs.get(0).path("command-line").asText(), "QEMU gets the line as typed");
            assertEquals(2, vm.sentArgs.get(0).path("cpu-index").asInt());
            // the audit log's copy: the line as others may see it (this one did not parse: not shown)
            assertEquals(
                    line.equals("eject") ? "eject [arguments not recorded]" : line,
                    p.qmpArguments().path("command-line").asText());
        }
        assertEquals("quit", fallbackOnly.plan("q", null).name());
        assertEquals(Effect.DANGEROUS, fallbackOnly.plan("q", null).effect());
        assertEquals("info status", fallbackOnly.plan("info status", null).name());
    }

    @Test
    void argumentsBecomeQmpArguments() {
        assertEquals(
                "{\"device\":\"cd0\",\"force\":true}",
                engine.plan("eject -f cd0", null).qmpArguments().toString());
        assertEquals(
                "{\"value\":33554432}",
                engine.plan("balloon 32", null).qmpArguments().toString());
        Recorder keys = new Recorder(null);
        CommandPlan sendkey = engine.plan("sendkey ctrl-0x1e-< 50", null);
        sendkey.run(keys).join();
        assertEquals(
                "{\"keys\":[{\"type\":\"qcode\",\"data\":\"ctrl\"},{\"type\":\"number\",\"data\":30},"
                        + "{\"type\":\"qcode\",\"data\":\"less\"}],\"hold-time\":50}",
                keys.sentArgs.get(0).toString());
        assertEquals(
                "{\"keys\":\"[redacted]\",\"hold-time\":50}",
                sendkey.qmpArguments().toString(),
                "keystrokes may be a password typed into the guest: the audit log does not keep them");
        assertEquals(
                "{\"device\":\"cd0\",\"filename\":\"/x.iso\",\"format\":\"raw\",\"force\":false,"
                        + "\"read-only-mode\":\"retain\"}",
                engine.plan("change cd0 /x.iso raw retain", null).qmpArguments().toString());
        assertEquals(
                "{\"filename\":\"/s.png\",\"device\":\"vga\",\"head\":0,\"format\":\"png\"}",
                engine.plan("screendump /s.png -f png vga", null).qmpArguments().toString());
    }

    @Test
    void badArgumentsOfNativeCommandsAreAnsweredWithoutSending() {
        Recorder vm = new Recorder(null);
        CommandResult r = engine.plan("eject", null).run(vm).join();
        assertEquals("eject: block device name expected\r\nTry \"help eject\" for more information\r\n", r.text());
        assertEquals(Outcome.ERROR, r.outcome());
        assertEquals("eject: block device name expected", r.errorText());
        r = engine.plan("sendkey ctrl-nokey", null).run(vm).join();
        assertEquals("invalid parameter: nokey\r\n", r.text());
        assertEquals(Outcome.ERROR, r.outcome());
        assertEquals(List.of(), vm.sent);
    }

    @Test
    void qmpErrorsReadAsHmpErrorsExceptWhereQemuIgnoresThem() {
        Recorder failing = new Recorder(new QmpErrorException("GenericError", "Device 'x' not found"));
        CommandResult r = engine.plan("eject x", null).run(failing).join();
        assertEquals("Error: Device 'x' not found\r\n", r.text());
        assertEquals(Outcome.ERROR, r.outcome());
        // hmp_stop passes no Error: QEMU shows nothing
        assertEquals(
                CommandResult.ok(""), engine.plan("stop", null).run(failing).join());
    }

    @Test
    void infoCpusMarksTheSessionsCpu() {
        JsonNode cpus = QmpJson.MAPPER
                .createArrayNode()
                .add(QmpJson.object().put("cpu-index", 0).put("thread-id", 11))
                .add(QmpJson.object().put("cpu-index", 1).put("thread-id", 12));
        assertEquals(
                "* CPU #0: thread_id=11\r\n  CPU #1: thread_id=12\r\n",
                engine.plan("info cpus", null).run(new Recorder(cpus)).join().text());
        assertEquals(
                "  CPU #0: thread_id=11\r\n* CPU #1: thread_id=12\r\n",
                engine.plan("info cpus", 1).run(new Recorder(cpus)).join().text());
    }

    @Test
    void fallbackOutputIsJudgedButShownUnchanged() {
        String text = "unknown command: 'info nonsense'\r\n";
        CommandResult r = engine.plan("info nonsense", null)
                .run(new Recorder(TextNode.valueOf(text)))
                .join();
        assertEquals(text, r.text());
        assertEquals(Outcome.ERROR, r.outcome());
        assertEquals("unknown command: 'info nonsense'", r.errorText());
        r = engine.plan("info registers", null)
                .run(new Recorder(TextNode.valueOf("EAX=00000000\r\n")))
                .join();
        assertEquals(CommandResult.ok("EAX=00000000\r\n"), r);
    }

    @Test
    void helpIsRenderedFromTheTable() {
        CommandResult r = engine.plan("help q", null).run(new Recorder(null)).join();
        assertEquals("quit|q  -- quit the emulator\r\n", r.text());
        r = engine.plan("help info nope", null).run(new Recorder(null)).join();
        assertEquals(Outcome.ERROR, r.outcome());
        assertEquals(Route.FALLBACK, engine.plan("help log", null).path(), "QEMU's log items are QEMU's");
    }

    @Test
    void outcomeDetection() {
        for (String e : List.of(
                "unknown command: 'x'\r\n",
                "Error: boom\r\n",
                "Could not open '/x'\r\n",
                "Parameter 'device' is missing\r\n",
                "eject: block device name expected\r\nTry \"help eject\" for more information\r\n",
                "invalid char 'a' in expression\r\nTry \"help balloon\" for more information\r\n",
                "invalid parameter: foo\r\n")) {
            assertEquals(Outcome.ERROR, HmpOutcome.judge(e).outcome(), e);
            assertEquals(e, HmpOutcome.judge(e).text());
        }
        assertEquals("boom", HmpOutcome.errorLine("Error: boom\r\n"));
        for (String ok : List.of("", "VM status: running\r\n", "balloon: actual=64\r\n")) {
            assertNull(HmpOutcome.errorLine(ok), ok);
        }
    }

    @Test
    void anErrorThatRepeatsASecretIsRecordedWithoutIt() {
        // set_password with its arguments swapped: QEMU's error repeats the password
        CommandPlan p = engine.plan("set_password hunter2 vnc", null);
        CommandResult r = p.run(new Recorder(TextNode.valueOf("Error: invalid parameter value: hunter2\r\n")))
                .join();
        assertEquals("Error: invalid parameter value: hunter2\r\n", r.text(), "the typist sees QEMU's answer");
        assertEquals("invalid parameter value: [redacted]", r.errorText(), "the audit log does not");
    }

    @Test
    void aNativeMappingThatMakesTwoCallsSendsBothBeforeAnyReply() {
        // A command typed after it must not reach QEMU between its two calls (the send turn passes
        // once the action returns): so both are handed over at once.
        for (String line : List.of("info block nope", "info block -n", "info migrate")) {
            List<String> sent = new ArrayList<>();
            QmpCaller pending = (command, arguments) -> {
                sent.add(command);
                return new CompletableFuture<>(); // no reply yet
            };
            engine.plan(line, null).run(pending);
            assertEquals(
                    line.equals("info migrate")
                            ? List.of("human-monitor-command", "query-migrate")
                            : line.contains("-n")
                                    ? List.of("query-named-block-nodes")
                                    : List.of("query-block", "query-named-block-nodes"),
                    sent,
                    line);
        }
    }

    private static void check(CommandPlan p, String name, Effect effect, Route path, String qmp) {
        assertEquals(name, p.name(), p.shown());
        assertEquals(effect, p.effect(), p.shown());
        assertEquals(path, p.path(), p.shown());
        assertEquals(qmp, p.qmpCommand(), p.shown());
    }

    /** Answers every call with one value (or fails with one exception) and records what was sent. */
    private static final class Recorder implements QmpCaller {
        final List<String> sent = new ArrayList<>();
        final List<ObjectNode> sentArgs = new ArrayList<>();
        private final Object answer;

        Recorder(Object answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<JsonNode> call(String command, ObjectNode arguments) {
            sent.add(command);
            sentArgs.add(arguments == null ? QmpJson.object() : arguments);
            if (answer instanceof RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(answer == null ? QmpJson.object() : (JsonNode) answer);
        }
    }
}
