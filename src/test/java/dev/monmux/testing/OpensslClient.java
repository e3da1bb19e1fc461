package dev.monmux.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code openssl s_client} connected to a monmux TLS port, as an operator would use it:
 * {@code openssl s_client -quiet -connect 127.0.0.1:PORT -CAfile ca.crt [-cert c.crt -key c.key]}.
 * Lines go to its stdin; what it prints is collected and awaited like {@link TelnetTestClient}.
 */
public final class OpensslClient implements AutoCloseable {
    private final Process process;
    private final OutputStream in;
    private final ReceivedText text = new ReceivedText("openssl s_client");
    private final Thread reader;

    private OpensslClient(Process process) {
        this.process = process;
        this.in = process.getOutputStream();
        this.reader = new Thread(this::readLoop, "openssl-s_client");
        reader.setDaemon(true);
        reader.start();
    }

    /** @param clientBase base name of a client certificate in {@code pki} ({@code .crt}/{@code .key}), or null */
    public static OpensslClient connect(int port, TestPki pki, String clientBase) throws IOException {
        TestPki.requireOpenssl();
        List<String> cmd = new ArrayList<>(List.of(
                "openssl",
                "s_client",
                "-quiet",
                "-verify_return_error",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                "localhost",
                "-verify_hostname",
                "localhost",
                "-CAfile",
                pki.file("ca.crt").toString()));
        if (clientBase != null) {
            Path dir = pki.dir();
            cmd.addAll(List.of(
                    "-cert",
                    dir.resolve(clientBase + ".crt").toString(),
                    "-key",
                    dir.resolve(clientBase + ".key").toString()));
        }
        return new OpensslClient(
                new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    private void readLoop() {
        try (InputStream out = process.getInputStream()) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = out.read(buf)) > 0) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (int i = 0; i < n; i++) {
                    // Telnet negotiation bytes (IAC ...) are not text; the operator's terminal shows none either.
                    if ((buf[i] & 0xff) == 255 && i + 2 < n) {
                        i += 2;
                        continue;
                    }
                    b.write(buf[i]);
                }
                text.append(b.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // process gone
        } finally {
            text.end();
        }
    }

    public void line(String s) throws IOException {
        in.write((s + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for {@code expected} after the mark; returns the text up to and including it. */
    public String await(String expected, long timeoutMs) throws InterruptedException {
        return text.await(expected, timeoutMs);
    }

    public String await(String expected) throws InterruptedException {
        return await(expected, 15_000);
    }

    /** Waits for s_client to exit (the server closed or refused the connection); true if it did. */
    public boolean awaitExit(long timeoutMs) throws InterruptedException {
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
    }

    public String all() {
        return text.all();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
