package dev.monmux.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * monmux as in production: {@code java FLAGS -jar target/monmux.jar run --config FILE} in its own
 * JVM, so its heap and RSS are its own. The config has a {@code mode: raw} listener (scripts'
 * path), a {@code mode: telnet} listener (an operator's telnet, P1's HMP rows), a QMP front end
 * on vm0 and the client limits raised for the benchmark.
 */
final class MonmuxChild implements AutoCloseable {
    /** The JVM flags the README recommends for production (see "Benchmarks"). */
    static final List<String> PRODUCTION_JVM_FLAGS = List.of(
            "-Xms64m",
            "-Xmx512m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:MaxDirectMemorySize=256m",
            "-XX:+ExitOnOutOfMemoryError");

    /** Extra monmux JVM flags for experiments ({@code --monmux-flags}); recorded in the report. */
    static List<String> extraFlags = List.of();
    /** Whether monmux writes its audit log (as in production; {@code --no-audit} for comparison). */
    static boolean audit = true;

    /** The {@code mode: raw} telnet listener. */
    final int port;
    /** The {@code mode: telnet} listener (always negotiates, echoes, edits lines). */
    final int telnetPort;

    final Path dir;
    /** monmux's QMP front end for vm0 (a unix socket in {@link #dir}). */
    final Path qmpSocket;

    private final Process process;

    private MonmuxChild(int port, int telnetPort, Path dir, Process process) {
        this.port = port;
        this.telnetPort = telnetPort;
        this.dir = dir;
        this.qmpSocket = dir.toAbsolutePath().resolve("vm0-qmp.sock");
        this.process = process;
    }

    /**
     * @param vmQmp   the QMP address of each VM ({@code unix:/path} or {@code tcp:host:port}), named vm0, vm1, ...
     * @param jfr     a JFR recording file for this run, or null
     */
    static MonmuxChild start(Path dir, Path jar, List<String> vmQmp, Path jfr)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = freePort();
        int telnetPort = freePort();
        while (telnetPort == port) {
            telnetPort = freePort();
        }
        StringBuilder y = new StringBuilder();
        y.append("# written by dev.monmux.bench.Bench\n");
        y.append("listeners:\n  telnet:\n    - {bind: 127.0.0.1, port: ")
                .append(port)
                .append(", mode: raw}\n");
        y.append("    - {bind: 127.0.0.1, port: ").append(telnetPort).append(", mode: telnet}\n");
        y.append("vms:\n");
        for (int i = 0; i < vmQmp.size(); i++) {
            y.append("  - {name: vm")
                    .append(i)
                    .append(", qmp: \"")
                    .append(vmQmp.get(i))
                    .append('"');
            if (i == 0) {
                // monmux's QMP front end for QMP clients (P1's native query-status row)
                Files.deleteIfExists(dir.toAbsolutePath().resolve("vm0-qmp.sock"));
                y.append(", qmpListen: [{unix: \"")
                        .append(dir.toAbsolutePath().resolve("vm0-qmp.sock"))
                        .append("\", role: admin}]");
            }
            y.append("}\n");
        }
        y.append("qmp:\n  maxPending: 100000\n");
        // As in production: metrics served, every command in the audit log (default fsync: batch).
        y.append("metrics: {enabled: true, bind: 127.0.0.1, port: ")
                .append(freePort())
                .append("}\n");
        if (audit) {
            y.append("audit: {path: \"")
                    .append(dir.toAbsolutePath().resolve("audit.jsonl"))
                    .append("\"}\n");
        }
        y.append("limits:\n  maxClients: 20000\n  maxClientsPerAddress: 20000\n  maxQueuedLines: 1000\n");
        Path config = dir.resolve("monmux.yaml");
        Files.writeString(config, y);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(PRODUCTION_JVM_FLAGS);
        cmd.addAll(extraFlags);
        if (jfr != null) {
            cmd.add("-XX:StartFlightRecording=filename=" + jfr
                    + ",settings=profile,jdk.ExecutionSample#period=1ms,dumponexit=true");
        }
        cmd.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("monmux.log").toFile())
                .start();
        MonmuxChild m = new MonmuxChild(port, telnetPort, dir, p);
        try {
            m.awaitReady(vmQmp.size());
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** A free loopback port, never monmux's defaults (telnet 4444, metrics 9464). */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                int p = s.getLocalPort();
                if (p != 4444 && p != 9464) {
                    return p;
                }
            }
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits until the listener answers and every VM link is up. */
    private void awaitReady(int vms) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("monmux exited: " + Files.readString(dir.resolve("monmux.log")));
            }
            try (RawTelnetSync t = new RawTelnetSync(port)) {
                long up = t.command(".vms")
                        .lines()
                        .map(String::strip)
                        .filter(l -> l.matches("\\*?\\s*vm\\d+\\s+up\\s.*"))
                        .count();
                if (up == vms) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        "monmux not ready (listener + " + vms + " VM links up) within 60 s; log in " + dir);
            }
            Thread.sleep(100);
        }
    }

    /** CPU (ns) and context switches of every monmux thread, see {@link ProcCounters}. */
    ProcCounters counters() throws IOException {
        return ProcCounters.read(process.pid());
    }

    /** Heap used after a full GC, in bytes ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    long heapAfterFullGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = Pattern.compile("heap\\s+total\\s+\\d+K, used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IOException("cannot read heap usage from jcmd GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** CPU time (user + system) the monmux JVM has used so far, in microseconds (10 ms resolution). */
    long cpuMicros() throws IOException {
        long[] us = userSysMicros();
        return us[0] + us[1];
    }

    /** User and system (kernel) CPU time of the monmux JVM, in microseconds. */
    long[] userSysMicros() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // clock ticks of 10 ms (CLK_TCK 100)
        return new long[] {Long.parseLong(f[11]) * 10_000L, Long.parseLong(f[12]) * 10_000L};
    }

    /** CPU time of this (load generator) JVM, in microseconds. */
    static long selfCpuMicros() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1000;
    }

    /** Resident set size of the monmux JVM, in bytes. */
    long rss() throws IOException {
        return rssOf(process.pid());
    }

    static long rssOf(long pid) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    private String jcmd(String what) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path jcmd = java.resolveSibling("jcmd");
        Process p = new ProcessBuilder(
                        Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(process.pid()), what)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + what + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, 20); // SIGTERM first: graceful shutdown (and the JFR dump)
    }
}
