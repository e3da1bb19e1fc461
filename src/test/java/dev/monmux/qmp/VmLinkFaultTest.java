package dev.monmux.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.config.QmpAddress;
import dev.monmux.config.QmpLinkConfig;
import dev.monmux.testing.FakeQmpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VmLink against a fault-injecting fake QMP server. */
class VmLinkFaultTest {
    private EventLoopGroup group;
    private FakeQmpServer server;
    private VmLink link;
    private final List<String> transitions = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Path dir = Files.createTempDirectory("monmux-fake");
        server = new FakeQmpServer(dir.resolve("qmp.sock"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (link != null) {
            link.close().get(5, TimeUnit.SECONDS);
        }
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private VmLink startLink(QmpLinkConfig cfg) throws Exception {
        link = new VmLink("vm1", QmpAddress.parse(server.address()), cfg, null, group.next());
        CountDownLatch up = new CountDownLatch(1);
        link.addListener(new VmLinkListener() {
            @Override
            public void onUp(QmpEndpoint l, QmpGreeting g) {
                synchronized (transitions) {
                    transitions.add("up " + g.version());
                }
                up.countDown();
            }

            @Override
            public void onDown(QmpEndpoint l, String reason) {
                synchronized (transitions) {
                    transitions.add("down");
                }
            }
        });
        link.start();
        assertTrue(up.await(5, TimeUnit.SECONDS), "link did not come up");
        return link;
    }

    private static QmpLinkConfig cfg(Duration timeout, int maxConsecutiveTimeouts) {
        return new QmpLinkConfig(
                timeout,
                null,
                null,
                Duration.ofSeconds(1),
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                null,
                null,
                maxConsecutiveTimeouts);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected failure, got " + f.get());
    }

    private void awaitUp() throws InterruptedException {
        for (int i = 0; i < 500 && link.state() != QmpEndpoint.State.UP; i++) {
            Thread.sleep(10);
        }
        assertEquals(QmpEndpoint.State.UP, link.state());
    }

    @Test
    void textQemusJsonParserRefusesIsRefusedBeforeItIsSent() throws Exception {
        startLink(cfg(Duration.ofSeconds(5), 3));
        for (String bad : List.of("\uD800", "x\uFFFF", "\uFDD0", "\uDBFF\uDFFE")) {
            ObjectNode args = QmpJson.object().put("command-line", "info pci " + bad);
            Throwable t = failure(link.call("human-monitor-command", args));
            assertInstanceOf(QmpErrorException.class, t);
            assertTrue(t.getMessage().contains("which QEMU's JSON parser refuses"), t.getMessage());
        }
        assertEquals(null, server.nextRequest(200), "nothing reached QEMU");
        server.responder((c, req) -> List.of(FakeQmpServer.okReply(req, "\"fine\"")));
        assertEquals(
                "fine",
                link.call("human-monitor-command", QmpJson.object().put("command-line", "ok \uD83D\uDE00"))
                        .get(5, TimeUnit.SECONDS)
                        .asText(),
                "a surrogate pair is an ordinary character");
    }

    @Test
    void aReplyWithoutIdIsTheOldestInBandCommands() throws Exception {
        // As QEMU answers a request it could not parse: an error with no id, in its place.
        server.responder((c, req) -> req.path("execute").asText().equals("bad")
                ? List.of("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, invalid UTF-8 "
                        + "sequence in string\"}}")
                : List.of(FakeQmpServer.okReply(req, "{}")));
        startLink(cfg(Duration.ofSeconds(30), 3));
        CompletableFuture<JsonNode> bad = link.call("bad", null);
        CompletableFuture<JsonNode> good = link.call("query-status", null);
        Throwable t = failure(bad);
        assertEquals("JSON parse error, invalid UTF-8 sequence in string", ((QmpErrorException) t).desc());
        assertTrue(good.get(5, TimeUnit.SECONDS).isObject(), "the next one still gets its own reply");
    }

    @Test
    void handshakeAndReplyMatchedById() throws Exception {
        server.responder((c, req) -> List.of(FakeQmpServer.okReply(req, "{\"status\": \"running\"}")));
        startLink(cfg(Duration.ofSeconds(5), 3));
        assertEquals("7.2.22", link.greeting().version());
        JsonNode r = link.call("query-status", null).get(5, TimeUnit.SECONDS);
        assertEquals("running", r.path("status").asText());
        ObjectNode req = server.nextRequest(1000);
        assertEquals("query-status", req.path("execute").asText());
        assertTrue(req.get("id").isIntegralNumber(), "the link sends its own numeric id: " + req);
    }

    @Test
    void callerIdIsRestoredVerbatim() throws Exception {
        startLink(cfg(Duration.ofSeconds(5), 3));
        ObjectNode msg = QmpJson.object().put("execute", "query-status");
        msg.putObject("id").putArray("x").add(1).add(2);
        ObjectNode reply = link.execute(msg).get(5, TimeUnit.SECONDS);
        assertEquals("{\"x\":[1,2]}", QmpJson.compact(reply.get("id")));
        ObjectNode noId =
                link.execute(QmpJson.object().put("execute", "query-status")).get(5, TimeUnit.SECONDS);
        assertTrue(!noId.has("id"), "a request without id gets a reply without id: " + noId);
    }

    @Test
    void qmpErrorBecomesQmpErrorException() throws Exception {
        server.responder((c, req) -> List.of(FakeQmpServer.errorReply(req, "DeviceNotFound", "Device 'x' not found")));
        startLink(cfg(Duration.ofSeconds(5), 3));
        Throwable t = failure(link.call("eject", null));
        QmpErrorException e = assertInstanceOf(QmpErrorException.class, t);
        assertEquals("DeviceNotFound", e.errorClass());
        assertEquals("Device 'x' not found", e.desc());
    }

    @Test
    void pipelinedRepliesOutOfOrderStillMatch() throws Exception {
        // Hold the first reply back and answer it after the second: replies are matched by id.
        List<ObjectNode> held = new ArrayList<>();
        server.responder((c, req) -> {
            if (held.isEmpty()) {
                held.add(req);
                return null;
            }
            return List.of(FakeQmpServer.okReply(req, "\"second\""), FakeQmpServer.okReply(held.get(0), "\"first\""));
        });
        startLink(cfg(Duration.ofSeconds(5), 3));
        CompletableFuture<JsonNode> a = link.call("a", null);
        CompletableFuture<JsonNode> b = link.call("b", null);
        assertEquals("first", a.get(5, TimeUnit.SECONDS).asText());
        assertEquals("second", b.get(5, TimeUnit.SECONDS).asText());
    }

    @Test
    void stallTimesOutWithClearError() throws Exception {
        server.responder((c, req) -> null);
        startLink(cfg(Duration.ofMillis(200), 3));
        VmLinkException e = assertInstanceOf(VmLinkException.class, failure(link.call("query-status", null)));
        assertEquals(VmLinkException.Reason.TIMEOUT, e.reason());
        assertEquals(
                "no reply from VM 'vm1' to 'query-status' within 200 ms; the command may or may not have run",
                e.getMessage());
        assertEquals(QmpEndpoint.State.UP, link.state(), "one timeout does not recycle the link");
    }

    @Test
    void consecutiveTimeoutsRecycleTheLink() throws Exception {
        AtomicInteger answer = new AtomicInteger();
        server.responder((c, req) -> answer.get() == 0 ? null : List.of(FakeQmpServer.okReply(req, "{}")));
        startLink(cfg(Duration.ofMillis(100), 2));
        failure(link.call("a", null));
        failure(link.call("b", null));
        answer.set(1);
        // The second timeout closes the connection; the link reconnects and works again.
        for (int i = 0; i < 500 && server.acceptedCount() < 2; i++) {
            Thread.sleep(10);
        }
        assertEquals(2, server.acceptedCount());
        awaitUp();
        assertNotNull(link.call("c", null).get(5, TimeUnit.SECONDS));
    }

    @Test
    void garbageFromQemuFailsPendingAndReconnects() throws Exception {
        server.responder((c, req) -> {
            c.sendRaw("this is not json\r\n".getBytes());
            return null;
        });
        startLink(cfg(Duration.ofSeconds(5), 3));
        VmLinkException e = assertInstanceOf(VmLinkException.class, failure(link.call("query-status", null)));
        assertEquals(VmLinkException.Reason.LOST, e.reason());
        assertEquals("connection to VM 'vm1' lost; the command may or may not have run", e.getMessage());
        server.responder((c, req) -> List.of(FakeQmpServer.okReply(req, "{}")));
        awaitUp();
        assertNotNull(link.call("query-status", null).get(5, TimeUnit.SECONDS));
        assertTrue(server.acceptedCount() >= 2);
    }

    @Test
    void socketClosedWithCommandsPendingFailsThemAllThenReconnects() throws Exception {
        server.responder((c, req) -> null);
        startLink(cfg(Duration.ofSeconds(30), 3));
        List<CompletableFuture<JsonNode>> inFlight = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(link.call("query-status", null));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(
                    "query-status", server.nextRequest(5000).path("execute").asText());
        }
        server.dropConnections();
        for (CompletableFuture<JsonNode> f : inFlight) {
            VmLinkException e = assertInstanceOf(VmLinkException.class, failure(f));
            assertEquals(VmLinkException.Reason.LOST, e.reason());
        }
        server.responder((c, req) -> List.of(FakeQmpServer.okReply(req, "{}")));
        awaitUp();
        assertNotNull(link.call("query-status", null).get(5, TimeUnit.SECONDS));
        synchronized (transitions) {
            assertEquals(List.of("up 7.2.22", "down", "up 7.2.22"), transitions);
        }
    }

    @Test
    void commandsFailFastWhileDown() throws Exception {
        startLink(cfg(Duration.ofSeconds(30), 3));
        server.close();
        for (int i = 0; i < 500 && link.state() == QmpEndpoint.State.UP; i++) {
            Thread.sleep(10);
        }
        VmLinkException e = assertInstanceOf(VmLinkException.class, failure(link.call("query-status", null)));
        assertEquals(VmLinkException.Reason.DOWN, e.reason());
        assertEquals("VM 'vm1' is down", e.getMessage());
        assertTrue(link.lastError() != null && !link.lastError().isEmpty());
    }

    @Test
    void aSocketThatIsNotThereIsNamedOnce() throws Exception {
        Path absent = Files.createTempDirectory("monmux-absent").resolve("nobody.qmp");
        link = new VmLink("vm1", QmpAddress.parse("unix:" + absent), cfg(Duration.ofSeconds(1), 3), null, group.next());
        link.start();
        for (int i = 0; i < 500 && !String.valueOf(link.lastError()).startsWith("cannot"); i++) {
            Thread.sleep(10);
        }
        assertEquals("cannot connect to unix:" + absent + ": No such file or directory", link.lastError());
    }

    @Test
    void aTcpAddressThatRefusesIsNamedOnceAsConfigured() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nobody listens there now
        }
        link = new VmLink(
                "vm1", QmpAddress.parse("tcp:localhost:" + port), cfg(Duration.ofSeconds(1), 3), null, group.next());
        link.start();
        for (int i = 0; i < 500 && !String.valueOf(link.lastError()).startsWith("cannot"); i++) {
            Thread.sleep(10);
        }
        // Only as tcp:localhost:PORT (not Netty's localhost/127.0.0.1:PORT), which non-admins see replaced.
        assertEquals("cannot connect to tcp:localhost:" + port + ": Connection refused", link.lastError());
    }

    @Test
    void missingGreetingTimesOutTheHandshake() throws Exception {
        server.sendGreeting(false);
        link = new VmLink(
                "vm1",
                QmpAddress.parse(server.address()),
                new QmpLinkConfig(
                        null,
                        null,
                        null,
                        Duration.ofMillis(150),
                        Duration.ofMillis(20),
                        Duration.ofMillis(50),
                        null,
                        null,
                        null),
                null,
                group.next());
        link.start();
        for (int i = 0; i < 500 && server.acceptedCount() < 3; i++) {
            Thread.sleep(10);
        }
        assertTrue(server.acceptedCount() >= 3, "retries after handshake timeouts");
        assertTrue(link.state() != QmpEndpoint.State.UP);
        assertTrue(link.lastError().contains("no QMP handshake"), link.lastError());
        server.sendGreeting(true);
        server.dropConnections();
        awaitUp();
    }

    @Test
    void oversizedMessageFromQemuIsRefused() throws Exception {
        server.responder((c, req) -> {
            StringBuilder big = new StringBuilder("{\"return\": \"");
            big.append("x".repeat(10_000));
            big.append("\", \"id\": ").append(req.get("id")).append('}');
            return List.of(big.toString());
        });
        link = new VmLink(
                "vm1",
                QmpAddress.parse(server.address()),
                new QmpLinkConfig(
                        null, null, null, null, Duration.ofMillis(20), Duration.ofMillis(50), 4096, null, null),
                null,
                group.next());
        link.start();
        awaitUp();
        VmLinkException e = assertInstanceOf(VmLinkException.class, failure(link.call("query-status", null)));
        assertEquals(VmLinkException.Reason.LOST, e.reason());
        assertTrue(
                link.lastError() == null || link.lastError().contains("4096") || link.state() == QmpEndpoint.State.UP);
    }
}
