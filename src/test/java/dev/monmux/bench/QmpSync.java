package dev.monmux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The direct path: a blocking QMP client on QEMU's own socket, as a tool without monmux would
 * talk to QEMU. Replies are checked against the exact bytes QEMU sends (cheap, so the direct
 * path is not slowed by the checking); anything else is parsed and, unless it is an event, fails
 * the run.
 */
final class QmpSync implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String INFO_STATUS = "VM status: running\r\n";

    /** An event as received: its name, QEMU's timestamp and when it arrived (both epoch microseconds). */
    record Event(String name, long qemuMicros, long arrivedMicros) {}

    /**
     * False for monmux's QMP front end: its JSON spacing may differ from QEMU's, so a reply that
     * is not byte-identical is compared as JSON (a little more work on monmux's side, not less).
     */
    private boolean exactBytes = true;

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final List<Event> events = new ArrayList<>();
    private long nextId;
    /** Replies that were not byte-identical to QEMU's and were compared as JSON (front end only). */
    long jsonCompared;

    private QmpSync(SocketChannel channel) throws IOException {
        this.channel = channel;
        // Not Channels.newInputStream/newOutputStream: those share one lock, so a blocked read
        // would stop the pipelined writer.
        this.in = new BufferedInputStream(
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        return channel.read(java.nio.ByteBuffer.wrap(b, off, len));
                    }
                },
                65536);
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        };
    }

    /**
     * Whether direct clients enable QMP's {@code oob} capability, as monmux's link does (then
     * QEMU reads requests on its monitor I/O thread for both paths alike).
     */
    static boolean oob = !"0".equals(System.getenv("BENCH_DIRECT_OOB"));

    /** A client of monmux's QMP front end: replies are compared as JSON, not as bytes. */
    static QmpSync connectMonmux(Path socket) throws IOException {
        return connect(socket, false);
    }

    static QmpSync connect(Path socket) throws IOException {
        return connect(socket, true);
    }

    private static QmpSync connect(Path socket, boolean exactBytes) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        QmpSync q = new QmpSync(ch);
        q.exactBytes = exactBytes;
        String greeting = q.readLine();
        if (greeting == null || !greeting.startsWith("{\"QMP\"")) {
            throw new BenchFailure("no QMP greeting on " + socket + ": " + greeting);
        }
        q.send(
                oob
                        ? "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}"
                        : "{\"execute\": \"qmp_capabilities\"}");
        q.expect("{\"return\": {}}");
        return q;
    }

    static long nowMicros() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    static String hmpRequest(String commandLine, long id) {
        return "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"" + commandLine
                + "\"}, \"id\": " + id + "}";
    }

    static String hmpReply(String output, long id) {
        return "{\"return\": \"" + output.replace("\r", "\\r").replace("\n", "\\n") + "\", \"id\": " + id + "}";
    }

    /** {@code human-monitor-command "info status"}, one round trip, reply checked. */
    void infoStatus() throws IOException {
        long id = ++nextId;
        send(hmpRequest("info status", id));
        expect(hmpReply(INFO_STATUS, id));
    }

    /** {@code query-status}, one round trip, reply checked. */
    void queryStatus() throws IOException {
        long id = ++nextId;
        send(queryStatusRequest(id));
        expect(queryStatusReply(id));
    }

    /** A command whose reply is {@code {}} (stop, cont), reply checked; events seen are kept. */
    void execute(String command) throws IOException {
        long id = ++nextId;
        send("{\"execute\": \"" + command + "\", \"id\": " + id + "}");
        expect("{\"return\": {}, \"id\": " + id + "}");
    }

    /** Reads until an event named {@code name} arrives (or one was already seen). */
    Event awaitEvent(String name) throws IOException {
        while (true) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).name().equals(name)) {
                    return events.remove(i);
                }
            }
            onOther(readLine(), "an event " + name);
        }
    }

    /**
     * Sends {@code human-monitor-command "info status"} for {@code nanos}, keeping {@code window}
     * requests in flight (writes ahead, as QEMU allows), and returns the replies received in
     * that time. Every reply is checked; at the end the replies still in flight are awaited.
     */
    long pipelined(long nanos, int window) throws IOException, InterruptedException {
        return pipelined(nanos, window, id -> hmpRequest("info status", id), id -> hmpReply(INFO_STATUS, id));
    }

    static String queryStatusRequest(long id) {
        return "{\"execute\": \"query-status\", \"id\": " + id + "}";
    }

    static String queryStatusReply(long id) {
        return "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": " + id + "}";
    }

    /** As {@link #pipelined(long, int)} with any request and its exact expected reply. */
    long pipelined(
            long nanos,
            int window,
            java.util.function.LongFunction<String> request,
            java.util.function.LongFunction<String> reply)
            throws IOException, InterruptedException {
        Semaphore credits = new Semaphore(window);
        AtomicLong answered = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long firstId = nextId + 1;
        long[] sent = {0};
        Thread reader = new Thread(
                () -> {
                    try {
                        long id = firstId;
                        while (true) {
                            String l = readLine();
                            if (l == null) {
                                throw new BenchFailure("QEMU closed the QMP connection");
                            }
                            if (!l.equals(reply.apply(id))) {
                                onOther(l, "reply " + id);
                                continue;
                            }
                            id++;
                            answered.incrementAndGet();
                            credits.release();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        credits.release(window);
                    }
                },
                "direct-reader");
        reader.setDaemon(true);
        reader.start();
        long end = System.nanoTime() + nanos;
        long counted;
        while (System.nanoTime() < end && failure.get() == null) {
            if (!credits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            send(request.apply(++nextId));
            sent[0]++;
        }
        counted = answered.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (answered.get() < sent[0] && failure.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (failure.get() != null) {
            throw new BenchFailure("direct pipelined client failed: " + failure.get(), failure.get());
        }
        if (answered.get() != sent[0]) {
            throw new BenchFailure("direct pipelined client: " + (sent[0] - answered.get()) + " replies missing");
        }
        channel.shutdownInput();
        reader.join(2000);
        return counted;
    }

    private void expect(String exact) throws IOException {
        while (true) {
            String l = readLine();
            if (exact.equals(l)) {
                return;
            }
            if (!exactBytes
                    && l != null
                    && l.startsWith("{\"return")
                    && JSON.readTree(l).equals(JSON.readTree(exact))) {
                jsonCompared++;
                return;
            }
            onOther(l, exact);
        }
    }

    /** An event is kept; anything else is a wrong reply. */
    private void onOther(String l, String expected) throws IOException {
        if (l == null) {
            throw new BenchFailure("QEMU closed the QMP connection while waiting for " + expected);
        }
        long arrived = nowMicros();
        JsonNode n = JSON.readTree(l);
        if (n.has("event")) {
            JsonNode ts = n.path("timestamp");
            events.add(new Event(
                    n.get("event").asText(),
                    ts.path("seconds").asLong() * 1_000_000L
                            + ts.path("microseconds").asLong(),
                    arrived));
            return;
        }
        throw new BenchFailure("direct QMP: expected " + expected + " but got " + l);
    }

    private void send(String json) throws IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private String readLine() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = line.size();
                byte[] a = line.toByteArray();
                if (len > 0 && a[len - 1] == '\r') {
                    len--;
                }
                return new String(a, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
