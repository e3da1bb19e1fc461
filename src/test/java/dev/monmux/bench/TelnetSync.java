package dev.monmux.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jdk.net.ExtendedSocketOptions;

/**
 * A telnet client for an HMP prompt, the <em>same</em> code for QEMU's own telnet monitor
 * ({@code -monitor telnet:...}) and for monmux's {@code mode: telnet} listener, so the two HMP
 * rows of P1 measure the same thing: the line sent (one write, Enter as a lone {@code \r}, which
 * both take as one Enter at once) to the answer <em>and</em> the next {@code (qemu) } prompt
 * received.
 *
 * <p>Negotiation is the minimum both servers need, done once at connect: both offer
 * {@code WILL ECHO}, {@code WILL SUPPRESS-GO-AHEAD}, {@code WILL BINARY} and {@code DO BINARY};
 * the client agrees to those (as a telnet client would) and refuses anything else. Neither server
 * sends more telnet commands afterwards; should one, it is answered and stripped the same way and
 * counted ({@link #lateTelnetCommands}).
 *
 * <p>QEMU does not set {@code TCP_NODELAY} on its telnet socket and writes its echo one character
 * redraw at a time, so after its first small segment Nagle holds the rest until this client ACKs;
 * with Linux's delayed ACK that is a 40 ms stall. The client therefore sets {@code TCP_QUICKACK}
 * before every read (the kernel clears it again by itself), for both servers alike.
 */
final class TelnetSync implements AutoCloseable {
    static final byte[] PROMPT = "(qemu) ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private static final int IAC = 255;
    private static final int DONT = 254;
    private static final int DO = 253;
    private static final int WONT = 252;
    private static final int WILL = 251;
    private static final int SB = 250;
    private static final int SE = 240;
    private static final int OPT_BINARY = 0;
    private static final int OPT_ECHO = 1;
    private static final int OPT_SGA = 3;

