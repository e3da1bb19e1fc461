package dev.monmux.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A QMP client for tests that sees the wire as it is: raw bytes out, raw lines in (each with its
 * {@code \r}, without the {@code \n}). Used to compare monmux's QMP front end with QEMU byte for
 * byte. Reads block (the test's own timeout bounds them).
 */
public final class QmpLineClient implements AutoCloseable {
    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;

    private QmpLineClient(SocketChannel channel) {
        this.channel = channel;
        this.in = Channels.newInputStream(channel);
        this.out = Channels.newOutputStream(channel);
    }

    public static QmpLineClient unix(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new QmpLineClient(ch);
    }

    public static QmpLineClient tcp(int port) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        return new QmpLineClient(ch);
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes: the server sees end of input (as {@code printf ... | socat} does). */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** The next line, {@code \r} kept, or null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** Reads {@code n} lines. */
    public List<String> readLines(int n) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String l = readLine();
            if (l == null) {
                throw new IOException("connection closed after " + lines + " (wanted " + n + " lines)");
            }
            lines.add(l);
        }
        return lines;
    }

    /** Reads lines until one matches; returns all read, the match last. */
    public List<String> readUntil(Predicate<String> match) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = readLine();
            if (l == null) {
                throw new IOException("connection closed after " + lines);
            }
            lines.add(l);
            if (match.test(l)) {
                return lines;
            }
        }
    }

    /** True when the server closes the connection (after reading any remaining lines). */
    public boolean isClosedByPeer() throws IOException {
        return readLine() == null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
