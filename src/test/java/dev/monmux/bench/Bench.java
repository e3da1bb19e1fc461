package dev.monmux.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The load generator: monmux against direct QMP, side by side, in one run. Starts a disk-less
 * QEMU with three QMP monitors (monmux's, the direct client's, socat's) and a telnet HMP monitor,
 * and monmux as a child JVM with the production flags, then measures P1 latency (the same command
 * on every path: direct, a socat relay, monmux; QEMU's own telnet monitor vs monmux's telnet),
 * P2 throughput, P3 event fan-out and P4 idle scale, taking turns between the paths, checking
 * every reply. See docs/benchmarks.md and {@link BenchOptions#USAGE}.
 */
public final class Bench {
    private final BenchOptions o;
    private final Report report = new Report();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    private Bench(BenchOptions o) {
        this.o = o;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // Ctrl-C or a timeout: take QEMU and monmux down too (normal exits close them in order).
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> ProcessHandle.current().children().forEach(ProcessHandle::destroy), "bench-children"));
        Bench b = new Bench(o);
        int code = 0;
        try {
            b.run();
        } catch (BenchFailure e) {
            System.err.println("BENCHMARK FAILED: " + e.getMessage());
            code = 1;
        } finally {
            b.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        System.exit(code);
    }

    private void run() throws Exception {
        String started =
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        String loadBefore = loadAverage();
        Files.createDirectories(o.workDir);
        if (o.phases.contains("P1")) {
            SocatRelay.requireInstalled();
        }
        if (o.phases.contains("P1") || o.phases.contains("P2") || o.phases.contains("P3")) {
            try (BenchQemu qemu = BenchQemu.start(o.workDir.resolve("qemu"))) {
                try (MonmuxChild m = MonmuxChild.start(
                        o.workDir.resolve("monmux-qemu"), o.jar, List.of("unix:" + qemu.muxSocket), jfr("qemu"))) {
                    warmUp(m);
                    if (o.phases.contains("P1")) {
                        p1(qemu, m);
                    }
                    if (o.phases.contains("P2")) {
                        p2(qemu, m);
                    }
                    if (o.phases.contains("P3")) {
                        p3(qemu, m);
                    }
                }
                report.qemuRss(MonmuxChild.rssOf(qemu.pid()));
            }
        }
        if (o.phases.contains("P4")) {
            p4();
        }
        String loadAfter = loadAverage();
        String text = report.render(o, started, loadBefore, loadAfter);
        System.out.println();
        System.out.println(text);
        if (o.out != null) {
            Files.createDirectories(o.out.toAbsolutePath().getParent());
            Files.writeString(o.out, "\n" + text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println("appended to " + o.out);
        }
    }

    private Path jfr(String name) {
        return o.jfr ? o.workDir.toAbsolutePath().resolve("monmux-" + name + ".jfr") : null;
    }

    /**
     * A production monmux runs for days: its JIT compilation is long done. Before measuring,
     * run it hot (the same commands, many clients and one) so that C2 compiling on this
     * two-core machine does not steal CPU from the measured phases.
     */
    private void warmUp(MonmuxChild m) throws Exception {
        long nanos = (long) (o.warmupSeconds * 1e9);
        long cpu0 = m.cpuMicros();
        long[] n1 = new long[1];
        long[] n2 = new long[1];
        muxThroughput(m, 64, o.p2Window, nanos * 2 / 3, n1);
        muxThroughput(m, 1, 1, nanos / 3, n2);
        log(
                "warm-up: %d commands in %.0f s (monmux CPU %.1f s)",
                n1[0] + n2[0], o.warmupSeconds, (m.cpuMicros() - cpu0) / 1e6);
        report.note(
                "P1",
                String.format(
                        Locale.ROOT,
                        "monmux was warmed up first with %d commands in %.0f s " + "(64 pipelined clients, then one)",
                        n1[0] + n2[0],
                        o.warmupSeconds));
    }

    // ---------------------------------------------------------------- P1

    /** The fixed seed of P1's block order: runs shuffle alike, so they compare. */
    static final long P1_SEED = 15;

    /** Whose CPU and context switches a P1 path's blocks are charged to. */
    enum Proxy {
        NONE,
        MONMUX,
        SOCAT
    }

    /** One P1 path: a command on one way to the same QEMU. */
    static final class P1Path {
        final String key;
        final Step step;
        final Proxy proxy;
        final Stats stats = new Stats();
        long cpuNanos;
        long ctx;
        long wallNanos;

        P1Path(String key, Step step, Proxy proxy) {
            this.key = key;
            this.step = step;
            this.proxy = proxy;
        }
    }

    /**
     * One client, one command at a time, the <em>same</em> command on every path to the same
     * QEMU, all in one loop: each round runs a block of {@code p1Block} commands on every path,
     * in an order shuffled per round (fixed seed), so drift hits every path alike. monmux's (and
     * socat's) CPU and context switches are read before and after each block, outside the timed
     * commands, and charged to the block's path. Every connection stays open all along; nobody
     * pays for connecting.
     */
    private void p1(BenchQemu qemu, MonmuxChild m) throws IOException, InterruptedException {
        log("P1: latency, %d commands per path, blocks of %d, shuffled rounds", o.p1Commands, o.p1Block);
        try (SocatRelay relay = SocatRelay.start(qemu.dir, qemu.relayQemuSocket);
                QmpSync direct = QmpSync.connect(qemu.directSocket);
                QmpSync socat = QmpSync.connect(relay.socket);
                QmpSync front = QmpSync.connectMonmux(m.qmpSocket);
                RawTelnetSync raw = new RawTelnetSync(m.port);
                TelnetSync qemuTelnet = TelnetSync.connect("QEMU", qemu.telnetPort, "QEMU ");
                TelnetSync muxTelnet = TelnetSync.connect("monmux", m.telnetPort, "monmux ")) {
            // The first answer of each path is parsed and checked; later ones must be byte-identical
            // to it (as cheap a check as the direct side's, so it does not weigh on one side only).
            String rawQmp = checkQueryStatus(raw.command(QMP_LINE));
            byte[] qStatus = qemuTelnet.command("info status");
            byte[] mStatus = muxTelnet.command("info status");
            byte[] qPci = qemuTelnet.command("info pci");
            byte[] mPci = muxTelnet.command("info pci");
            checkHmp("info status", qStatus, mStatus, QmpSync.INFO_STATUS);
            checkHmp("info pci", qPci, mPci, null);
            report.telnetBytes(qStatus, mStatus, qPci, mPci);
            List<P1Path> paths = List.of(
                    new P1Path("direct", direct::queryStatus, Proxy.NONE),
                    new P1Path("socat", socat::queryStatus, Proxy.SOCAT),
                    new P1Path("front", front::queryStatus, Proxy.MONMUX),
                    new P1Path("rawqmp", () -> raw.expect(QMP_LINE, rawQmp), Proxy.MONMUX),
                    new P1Path("qemu-status", () -> qemuTelnet.expect("info status", qStatus), Proxy.NONE),
                    new P1Path("mux-status", () -> muxTelnet.expect("info status", mStatus), Proxy.MONMUX),
                    new P1Path("qemu-pci", () -> qemuTelnet.expect("info pci", qPci), Proxy.NONE),
                    new P1Path("mux-pci", () -> muxTelnet.expect("info pci", mPci), Proxy.MONMUX),
                    new P1Path("direct-hmc", direct::infoStatus, Proxy.NONE),
                    new P1Path("raw-native", () -> raw.expect("info status", QmpSync.INFO_STATUS), Proxy.MONMUX));
            java.util.Random rnd = new java.util.Random(P1_SEED);
            // Warm-up, shuffled alike: the telnet-mode listener and the QMP front end were not part
            // of the general warm-up (raw telnet clients), and QEMU's paths warm up too. Then more
            // rounds until monmux's JIT compiler threads are (nearly) idle, within a bound.
            int warmRounds = Math.max(1, 3 * o.p1Warmup / o.p1Block);
            long warmEnd = Long.MAX_VALUE;
            // JIT compiler CPU and wall time of the last three rounds (it comes in bursts)
            java.util.ArrayDeque<long[]> recent = new java.util.ArrayDeque<>();
            double jitShare = 1;
            int warmed = 0;
            while (warmed < warmRounds || (jitShare > 0.02 && System.nanoTime() < warmEnd)) {
                if (warmed == warmRounds) {
                    warmEnd = System.nanoTime() + (long) (o.warmupSeconds * 1e9);
                }
                ProcCounters c0 = m.counters();
                long w0 = System.nanoTime();
                List<P1Path> order = new ArrayList<>(paths);
                java.util.Collections.shuffle(order, rnd);
                for (P1Path p : order) {
                    for (int i = 0; i < o.p1Block; i++) {
                        p.step.run();
                    }
                }
                recent.addLast(new long[] {m.counters().since(c0)[2], System.nanoTime() - w0});
                if (recent.size() > 3) {
                    recent.removeFirst();
                }
                jitShare = recent.size() < 3
                        ? 1
                        : recent.stream().mapToLong(x -> x[0]).sum()
                                / (double) recent.stream().mapToLong(x -> x[1]).sum();
                warmed++;
            }
            log(
                    "P1: warmed up with %d rounds; JIT compiling in the last three: %.0f %% of a core",
                    warmed, 100 * jitShare);
            report.note(
                    "P1",
                    String.format(
                            Locale.ROOT,
                            "P1's own warm-up: %d rounds of %d commands per path (at least %d, "
                                    + "then until monmux's JIT compiler threads use under 2 %% of a core over three rounds, for at most "
                                    + "%.0f s more): %.1f %% in the last three",
                            warmed,
                            o.p1Block,
                            warmRounds,
                            o.warmupSeconds,
                            100 * jitShare));
            int rounds = Math.max(1, o.p1Commands / o.p1Block);
            long idleCpu = 0;
            long idleCtx = 0;
            long idleWall = 0;
            long jitCpu = 0;
            long jitCtx = 0;
            long measuredWall = 0;
            ProcCounters mux = m.counters();
            for (int r = 0; r < rounds; r++) {
                List<P1Path> order = new ArrayList<>(paths);
                java.util.Collections.shuffle(order, rnd);
                for (P1Path p : order) {
                    ProcCounters sc = p.proxy == Proxy.SOCAT ? ProcCounters.read(relay.pid()) : null;
                    long w0 = System.nanoTime();
                    for (int i = 0; i < o.p1Block; i++) {
                        long t0 = System.nanoTime();
                        p.step.run();
                        p.stats.add((System.nanoTime() - t0) / 1000);
                    }
                    long wall = System.nanoTime() - w0;
                    ProcCounters mux2 = m.counters();
                    long[] d = mux2.since(mux);
                    mux = mux2;
                    p.wallNanos += wall;
                    measuredWall += wall;
                    jitCpu += d[2];
                    jitCtx += d[3];
                    if (p.proxy == Proxy.MONMUX) {
                        p.cpuNanos += d[0];
                        p.ctx += d[1];
                    } else {
                        // monmux not addressed: what it does anyway (GC, timers) in that time
                        idleCpu += d[0];
                        idleCtx += d[1];
                        idleWall += wall;
                    }
                    if (sc != null) {
                        long[] s = ProcCounters.read(relay.pid()).since(sc);
                        p.cpuNanos += s[0];
                        p.ctx += s[1];
                    }
                }
            }
            report.note(
                    "P1",
                    String.format(
                            Locale.ROOT,
                            "monmux's JIT compiler threads during the measured rounds: "
                                    + "%.0f ms of CPU (%.1f %% of a core), %d context switches; not in the rows' figures",
                            jitCpu / 1e6,
                            100.0 * jitCpu / measuredWall,
                            jitCtx));
            report.note(
                    "P1",
                    front.jsonCompared == 0
                            ? "monmux's QMP front end answered `query-status` with the very bytes QEMU sends (no reply had to be compared as JSON)"
                            : String.format(
                                    Locale.ROOT,
                                    "%d of monmux's QMP front end replies differed from QEMU's bytes and were "
                                            + "compared as JSON",
                                    front.jsonCompared));
            if (qemuTelnet.lateTelnetCommands + muxTelnet.lateTelnetCommands > 0) {
                report.note(
                        "P1",
                        String.format(
                                Locale.ROOT,
                                "telnet commands sent after the banner: QEMU %d, monmux %d",
                                qemuTelnet.lateTelnetCommands,
                                muxTelnet.lateTelnetCommands));
            }
            java.util.Map<String, P1Path> by = new java.util.HashMap<>();
            paths.forEach(p -> by.put(p.key, p));
            report.p1Rows(by);
            double idleCpuPerSec = idleCpu / 1e3 / (idleWall / 1e9);
            double idleCtxPerSec = idleCtx / (idleWall / 1e9);
            long muxCmds = paths.stream()
                    .filter(p -> p.proxy == Proxy.MONMUX)
                    .mapToLong(p -> p.stats.count())
                    .sum();
            long muxWall = paths.stream()
                    .filter(p -> p.proxy == Proxy.MONMUX)
                    .mapToLong(p -> p.wallNanos)
                    .sum();
            double perCmd = muxWall / 1e9 / muxCmds;
            report.note(
                    "P1",
                    String.format(
                            Locale.ROOT,
                            "monmux while not addressed (during the other paths' blocks): "
                                    + "%.0f µs of CPU and %.1f context switches per second; at the monmux rows' pace (one command per "
                                    + "%.3f ms) that is %.1f µs and %.2f switches of each monmux row's figure per command",
                            idleCpuPerSec,
                            idleCtxPerSec,
                            perCmd * 1e3,
                            idleCpuPerSec * perCmd,
                            idleCtxPerSec * perCmd));
        }
    }

    private static final String QMP_LINE = "{\"execute\": \"query-status\"}";

    private interface Step {
        void run() throws IOException;
    }

    /**
     * Checks the first telnet responses to {@code line}: QEMU's answer (and, for {@code info status},
     * its exact text) and monmux's answer, which must equal QEMU's byte for byte (the echo may differ).
     */
    private static void checkHmp(String line, byte[] qemu, byte[] mux, String exact) {
        String qa = TelnetSync.answer("QEMU", line, qemu);
        String ma = TelnetSync.answer("monmux", line, mux);
        if (exact != null && !qa.equals(exact)) {
            throw new BenchFailure("QEMU telnet: '" + line + "' answered " + RawTelnetSync.quote(qa));
        }
        if (exact == null && !qa.startsWith("  Bus  0, device   0, function 0:\r\n")) {
            throw new BenchFailure("QEMU telnet: '" + line + "' answered " + RawTelnetSync.quote(qa));
        }
        if (!ma.equals(qa)) {
            throw new BenchFailure("monmux telnet: '" + line + "' answered " + RawTelnetSync.quote(ma)
                    + ", QEMU's own telnet monitor " + RawTelnetSync.quote(qa));
        }
    }

    private static String checkQueryStatus(String out) throws IOException {
        var n = QmpSync.JSON.readTree(out);
        if (!"running".equals(n.path("return").path("status").asText())
                || !n.path("return").path("running").asBoolean()
                || n.size() != 1) {
            throw new BenchFailure("monmux: query-status answered " + RawTelnetSync.quote(out));
        }
        return out;
    }

    // ---------------------------------------------------------------- P2

    /**
     * Throughput: N clients on one VM, each with 1 (or {@code p2Window}) commands in flight,
     * against one direct client keeping {@code directWindow} requests in flight on the same
     * QEMU. Direct runs half before and half after each monmux phase (drift cancels out).
     */
    private void p2(BenchQemu qemu, MonmuxChild m) throws Exception {
        long nanos = (long) (o.p2Seconds * 1e9);
        log("P2: throughput, %.1f s per phase", o.p2Seconds);
        directThroughput(qemu, Math.min(nanos, 2_000_000_000L)); // the direct client's own warm-up
        long[] jit = new long[1];
        for (int window : new int[] {1, o.p2Window}) {
            for (int n : o.p2Clients) {
                double d1 = directThroughput(qemu, nanos / 2);
                ProcCounters c0 = m.counters();
                long self0 = MonmuxChild.selfCpuMicros();
                long[] done = new long[1];
                double mux = muxThroughput(m, n, window, nanos, done);
                long[] d = m.counters().since(c0);
                long self = MonmuxChild.selfCpuMicros() - self0;
                jit[0] += d[2];
                double cpu = d[0] / 1e3;
                long ctx = d[1];
                double d2 = directThroughput(qemu, nanos / 2);
                double direct = (d1 + d2) / 2;
                log("P2: %d clients x %d in flight: monmux %.0f/s, direct %.0f/s", n, window, mux, direct);
                report.p2(n, window, mux, direct, cpu / done[0], ctx / (double) done[0], self / (double) done[0]);
            }
        }
        report.note(
                "P2",
                String.format(
                        Locale.ROOT,
                        "monmux CPU and context switches: all its threads but the JIT "
                                + "compiler threads, which used %.0f ms of CPU in all monmux phases together",
                        jit[0] / 1e6));
    }

    private double directThroughput(BenchQemu qemu, long nanos) throws Exception {
        try (QmpSync d = QmpSync.connect(qemu.directSocket)) {
            long t0 = System.nanoTime();
            // The fastest direct way to the same answer: query-status (QEMU serves it faster than
            // human-monitor-command "info status"; monmux may send either, see hmp.native).
            long n = d.pipelined(nanos, o.directWindow, QmpSync::queryStatusRequest, QmpSync::queryStatusReply);
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private double muxThroughput(MonmuxChild m, int clients, int window, long nanos, long[] total) throws Exception {
        ClientPool pool = new ClientPool(group);
        AtomicLong replies = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(clients);
        RawClient.Driver driver = new RawClient.Driver() {
            @Override
            public void onBanner(RawClient c) {
                ready.countDown();
            }

            @Override
            public void onReply(RawClient c) {
                replies.incrementAndGet();
                if (running.get()) {
                    c.send("info status", QmpSync.INFO_STATUS);
                }
            }
        };
        List<RawClient> cs = pool.open(m.port, 0, clients, false, driver, ready, 60);
        try {
            running.set(true);
            for (RawClient c : cs) {
                c.channel.eventLoop().execute(() -> c.sendMany("info status", QmpSync.INFO_STATUS, window));
            }
            long t0 = System.nanoTime();
            Thread.sleep(nanos / 1_000_000);
            running.set(false);
            long counted = replies.get();
            double secs = (System.nanoTime() - t0) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cs.stream().anyMatch(c -> c.outstanding() > 0)
                    && pool.failure.get() == null
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            pool.check();
            long missing = cs.stream().mapToLong(RawClient::outstanding).sum();
            if (missing > 0) {
                throw new BenchFailure("P2: " + missing + " replies missing 30 s after the phase ended");
            }
            total[0] = replies.get();
            return counted / secs;
        } finally {
            ClientPool.closeAll(cs);
        }
    }

    // ---------------------------------------------------------------- P3

    /**
     * Fan-out: {@code p3Clients} telnet clients attached to the VM; the direct client triggers
     * stop/cont on QEMU's other monitor and receives the same events there. Latency is from
     * QEMU's event timestamp to the last monmux client receiving the event (vs to the direct
     * client). The next event is triggered once every client has the previous one.
     */
    private void p3(BenchQemu qemu, MonmuxChild m) throws Exception {
        int n = o.p3Clients;
        int warm = Math.max(20, o.p3Events / 2 / 2 * 2); // unmeasured, even: the event path gets compiled too
        int events = warm + o.p3Events;
        log("P3: fan-out of %d events (after %d unmeasured) to %d clients", o.p3Events, warm, n);
        AtomicIntegerArray arrived = new AtomicIntegerArray(events);
        AtomicLongArray last = new AtomicLongArray(events);
        ClientPool pool = new ClientPool(group);
        CountDownLatch ready = new CountDownLatch(n);
        int[][] seen = new int[n][1];
        RawClient.Driver driver = new RawClient.Driver() {
            @Override
            public void onBanner(RawClient c) {
                ready.countDown();
            }

            @Override
            public void onEvent(RawClient c, String name, long at) {
                int k = seen[c.index][0]++;
                String want = k % 2 == 0 ? "STOP" : "RESUME";
                if (k >= events || !name.equals(want)) {
                    pool.failure.compareAndSet(
                            null,
                            "P3 client " + c.index + ": event " + k + " was " + name + ", expected "
                                    + (k >= events ? "none" : want));
                    return;
                }
                last.accumulateAndGet(k, at, Math::max);
                arrived.incrementAndGet(k);
            }
        };
        List<RawClient> cs = pool.open(m.port, 0, n, true, driver, ready, 120);
        Stats muxLast = new Stats();
        Stats direct = new Stats();
        long[] us0 = m.userSysMicros();
        long cpu0 = us0[0] + us0[1];
        long self0 = MonmuxChild.selfCpuMicros();
        try (QmpSync trigger = QmpSync.connect(qemu.directSocket)) {
            for (int k = 0; k < events; k++) {
                String cmd = k % 2 == 0 ? "stop" : "cont";
                trigger.execute(cmd);
                QmpSync.Event ev = trigger.awaitEvent(k % 2 == 0 ? "STOP" : "RESUME");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (arrived.get(k) < n && System.nanoTime() < deadline && pool.failure.get() == null) {
                    Thread.sleep(0, 200_000);
                }
                pool.check();
                if (arrived.get(k) < n) {
                    throw new BenchFailure(
                            "P3: event " + k + " reached only " + arrived.get(k) + " of " + n + " clients in 10 s");
                }
                Thread.sleep(10);
                if (k < warm) {
                    if (k == warm - 1) {
                        us0 = m.userSysMicros();
                        cpu0 = us0[0] + us0[1];
                        self0 = MonmuxChild.selfCpuMicros();
                    }
                    continue;
                }
                muxLast.add(last.get(k) - ev.qemuMicros());
                direct.add(ev.arrivedMicros() - ev.qemuMicros());
            }
        } finally {
            ClientPool.closeAll(cs);
        }
        int measured = o.p3Events;
        report.p3(n, measured, muxLast, direct);
        long[] us1 = m.userSysMicros();
        report.note(
                "P3",
                String.format(
                        Locale.ROOT,
                        "monmux CPU split: %.0f %% in the kernel (one TCP write per client "
                                + "per event), %.0f %% in user space",
                        100.0 * (us1[1] - us0[1]) / Math.max(1, us1[0] + us1[1] - cpu0),
                        100.0 * (us1[0] - us0[0]) / Math.max(1, us1[0] + us1[1] - cpu0)));
        report.note(
                "P3",
                String.format(
                        Locale.ROOT,
                        "CPU per event delivered to one client: monmux %.1f µs, "
                                + "load generator %.1f µs (%d clients: %.1f ms of CPU per event on %d cores, shared with QEMU)",
                        (m.cpuMicros() - cpu0) / (double) (n * measured),
                        (MonmuxChild.selfCpuMicros() - self0) / (double) (n * measured),
                        n,
                        (m.cpuMicros() - cpu0 + MonmuxChild.selfCpuMicros() - self0) / 1000.0 / measured,
                        Runtime.getRuntime().availableProcessors()));
    }

    // ---------------------------------------------------------------- P4

    /**
     * Scale: monmux against fake QMP VMs; heap after a full GC and RSS with no clients for
     * several VM counts, then with a growing number of idle clients spread over {@code p4Vms}.
     * Every client attaches to its VM and checks one {@code info status} before it idles.
     */
    private void p4() throws Exception {
        log("P4: scale, VMs %s; clients %s over %d VMs", o.p4VmCurve, o.p4Clients, o.p4Vms);
        try (FakeQmpFleet fleet = new FakeQmpFleet(group)) {
            for (int vms : o.p4VmCurve) {
                if (vms == o.p4Vms) {
                    continue;
                }
                try (MonmuxChild m = MonmuxChild.start(
                        o.workDir.resolve("monmux-scale-" + vms),
                        o.jar,
                        java.util.Collections.nCopies(vms, fleet.address()),
                        null)) {
                    report.p4(vms, 0, m.heapAfterFullGc(), m.rss());
                }
            }
            try (MonmuxChild m = MonmuxChild.start(
                    o.workDir.resolve("monmux-scale-" + o.p4Vms),
                    o.jar,
                    java.util.Collections.nCopies(o.p4Vms, fleet.address()),
                    jfr("scale"))) {
                report.p4(o.p4Vms, 0, m.heapAfterFullGc(), m.rss());
                ClientPool pool = new ClientPool(group);
                List<RawClient> all = new ArrayList<>();
                try {
                    for (int target : o.p4Clients) {
                        int add = target - all.size();
                        CountDownLatch ready = new CountDownLatch(add);
                        int vmsCount = o.p4Vms;
                        RawClient.Driver driver = new RawClient.Driver() {
                            @Override
                            public void onBanner(RawClient c) {
                                String vm = "vm" + (c.index % vmsCount);
                                c.send(".attach " + vm, "attached to VM '" + vm + "' (QEMU 7.2.22)\r\n");
                                c.send("info status", QmpSync.INFO_STATUS);
                            }

                            @Override
                            public void onReply(RawClient c) {
                                if (c.outstanding() == 0) {
                                    ready.countDown();
                                }
                            }
                        };
                        all.addAll(pool.open(m.port, all.size(), add, false, driver, ready, 300));
                        Thread.sleep(500);
                        pool.check();
                        long heap = m.heapAfterFullGc();
                        long rss = m.rss();
                        pool.check();
                        log(
                                "P4: %d VMs, %d clients: heap %d MiB, RSS %d MiB",
                                o.p4Vms, all.size(), heap >> 20, rss >> 20);
                        report.p4(o.p4Vms, all.size(), heap, rss);
                    }
                } finally {
                    ClientPool.closeAll(all);
                }
            }
        }
    }

    // ---------------------------------------------------------------- misc

    private static String loadAverage() {
        try {
            String[] w = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return w[0] + " " + w[1] + " " + w[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void log(String fmt, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }
}
