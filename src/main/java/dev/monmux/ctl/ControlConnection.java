package dev.monmux.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One connection to monmux's control socket: one request (a JSON object on a line) and the
 * answers to it, one JSON object per line, until monmux closes the connection.
 */
final class ControlConnection implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;

    private ControlConnection(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    /** Connects; the exception's message says in the user's words why it could not. */
    static ControlConnection open(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new ControlConnection(ch);
        } catch (IOException e) {
            ch.close();
            throw new IOException(why(socket, e), e);
        }
    }

    private static String why(Path socket, IOException e) {
        String at = "cannot connect to " + socket + ": ";
        if (!Files.exists(socket)) {
            return at + "no such socket (is monmux running with control.socket set? --socket PATH or "
                    + "MONMUX_CONTROL_SOCKET names another)";
        }
        if (Files.isDirectory(socket) || Files.isRegularFile(socket)) {
            return at + "it is a " + (Files.isDirectory(socket) ? "directory" : "file") + ", not a socket";
        }
        if (e instanceof AccessDeniedException || String.valueOf(e.getMessage()).contains("ermission denied")) {
            return at + "permission denied (run as monmux's Unix user or root, or see control.mode in the config)";
        }
        if (String.valueOf(e.getMessage()).contains("onnection refused")) {
            return at + "nobody is listening (monmux is not running?)";
        }
        return at + e.getMessage();
    }

    void send(ObjectNode request) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** The next answer, or null once monmux has closed the connection. */
    JsonNode next() throws IOException {
        String line = in.readLine();
        return line == null ? null : JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