    final String name;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] rbuf = new byte[65536];
    /** Received bytes with the telnet commands taken out, not yet returned. */
    private byte[] acc = new byte[4096];

    private int accLen;
    /** Telnet command parser state: 0 data, 1 after IAC, 2 after IAC WILL/WONT/DO/DONT, 3 in SB, 4 in SB after IAC. */
    private int state;

    private int verb;
    /** Answers to the server's telnet commands, written before the next line is sent. */
    private final java.io.ByteArrayOutputStream replies = new java.io.ByteArrayOutputStream();

    private boolean negotiated;
    /** Telnet commands the server sent after the banner (none expected). */
    int lateTelnetCommands;

    private final String banner;

    private TelnetSync(String name, int port) throws IOException {
        this.name = name;
        socket = new Socket();
        socket.setTcpNoDelay(true);
        if (!socket.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
            socket.close();
            throw new BenchFailure("TCP_QUICKACK is not supported here (Linux only): the telnet rows need it");
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        banner = new String(untilPrompt(), StandardCharsets.UTF_8);
        negotiated = true;
        flushReplies();
        // An empty line: both servers answer "\r\n(qemu) ". This also waits out the effect of the
        // client's answers above, so nothing of the negotiation is left for the first command.
        byte[] empty = command("");
        if (!Arrays.equals(empty, concat(CRLF, PROMPT))) {
            throw new BenchFailure(
                    name + " telnet: an empty line got " + quote(empty) + ", expected \"\\r\\n(qemu) \"");
        }
    }

    /** Connects, checks the banner starts with {@code bannerPrefix}, negotiates. */
    static TelnetSync connect(String name, int port, String bannerPrefix) throws IOException {
        TelnetSync t = new TelnetSync(name, port);
        if (!t.banner.startsWith(bannerPrefix)) {
            t.close();
            throw new BenchFailure(
                    "unexpected " + name + " telnet banner: " + quote(t.banner.getBytes(StandardCharsets.UTF_8)));
        }
        return t;
    }

    /** Sends one line; returns everything received up to and including the next prompt (echo included). */
    byte[] command(String line) throws IOException {
        flushReplies();
        out.write((line + "\r").getBytes(StandardCharsets.UTF_8));
        return untilPrompt();
    }

    /** Sends one line; the response must be byte-identical to {@code want} (a first response). */
    void expect(String line, byte[] want) throws IOException {
        byte[] got = command(line);
        if (!Arrays.equals(got, want)) {
            throw new BenchFailure(name + " telnet: '" + line + "' got " + quote(got) + ", expected " + quote(want));
        }
    }

    /**
     * The first response to {@code line}, checked: the echo (telnet control sequences taken out)
     * ends with the line, and the answer (after the echo's {@code \r\n}, before the prompt) is
     * returned for the caller to check. Later responses are compared with this one byte for byte.
     */
    static String answer(String name, String line, byte[] response) {
        int crlf = indexOf(response, CRLF, 0);
        if (crlf < 0 || !endsWith(response, PROMPT)) {
            throw new BenchFailure(
                    name + " telnet: no echo line before the answer to '" + line + "': " + quote(response));
        }
        String echo = new String(response, 0, crlf, StandardCharsets.UTF_8)
                .replace("\u001b[K", "")
                .replace("\u001b[D", "");
        if (!echo.endsWith(line)) {
            throw new BenchFailure(
                    name + " telnet: the echo of '" + line + "' reads " + quote(echo.getBytes(StandardCharsets.UTF_8)));
        }
        return new String(response, crlf + 2, response.length - crlf - 2 - PROMPT.length, StandardCharsets.UTF_8);
    }

    /** The echo part of a response (up to its first {@code \r\n}, excluded). */
    static byte[] echo(byte[] response) {
        int crlf = indexOf(response, CRLF, 0);
        return Arrays.copyOf(response, Math.max(0, crlf));
    }

    private void flushReplies() throws IOException {
        if (replies.size() > 0) {
            out.write(replies.toByteArray());
            replies.reset();
        }
    }

    private byte[] untilPrompt() throws IOException {
        int from = 0;
        while (true) {
            int p = indexOf(acc, accLen, PROMPT, from);
            if (p >= 0) {
                int end = p + PROMPT.length;
                byte[] r = Arrays.copyOf(acc, end);
                System.arraycopy(acc, end, acc, 0, accLen - end);
                accLen -= end;
                return r;
            }
            from = Math.max(0, accLen - PROMPT.length + 1);
            // ACK at once what this read takes in: QEMU's Nagle waits for that ACK (see the class doc).
            socket.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            int n = in.read(rbuf);
            if (n < 0) {
                throw new BenchFailure(
                        name + " closed the telnet connection; got so far: " + quote(Arrays.copyOf(acc, accLen)));
            }
            feed(rbuf, n);
        }
    }

    /** Takes telnet commands out of {@code b}, answering option offers; keeps the data. */
    private void feed(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            switch (state) {
                case 0 -> {
                    if (c == IAC) {
                        state = 1;
                    } else {
                        keep(c);
                    }
                }
                case 1 -> {
                    if (c == IAC) {
                        keep(c);
                        state = 0;
                    } else if (c >= WILL && c <= DONT) {
                        verb = c;
                        state = 2;
                    } else if (c == SB) {
                        state = 3;
                    } else {
                        state = 0; // NOP, GA, ...: nothing to do
                    }
                    if (negotiated && c != IAC) {
                        lateTelnetCommands++;
                    }
                }
                case 2 -> {
                    option(verb, c);
                    state = 0;
                }
                case 3 -> state = c == IAC ? 4 : 3;
                default -> state = c == SE ? 0 : 3;
            }
        }
    }

    /** Agrees to the options both servers offer (echo, suppress-go-ahead, binary), refuses others. */
    private void option(int v, int opt) {
        boolean ok = opt == OPT_BINARY || opt == OPT_ECHO || opt == OPT_SGA;
        switch (v) {
            case WILL -> reply(ok ? DO : DONT, opt);
            case DO -> reply(opt == OPT_BINARY || opt == OPT_SGA ? WILL : WONT, opt);
            default -> {
                // WONT / DONT: nothing to answer (we never asked)
            }
        }
    }

    private void reply(int v, int opt) {
        replies.write(IAC);
        replies.write(v);
        replies.write(opt);
    }

    private void keep(int c) {
        if (accLen == acc.length) {
            acc = Arrays.copyOf(acc, acc.length * 2);
        }
        acc[accLen++] = (byte) c;
    }

    private static int indexOf(byte[] a, byte[] pat, int from) {
        return indexOf(a, a.length, pat, from);
    }

    private static int indexOf(byte[] a, int len, byte[] pat, int from) {
        outer:
        for (int i = from; i + pat.length <= len; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (a[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean endsWith(byte[] a, byte[] suffix) {
        return a.length >= suffix.length && indexOf(a, a.length, suffix, a.length - suffix.length) >= 0;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Bytes as a quoted string, control bytes escaped (for failure messages). */
    static String quote(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        String s = new String(b, StandardCharsets.UTF_8);
        for (int i = 0; i < s.length() && sb.length() < 600; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append(s.length() > 600 ? "...\"" : "\"").toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
