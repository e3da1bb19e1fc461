package dev.monmux.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The monmux path as a script sees it: a plain TCP connection to a {@code mode: raw} listener
 * (no telnet negotiation), one line per command, output up to the next {@code (qemu) } prompt.
 */
final class RawTelnetSync implements AutoCloseable {
    static final byte[] PROMPT = "(qemu) ".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
    private final String banner;

    RawTelnetSync(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        in = new BufferedInputStream(socket.getInputStream(), 65536);
        out = socket.getOutputStream();
        banner = untilPrompt();
        if (!banner.startsWith("monmux ")) {
            throw new BenchFailure("unexpected monmux banner: " + banner);
        }
    }

    String banner() {
        return banner;
    }

    /** Sends one line and returns its output (the text before the next prompt). */
    String command(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return untilPrompt();
    }

    void expect(String line, String output) throws IOException {
        String got = command(line);
        if (!got.equals(output)) {
            throw new BenchFailure("monmux: '" + line + "' answered " + quote(got) + ", expected " + quote(output));
        }
    }

    static String quote(String s) {
        return "\"" + s.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    private String untilPrompt() throws IOException {
        buf.reset();
        int matched = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new BenchFailure(
                        "monmux closed the connection; got so far: " + quote(buf.toString(StandardCharsets.UTF_8)));
            }
            buf.write(b);
            matched = b == PROMPT[matched] ? matched + 1 : (b == PROMPT[0] ? 1 : 0);
            if (matched == PROMPT.length) {
                String s = buf.toString(StandardCharsets.UTF_8);
                return s.substring(0, s.length() - PROMPT.length);
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
