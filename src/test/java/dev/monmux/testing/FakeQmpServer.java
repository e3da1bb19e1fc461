package dev.monmux.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable QMP server on a unix socket, for faults a real QEMU cannot be made to show:
 * garbage, stalls, dropped connections, missing greetings. It speaks enough QMP for the link's
 * handshake and answers commands through a {@link Responder} the test supplies.
 */
public final class FakeQmpServer implements AutoCloseable {
    public static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, "
            + "\"major\": 7}, \"package\": \"fake\"}, \"capabilities\": [\"oob\"]}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Decides what to do with each command after the handshake. */
    @FunctionalInterface
    public interface Responder {
        /** Returns the lines to send (each gets "\r\n"), or null to send nothing (stall). */
        List<String> respond(Connection c, ObjectNode request) throws IOException;
    }

    /** One accepted connection. */
    public final class Connection {
        private final SocketChannel ch;

        Connection(SocketChannel ch) {
            this.ch = ch;
        }

        /** Any thread may send, also while the connection's reader waits for a request. */
        public void send(String line) throws IOException {
            sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        // Not through Channels.newOutputStream: its writes wait for the blocking lock that a
        // reader blocked in Channels.newInputStream holds.
        public synchronized void sendRaw(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        public void close() throws IOException {
            ch.close();
        }
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<ObjectNode> received = new LinkedBlockingQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean sendGreeting = true;
    private volatile String greeting = GREETING;
    private volatile Responder responder = (c, req) -> List.of(okReply(req, "{}"));

    public FakeQmpServer(Path path) throws IOException {
        this.path = path;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        acceptor = new Thread(this::acceptLoop, "fake-qmp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public Path path() {
        return path;
    }

    public String address() {
        return "unix:" + path;
    }

    public void responder(Responder r) {
        this.responder = r;
    }

    /** The greeting to send (e.g. a QEMU version monmux has no table for). */
    public void greeting(String line) {
        this.greeting = line;
    }

    /** A greeting of QEMU {@code major.minor.micro}. */
    public static String greetingOf(int major, int minor, int micro) {
        return "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": " + micro + ", \"minor\": " + minor + ", \"major\": "
                + major + "}, \"package\": \"fake\"}, \"capabilities\": [\"oob\"]}}";
    }

    /** When false, connections are accepted but never greeted (a hung QEMU). */
    public void sendGreeting(boolean b) {
        this.sendGreeting = b;
    }

    public int acceptedCount() {
        return accepted.get();
    }

    public List<Connection> connections() {
        return connections;
    }

    /** The next command received after the handshake, or null after the timeout. */
    public ObjectNode nextRequest(long timeoutMs) throws InterruptedException {
        return received.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Closes every open connection (as QEMU does when it dies). */
    public void dropConnections() throws IOException {
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
    }

    public static String okReply(ObjectNode req, String returnJson) {
        return "{\"return\": " + returnJson + ", \"id\": " + req.get("id") + "}";
    }

    public static String errorReply(ObjectNode req, String cls, String desc) {
        return "{\"id\": " + req.get("id") + ", \"error\": {\"class\": \"" + cls + "\", \"desc\": \"" + desc + "\"}}";
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                accepted.incrementAndGet();
                Connection c = new Connection(ch);
                connections.add(c);
                Thread t = new Thread(() -> serve(c), "fake-qmp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Connection c) {
        try (InputStream in = Channels.newInputStream(c.ch)) {
            if (sendGreeting) {
                c.send(greeting);
            }
            var parser = JSON.getFactory().createParser(in);
            boolean negotiated = false;
            while (true) {
                JsonNode n = JSON.readTree(parser);
                if (n == null) {
                    return;
                }
                ObjectNode req = (ObjectNode) n;
                if (!negotiated && "qmp_capabilities".equals(req.path("execute").asText())) {
                    negotiated = true;
                    c.send(okReply(req, "{}"));
                    continue;
                }
                if ("query-commands".equals(req.path("execute").asText())) {
                    // monmux asks once per connection; an empty list means "judge without it".
                    c.send(okReply(req, "[]"));
                    continue;
                }
                received.add(req);
                List<String> lines = responder.respond(c, req);
                if (lines != null) {
                    for (String l : lines) {
                        c.send(l);
                    }
                }
            }
        } catch (IOException e) {
            // connection closed
        } finally {
            connections.remove(c);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        Files.deleteIfExists(path);
    }
}
