package dev.monmux.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.monmux.CliRun;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code monmux ctl} says when the other end is not the monmux it expects, or answers before it asks. */
class ControlConnectionTest {
    @TempDir
    Path dir;

    /** A one-shot server: accepts one client, writes {@code answer} without reading, and closes. */
    private Thread answerAndClose(Path socket, String answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (server;
                    SocketChannel c = server.accept()) {
                c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    private CliRun ctl(Path socket, String... args) {
        return CliRun.capture(
                "", (in, out, err) -> Ctl.run(List.of(args), Map.of(Ctl.SOCKET_ENV, socket.toString()), in, out, err));
    }

    @Test
    void aRefusalSentBeforeTheRequestIsReadIsStillShown() throws Exception {
        Path socket = dir.resolve("c.sock");
        // As monmux refuses a stranger: it answers as the client connects and closes without reading.
        // A request larger than the socket's buffers cannot be written whole before that close, so
        // its write fails (EPIPE) every time; the answer is still there to read.
        Thread server = answerAndClose(
                socket, "{\"status\":\"refused\",\"error\":\"Unix user 'bob' is not in control.users\"}\n");
        CliRun r = ctl(socket, "hmp", "vm1", "x".repeat(1 << 20));
        server.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(new CliRun(2, "", "monmux ctl: Unix user 'bob' is not in control.users\n"), r);
    }

    @Test
    void anAnswerThatIsNotMonmuxsSaysSoInOneLine() throws Exception {
        Path socket = dir.resolve("c.sock");
        Thread server = answerAndClose(socket, "SSH-2.0-OpenSSH_9.2\r\n");
        CliRun r = ctl(socket, "list");
        server.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(
                new CliRun(
                        4,
                        "",
                        "monmux ctl: what came back is not monmux's answer (is that monmux's control socket?)\n"),
                r);
    }

    @Test
    void aFifoIsNotASocket() throws Exception {
        Path fifo = dir.resolve("f");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        CliRun r = ctl(fifo, "list");
        assertEquals(
                new CliRun(
                        4, "", "monmux ctl: cannot connect to " + fifo + ": it is a FIFO or a device, not a socket\n"),
                r);
    }
}
