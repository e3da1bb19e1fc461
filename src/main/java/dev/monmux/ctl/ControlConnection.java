package dev.monmux.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * One connection to monmux's control socket: one request (a JSON object on a line) and the
 * answers to it, one JSON object per line, until monmux closes the connection.
 */
final class ControlConnection implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private IOException unsent;
    private boolean answered;

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
        String message = String.valueOf(e.getMessage());
        if (e instanceof AccessDeniedException || message.contains("ermission denied")) {
            // The socket itself, or a directory on the way to it that this user may not enter.
            return at + "permission denied (run as monmux's Unix user or root, or as a user whom "
                    + "control.mode and control.group let in, on the socket and its directory)";
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && !Files.exists(socket)) {
            return at + "no such socket (is monmux running with control.socket set? --socket PATH or "
                    + "MONMUX_CONTROL_SOCKET names another)";
        }
        if (!isSocket(socket)) {
            return at + "it is " + kind(socket) + ", not a socket";
        }
        if (message.contains("onnection refused")) {
            return at + "nobody is listening (monmux is not running?)";
        }
        return at + message;
    }

    private static boolean isSocket(Path p) {
        try {
            return (((Integer) Files.getAttribute(p, "unix:mode")) & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true; // cannot tell: let the connect error speak
        }
    }

    private static String kind(Path p) {
        if (Files.isDirectory(p)) {
            return "a directory";
        }
        if (Files.isRegularFile(p)) {
            return "a file";
        }
        return "a FIFO or a device";
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    /**
     * Sends the request. monmux may have answered and closed already (a client it refuses as it
     * connects): then the write fails, and {@link #next} still reads that answer.
     */
    void send(ObjectNode request) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            unsent = e;
        }
    }

    /**
     * The next answer, or null once monmux has closed the connection (or reset it). Throws if the
     * request could not be sent and nothing came back, or if what came is not monmux's.
     */
    JsonNode next() throws IOException {
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            line = null; // a reset: closed without a (complete) answer
        }
        if (line == null) {
            if (unsent != null && !answered) {
                throw new IOException("cannot send the request: " + unsent.getMessage(), unsent);
            }
            return null;
        }
        answered = true;
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException("what came back is not monmux's answer (is that monmux's control socket?)", e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
