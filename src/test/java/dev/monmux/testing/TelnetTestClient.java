package dev.monmux.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A test client for monmux's telnet listeners. As an interactive client it answers the
 * server's option offers like a real telnet client does (so the server picks character mode);
 * as a raw client it answers nothing, like {@code nc}. Telnet sequences are stripped from what it
 * collects; {@link #await} waits for text to appear.
 */
public final class TelnetTestClient implements AutoCloseable {
    private static final int IAC = 255;

    private final Socket socket;
    private final OutputStream out;
    private final boolean interactive;
    private final ReceivedText text = new ReceivedText("telnet client");
    private final Thread reader;

    private TelnetTestClient(int port, boolean interactive) throws IOException {
        this.socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        this.out = socket.getOutputStream();
        this.interactive = interactive;
        this.reader = new Thread(this::readLoop, "telnet-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** A client that negotiates like telnet(1): character mode, server echo. */
    public static TelnetTestClient interactive(int port) throws IOException {
        return new TelnetTestClient(port, true);
    }

    /** A client that never negotiates, like nc. */
    public static TelnetTestClient raw(int port) throws IOException {
        return new TelnetTestClient(port, false);
    }

    /** A client (interactive or raw) that has logged in as {@code user} and seen the first prompt. */
    public static TelnetTestClient loggedIn(int port, boolean interactive, String user, String password)
            throws Exception {
        TelnetTestClient c = new TelnetTestClient(port, interactive);
        c.await("login: ", 20_000);
        c.line(user);
        c.await("Password: ");
        c.line(password);
        c.await("(qemu) ", 20_000);
        return c;
    }

    private void readLoop() {
        try (InputStream in = socket.getInputStream()) {
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            int state = 0;
            int verb = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                switch (state) {
                    case 0 -> {
                        if (b == IAC) {
                            state = 1;
                        } else {
                            pending.write(b);
                            if (in.available() == 0) {
                                flush(pending);
                            }
                        }
                    }
                    case 1 -> {
                        if (b >= 251 && b <= 254) {
                            verb = b;
                            state = 2;
                        } else {
                            state = 0;
                        }
                    }
                    default -> {
                        state = 0;
                        answer(verb, b);
                    }
                }
            }
            flush(pending);
        } catch (IOException e) {
            // closed
        } finally {
            text.end();
        }
    }

    private void answer(int verb, int option) throws IOException {
        if (!interactive) {
            return;
        }
        if (verb == 251) { // WILL x -> DO x
            sendBytes(new byte[] {(byte) IAC, (byte) 253, (byte) option});
        } else if (verb == 253) { // DO x -> WILL x
            sendBytes(new byte[] {(byte) IAC, (byte) 251, (byte) option});
        }
    }

    private void flush(ByteArrayOutputStream pending) {
        if (pending.size() == 0) {
            return;
        }
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        text.append(s);
    }

    public synchronized void sendBytes(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Sends text as typed (no line end added). */
    public void type(String s) throws IOException {
        sendBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a line with the Enter an interactive telnet client sends ({@code \r\0}) or nc's {@code \n}. */
    public void line(String s) throws IOException {
        type(s + (interactive ? "\r\0" : "\n"));
    }

    /**
     * Interactive only: types {@code partial} and Tab, returns what the completion added to the
     * line (without the bell), then clears the line and waits for a fresh {@code (qemu) } prompt.
     */
    public String complete(String partial) throws IOException, InterruptedException {
        type(partial + "\t#");
        await(partial, 5_000);
        String echo = await("#", 5_000);
        type("\u0015"); // Ctrl-U kills the line; an empty line gets a new prompt
        line("");
        await("(qemu) ", 5_000);
        return echo.substring(0, echo.length() - 1).replace("\u0007", "");
    }

    /** Half-closes, as {@code printf ... | nc -N} does at end of input. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Waits until {@code expected} appears after the mark, moves the mark past it and returns the
     * text from the old mark up to and including it.
     */
    public String await(String expected, long timeoutMs) throws InterruptedException {
        return text.await(expected, timeoutMs);
    }

    public String await(String expected) throws InterruptedException {
        return await(expected, 10_000);
    }

    /** Everything received so far (telnet sequences removed). */
    public String all() {
        return text.all();
    }

    /** True once the server has closed the connection. */
    public boolean isClosed() {
        return text.ended();
    }

    /** Waits until the server closes the connection. */
    public boolean awaitClosed(long timeoutMs) throws InterruptedException {
        reader.join(timeoutMs);
        return text.ended();
    }

    public static String show(String s) {
        return "'" + s.replace("\r", "\\r").replace("\n", "\\n").replace("\033", "\\e") + "'";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
