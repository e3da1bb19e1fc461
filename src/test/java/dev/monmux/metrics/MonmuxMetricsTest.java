package dev.monmux.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.command.CommandGate;
import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import dev.monmux.testing.EmbeddedTelnet;
import dev.monmux.testing.HttpGet;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The meters, driven through a whole (in-memory) telnet session. */
class MonmuxMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private EmbeddedTelnet session(CommandGate gate, MonmuxMetrics[] out) {
        MonmuxMetrics[] holder = new MonmuxMetrics[1];
        EmbeddedTelnet t = new EmbeddedTelnet(
                TelnetMode.RAW,
                LimitsConfig.defaults(),
                gate,
                new DeferredObserver(holder),
                new DeferredActivity(holder));
        holder[0] = new MonmuxMetrics(registry, t.sessions());
        out[0] = holder[0];
        return t;
    }

    private String scrape(MonmuxMetrics m) {
        m.refresh();
        return registry.scrape();
    }

    @Test
    void commandsAreCountedByNamePathAndOutcomeAndDenialsSeparately() {
        MonmuxMetrics[] m = new MonmuxMetrics[1];
        CommandGate gate = (actor, vm, plan) ->
                plan.name().equals("quit") ? Optional.of("Error: role viewer may not run 'quit'") : Optional.empty();
        EmbeddedTelnet t = session(gate, m);
        try {
            t.send("info status\r\ninfo status\r\nquit\r\n{\"execute\": \"nope\"}\r\n");
            String out = t.output();
            assertTrue(out.contains("Error: role viewer may not run 'quit'"), EmbeddedTelnet.show(out));
            String s = scrape(m[0]);
            assertEquals(
                    2.0,
                    HttpGet.sample(
                            s,
                            "monmux_commands_total{command=\"info status\",outcome=\"ok\",path=\"fallback\",vm=\"vm1\"}"),
                    s);
            assertEquals(
                    1.0,
                    HttpGet.sample(
                            s,
                            "monmux_commands_total{command=\"quit\",outcome=\"denied\",path=\"fallback\",vm=\"vm1\"}"),
                    s);
            assertEquals(1.0, HttpGet.sample(s, "monmux_acl_denied_total{vm=\"vm1\"}"), s);
            assertEquals(
                    1.0,
                    HttpGet.sample(
                            s, "monmux_commands_total{command=\"nope\",outcome=\"error\",path=\"qmp\",vm=\"vm1\"}"),
                    s);
            assertEquals(
                    2.0,
                    HttpGet.sample(s, "monmux_command_duration_seconds_count{command=\"info status\",vm=\"vm1\"}"),
                    s);
            assertEquals(
                    2.0,
                    HttpGet.sample(
                            s,
                            "monmux_command_duration_seconds_bucket{command=\"info status\",vm=\"vm1\",le=\"+Inf\"}"),
                    s);
            assertEquals(1.0, HttpGet.sample(s, "monmux_clients{listener=\"telnet\",vm=\"vm1\"}"), s);
        } finally {
            t.close();
        }
        assertEquals(0.0, HttpGet.sample(scrape(m[0]), "monmux_clients{listener=\"telnet\",vm=\"vm1\"}"));
    }

    @Test
    void eventsAreCountedAndEventsASlowClientMissesAreCountedAsDropped() {
        MonmuxMetrics[] m = new MonmuxMetrics[1];
        EmbeddedTelnet t = session(CommandGate.OPEN, m);
        try {
            t.output();
            t.vm().emit("STOP");
            t.channel().runPendingTasks();
            assertTrue(t.output().contains("event STOP"));
            // The client stops reading: the channel is no longer writable.
            t.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
            t.vm().emit("RESUME");
            t.vm().emit("STOP");
            t.vm().emit("RESUME");
            t.channel().runPendingTasks();
            String s = scrape(m[0]);
            assertEquals(2.0, HttpGet.sample(s, "monmux_events_total{event=\"STOP\",vm=\"vm1\"}"), s);
            assertEquals(2.0, HttpGet.sample(s, "monmux_events_total{event=\"RESUME\",vm=\"vm1\"}"), s);
            assertEquals(3.0, HttpGet.sample(s, "monmux_events_dropped_total{vm=\"vm1\"}"), s);
            t.channel().unsafe().outboundBuffer().setUserDefinedWritability(1, true);
            t.channel().runPendingTasks();
            assertTrue(t.output().contains("[monmux] 3 events dropped"));
        } finally {
            t.close();
        }
    }

    @Test
    void loginsAndReloadsAreCountedByOutcomeAndStartAtZero() {
        MonmuxMetrics m = new MonmuxMetrics(registry, new dev.monmux.session.SessionRegistry());
        String s = scrape(m);
        assertEquals(0.0, HttpGet.sample(s, "monmux_logins_total{outcome=\"ok\"}"), s);
        assertEquals(0.0, HttpGet.sample(s, "monmux_logins_total{outcome=\"fail\"}"), s);
        m.loginFailed("mallory", "10.0.0.1:1", "telnet", "bad password");
        m.loginSucceeded(new dev.monmux.command.Actor("s1", "alice", "admin", "10.0.0.1:2", "telnet"));
        m.loginFailed("mallory", "10.0.0.1:1", "telnet", "bad password");
        m.configReloaded(true, "ok");
        s = scrape(m);
        assertEquals(2.0, HttpGet.sample(s, "monmux_logins_total{outcome=\"fail\"}"), s);
        assertEquals(1.0, HttpGet.sample(s, "monmux_logins_total{outcome=\"ok\"}"), s);
        assertEquals(1.0, HttpGet.sample(s, "monmux_config_reloads_total{outcome=\"ok\"}"), s);
        assertTrue(!s.contains("mallory") && !s.contains("10.0.0.1"), "no user names or addresses as labels");
    }

    @Test
    void commandNameTagsAreCapped() {
        BoundedTagValues names = new BoundedTagValues(3);
        assertEquals("a", names.tag("a"));
        assertEquals("b", names.tag("b"));
        assertEquals("c", names.tag("c"));
        assertEquals("other", names.tag("d"));
        assertEquals("a", names.tag("a"));
        assertEquals("unknown", names.tag(""));
        assertEquals(64, new BoundedTagValues(3).tag("x".repeat(100)).length());
    }

    /** The metrics need the session registry, which the session pipeline creates first. */
    private record DeferredObserver(MonmuxMetrics[] m) implements dev.monmux.command.CommandObserver {
        @Override
        public java.util.concurrent.CompletableFuture<Void> finished(
                dev.monmux.command.Actor actor,
                String vm,
                dev.monmux.command.CommandPlan plan,
                dev.monmux.command.CommandResult result,
                java.time.Duration latency) {
            return m[0].finished(actor, vm, plan, result, latency);
        }
    }

    private record DeferredActivity(MonmuxMetrics[] m) implements dev.monmux.command.ActivityListener {
        @Override
        public void eventFannedOut(String vm, String event, int clients) {
            m[0].eventFannedOut(vm, event, clients);
        }

        @Override
        public void eventsDropped(String vm, int count) {
            m[0].eventsDropped(vm, count);
        }
    }

    @Test
    void aRemovedVmsSeriesGoAndComeBackFromZero() {
        MonmuxMetrics[] m = new MonmuxMetrics[1];
        EmbeddedTelnet t = session((actor, vm, plan) -> Optional.empty(), m);
        try {
            t.send("info status\r\n");
            t.output();
            String before = scrape(m[0]);
            assertTrue(before.contains("vm=\"vm1\""), before);
            m[0].forget("vm1");
            String after = registry.scrape();
            assertTrue(!after.contains("vm=\"vm1\""), "no series of a removed VM: " + after);
            t.send("info status\r\n"); // the same name again (a reload added it back)
            t.output();
            String again = registry.scrape();
            assertEquals(
                    1.0,
                    HttpGet.sample(
                            again,
                            "monmux_commands_total{command=\"info status\",outcome=\"ok\",path=\"fallback\",vm=\"vm1\"}"),
                    again);
        } finally {
            t.close();
        }
    }
}
