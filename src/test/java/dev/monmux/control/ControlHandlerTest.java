package dev.monmux.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.auth.PasswordHash;
import dev.monmux.auth.Role;
import dev.monmux.auth.User;
import dev.monmux.auth.UserDirectory;
import dev.monmux.auth.VmGlob;
import dev.monmux.command.ActivityListener;
import dev.monmux.command.CommandGate;
import dev.monmux.command.CommandObserver;
import dev.monmux.command.FallbackHmpPlanner;
import dev.monmux.command.HmpPlanners;
import dev.monmux.command.QmpRequestPlanner;
import dev.monmux.config.ControlConfig;
import dev.monmux.qmp.QmpJson;
import dev.monmux.session.Access;
import dev.monmux.session.BuiltinCommands;
import dev.monmux.session.EventFormatter;
import dev.monmux.session.SessionContext;
import dev.monmux.session.SessionRegistry;
import dev.monmux.session.VmDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The control socket's handler on its own: who is served, and what a client not understood is told. */
class ControlHandlerTest {
    private static final LocalPeer BOB = new LocalPeer(1001, 1001, "bob", Set.of("bob"));
    private final List<String> failedLogins = new ArrayList<>();
    private static final LocalPeer CAROL = new LocalPeer(1002, 1002, "carol", Set.of("carol"));
    private final ControlConnections connections = new ControlConnections(10, 2);
    private ControlConfig control = new ControlConfig("/x.sock", null, null, Map.of("carol", "alice"));
    private final UserDirectory users = new UserDirectory(List.of(alice()));

    private static User alice() {
        return new User("alice", Role.OPERATOR, List.of(VmGlob.of("*")), PasswordHash.create("pw".toCharArray(), 1000));
    }

    private EmbeddedChannel channel(LocalPeer peer, boolean authRequired) {
        ActivityListener activity = new ActivityListener() {
            @Override
            public void loginFailed(String user, String remote, String listener, String reason) {
                failedLogins.add(remote + " " + listener + ": " + reason);
            }
        };
        SessionContext sessions = new SessionContext(
                new VmDirectory(),
                new SessionRegistry(),
                new BuiltinCommands(),
                HmpPlanners.fixed(new FallbackHmpPlanner()),
                new QmpRequestPlanner(new FallbackHmpPlanner()),
                CommandGate.OPEN,
                CommandObserver.NONE,
                activity,
                8,
                100,
                Access.open(),
                "0");
        ControlContext ctx = new ControlContext(
                sessions,
                users,
                authRequired,
                () -> control,
                new EventFormatter(ZoneId.of("UTC")),
                who -> CompletableFuture.completedFuture(new ControlContext.Reloaded(true, "")),
                UnixAccounts.system(),
                32);
        return new EmbeddedChannel(
                new LineBasedFrameDecoder(64, true, true),
                new StringDecoder(StandardCharsets.UTF_8),
                new ControlHandler(ctx, new ControlHandler.Hooks(f -> {}, f -> {}, f -> {}, connections), ch -> peer));
    }

    private static JsonNode answer(EmbeddedChannel ch) throws Exception {
        ch.runPendingTasks();
        ByteBuf b = ch.readOutbound();
        try {
            return QmpJson.MAPPER.readTree(b.toString(StandardCharsets.UTF_8));
        } finally {
            b.release();
        }
    }

