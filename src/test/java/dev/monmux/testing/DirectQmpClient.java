package dev.monmux.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain blocking QMP client for tests: talks straight to a QMP socket (QEMU's or monmux's
 * QMP front end), one JSON object per line. Events seen while waiting for a reply are kept in
 * {@link #events()}.
 */
public final class DirectQmpClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;
    private final JsonNode greeting;
    private final List<JsonNode> events = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    private DirectQmpClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
        String first = in.readLine();
        if (first == null) {
            throw new IOException("no QMP greeting");
        }
        this.greeting = JSON.readTree(first);
    }

    /** Connects and reads the greeting, without negotiating capabilities. */
    public static DirectQmpClient connectRaw(Path unixSocket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(unixSocket));
        return new DirectQmpClient(ch);
    }

    /** Connects, reads the greeting and negotiates {@code qmp_capabilities}. */
    public static DirectQmpClient connect(Path unixSocket) throws IOException {
        DirectQmpClient c = connectRaw(unixSocket);
        JsonNode r = c.execute("qmp_capabilities", null);
        if (!r.has("return")) {
            throw new IOException("qmp_capabilities failed: " + r);
        }
        return c;
    }

    public JsonNode greeting() {
        return greeting;
    }

    /** Sends a command with a fresh numeric id and returns its reply (events are set aside). */
    public JsonNode execute(String command, JsonNode arguments) throws IOException {
        ObjectNode msg = JSON.createObjectNode().put("execute", command);
        if (arguments != null) {
            msg.set("arguments", arguments);
        }
        long id = ids.incrementAndGet();
        msg.put("id", id);
        sendLine(msg.toString());
        while (true) {
            JsonNode n = readMessage();
            if (n.has("event")) {
                events.add(n);
                continue;
            }
            if (n.path("id").asLong(-1) != id) {
                throw new IOException("reply for another id: " + n + " (expected " + id + ")");
            }
            return n;
        }
    }

    /** {@code human-monitor-command} and the text it returned; fails on a QMP error. */
    public String hmp(String commandLine) throws IOException {
        JsonNode r = execute("human-monitor-command", JSON.createObjectNode().put("command-line", commandLine));
        if (!r.has("return")) {
            throw new IOException("human-monitor-command '" + commandLine + "' failed: " + r);
        }
        return r.get("return").asText();
    }

    /** Writes one raw line (a newline is appended). */
    public void sendLine(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads the next message (reply or event) from the socket. */
    public JsonNode readMessage() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QMP connection closed");
        }
        return JSON.readTree(line);
    }

    /** Events that arrived while {@link #execute} waited for replies. */
    public List<JsonNode> events() {
        return events;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
