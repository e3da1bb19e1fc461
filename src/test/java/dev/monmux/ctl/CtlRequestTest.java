package dev.monmux.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtlRequestTest {
    private static String request(String... args) {
        return CtlRequest.parse(List.of(args)).request().toString();
    }

    private static String usage(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> CtlRequest.parse(List.of(args)))
                .getMessage();
    }

    @Test
    void commandLinesBecomeRequests() {
        assertEquals("{\"command\":\"list\"}", request("list", "--json"));
        assertTrue(CtlRequest.parse(List.of("list", "--json")).asJson());
        assertEquals("{\"command\":\"who\",\"vm\":\"web1\"}", request("who", "web1"));
        assertEquals(
                "{\"command\":\"hmp\",\"vm\":\"web1\",\"line\":\"info status\"}",
                request("hmp", "web1", "info status"));
        assertEquals(
                "{\"command\":\"hmp\",\"vm\":\"web1\",\"line\":\"info status\"}",
                request("hmp", "web1", "info", "status"));
        assertEquals(
                "{\"command\":\"qmp\",\"vm\":\"w\",\"qmp\":\"{\\\"execute\\\":\\\"stop\\\"}\"}",
                request("qmp", "w", "{\"execute\":\"stop\"}"));
        assertEquals(
                "{\"command\":\"events\",\"events\":[\"STOP\",\"RESUME\",\"BLOCK_*\"],\"vm\":\"w\"}",
                request("events", "w", "--event", "STOP,RESUME", "--event=BLOCK_*"));
        assertEquals("{\"command\":\"reload\"}", request("reload"));
        assertNull(CtlRequest.parse(List.of("help")));
    }

    @Test
    void badUsageIsOneLine() {
        assertEquals("usage: monmux ctl hmp VM 'LINE' (e.g. 'info status')", usage("hmp", "web1"));
        assertEquals("usage: monmux ctl who [VM] [--json]", usage("who", "a", "b"));
        assertEquals("usage: monmux ctl reload", usage("reload", "--json"));
        assertEquals("--event needs a NAME (an event name or glob: STOP, BLOCK_*)", usage("events", "w", "--event"));
        assertEquals(
                "--event needs a NAME (an event name or glob: STOP, BLOCK_*)", usage("events", "w", "--event", ""));
        assertEquals("--event needs a NAME (an event name or glob: STOP, BLOCK_*)", usage("events", "w", "--event=,"));
        assertEquals("usage: monmux ctl events VM [--event NAME]... [--json]", usage("events"));
        assertEquals("unknown command 'start' (see monmux ctl --help)", usage("start"));
    }

    @Test
    void optionsBeforeTheCommand() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, Ctl.run(List.of("--help"), Map.of(), o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: monmux ctl [--socket PATH]"));
        assertEquals(2, Ctl.run(List.of("--socket"), Map.of(), o, e));
        assertEquals(2, Ctl.run(List.of("--frob", "list"), Map.of(), o, e));
        assertEquals(
                "monmux ctl: --socket needs a PATH\nmonmux ctl: unknown option '--frob' (see monmux ctl --help)\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void hmpFromStdinTakesOneLineNotTheFirstOfMany() {
        CliRun r = CliRun.capture(
                "info status\nstop\n",
                (in, out, err) ->
                        Ctl.run(List.of("hmp", "vm1", "-"), Map.of(Ctl.SOCKET_ENV, "/nonexistent"), in, out, err));
        assertEquals(
                new CliRun(
                        2,
                        "",
                        "monmux ctl: hmp VM - reads one line from stdin, and there are 2 (run monmux ctl once for each)\n"),
                r);
    }

    @Test
    void idleTimeIsSaidAsDotWhoSaysIt() {
        assertEquals(
                List.of("0s", "59s", "12m00s", "1h01m", "2d03h"),
                List.of(
                        CtlTables.idle(0),
                        CtlTables.idle(59),
                        CtlTables.idle(720),
                        CtlTables.idle(3660),
                        CtlTables.idle(2 * 86400 + 3 * 3600)));
    }
}