    private static void send(EmbeddedChannel ch, String text) {
        ch.writeInbound(ch.alloc().buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRequestThatIsNotJsonGetsOneRefusalAndTheConnectionCloses() throws Exception {
        EmbeddedChannel ch = channel(BOB, false);
        send(ch, "hello\n");
        JsonNode a = answer(ch);
        assertEquals("refused", a.path("status").asText());
        assertEquals("the request is not JSON", a.path("error").asText());
        assertFalse(ch.isOpen());
    }

    @Test
    void requestsAreReadStrictly() throws Exception {
        for (String[] c : new String[][] {
            {"{\"command\":\"format-disk\"}", "unknown command 'format-disk' (list, who, hmp, qmp, events, reload)"},
            {"{\"command\":\"hmp\",\"line\":\"stop\"}", "hmp needs a VM"},
            {"{\"command\":\"list\",\"command\":\"reload\"}", "the request has 'command' twice"},
            {
                "{\"command\":\"list\"} {\"command\":\"reload\"}",
                "the request has more after its JSON object (one request, one line)"
            },
            {"{\"command\":\"hmp\",\"vm\":{},\"line\":\"x\"}", "'vm' must be a string"},
            {"{\"command\":\"events\",\"vm\":\"a\",\"events\":\"STOP\"}", "'events' must be a list of strings"},
        }) {
            EmbeddedChannel ch = channel(BOB, false);
            send(ch, c[0] + "\n");
            assertEquals(c[1], answer(ch).path("error").asText(), c[0]);
        }
    }

    @Test
    void aStrangerIsRefusedAsItConnectsBeforeAnythingIsRead() throws Exception {
        EmbeddedChannel ch = channel(BOB, true);
        ch.freezeTime();
        ch.runPendingTasks();
        assertNull(ch.readOutbound(), "answered after a second, as a failed login");
        ch.advanceTimeBy(ControlHandler.STRANGER_WAIT_MS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(
                "Unix user 'bob' is not in control.users (nor any of its groups)",
                answer(ch).path("error").asText());
        assertFalse(ch.config().isAutoRead(), "nothing more is read from it");
        assertEquals(
                List.of("unix:bob(uid 1001) control: Unix user 'bob' is not in control.users (nor any of its groups)"),
                failedLogins);
    }

    @Test
    void aStrangerCannotFloodTheAuditLogByConnectingAgainAndAgain() throws Exception {
        List<EmbeddedChannel> waiting = new ArrayList<>();
        for (int i = 0; i < ControlConnections.STRANGERS_PER_USER; i++) {
            EmbeddedChannel ch = channel(BOB, true);
            ch.freezeTime();
            // Leaving at once gives no place back before the refusal is recorded. (As the client's
            // leaving is seen; EmbeddedChannel's own close would cancel the scheduled refusal, a real loop's does not.)
            ch.pipeline().fireChannelInactive();
            waiting.add(ch);
        }
        EmbeddedChannel more = channel(BOB, true);
        assertEquals(
                "too many refused connections of this Unix user at once; "
                        + "Unix user 'bob' is not in control.users (nor any of its groups)",
                answer(more).path("error").asText());
        assertEquals(
                ControlConnections.STRANGERS_PER_USER,
                failedLogins.size(),
                "the three waiting are recorded (at once: a stop within their second loses none), the fourth is not");
        for (EmbeddedChannel ch : waiting) {
            ch.advanceTimeBy(ControlHandler.STRANGER_WAIT_MS, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        assertEquals(ControlConnections.STRANGERS_PER_USER, failedLogins.size());
        EmbeddedChannel later = channel(BOB, true);
        later.runPendingTasks();
        assertNull(later.readOutbound(), "and their places are given back: this one waits its second");
    }

    @Test
    void aClientWithoutPeerCredentialsIsNotServed() throws Exception {
        EmbeddedChannel ch = channel(null, false); // NIO's unix channel has none, nor has an embedded one
        assertEquals(
                "monmux cannot tell who this client is (no peer credentials)",
                answer(ch).path("error").asText());
    }

    @Test
    void oneUnixUserMayHoldOnlySoManyConnections() throws Exception {
        EmbeddedChannel a = channel(BOB, false);
        EmbeddedChannel b = channel(BOB, false);
        a.runPendingTasks();
        assertNull(a.readOutbound(), "served");
        assertNull(b.readOutbound(), "served");
        EmbeddedChannel c = channel(BOB, false);
        assertEquals(
                "too many control connections; try again when some have ended",
                answer(c).path("error").asText());
        a.close();
        EmbeddedChannel d = channel(BOB, false);
        d.runPendingTasks();
        assertNull(d.readOutbound(), "a closed connection gives its place back");
    }

    @Test
    void anOverlongRequestIsRefused() throws Exception {
        EmbeddedChannel ch = channel(BOB, false);
        send(ch, "{\"command\":\"hmp\",\"vm\":\"x\",\"line\":\"" + "a".repeat(100) + "\"}\n");
        assertEquals("the request is too long", answer(ch).path("error").asText());
    }

    @Test
    void whoTheClientIsIsDecidedAgainWhenItsRequestComesAfterAReload() throws Exception {
        EmbeddedChannel a = channel(CAROL, true);
        EmbeddedChannel b = channel(CAROL, true);
        a.runPendingTasks();
        assertNull(a.readOutbound(), "carol maps to alice: served");
        // A reload takes carol out of control.users, then deletes alice: requests read after it are judged by it.
        control = new ControlConfig("/x.sock", null, null, Map.of("bob", "alice"));
        send(a, "{\"command\":\"list\"}\n");
        assertEquals(
                "Unix user 'carol' is not in control.users (nor any of its groups)",
                answer(a).path("error").asText());
        control = new ControlConfig("/x.sock", null, null, Map.of("carol", "alice"));
        users.replace(List.of());
        send(b, "{\"command\":\"list\"}\n");
        assertEquals(
                "control.users maps 'carol' to 'alice', who is not a user any more",
                answer(b).path("error").asText());
        assertEquals(2, failedLogins.size(), "both refusals recorded: " + failedLogins);
    }

    @Test
    void theRequestMustComeWithinTenSecondsOfConnectingWhateverElseIsSent() throws Exception {
        EmbeddedChannel ch = channel(BOB, false);
        ch.freezeTime();
        for (int i = 1; i < 10; i++) {
            send(ch, "\n"); // blank lines are not requests, and do not buy time
            ch.advanceTimeBy(1, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            assertNull(ch.readOutbound(), "second " + i);
        }
        send(ch, "{");
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals("no request within 10 seconds", answer(ch).path("error").asText());
        assertFalse(ch.isOpen());
    }

    @Test
    void aClientThatEndsItsInputWithoutANewlineIsToldWhy() throws Exception {
        EmbeddedChannel ch = channel(BOB, false);
        send(ch, "{\"command\":\"list\"}");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals(
                "no request (a request is one line of JSON, ending in a newline)",
                answer(ch).path("error").asText());
    }
}
