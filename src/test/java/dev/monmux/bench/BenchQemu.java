package dev.monmux.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A disk-less QEMU with <em>three</em> QMP monitors and one telnet HMP monitor on the same
 * process: {@code mux.sock} for monmux, {@code direct.sock} for the load generator's direct
 * client, {@code relay-qemu.sock} behind the socat relay ({@link SocatRelay}), and
 * {@code -monitor telnet:127.0.0.1:PORT} (a free port picked at run time) for the HMP reference
 * of P1. QEMU serves each monitor to one client; with one per path, every path hits the very same
 * QEMU (same main loop, same guest) without another having to disconnect. Paths take turns in
 * blocks, so only one of them is busy at a time.
 */
final class BenchQemu implements AutoCloseable {
    final Path dir;
    final Path muxSocket;
    final Path directSocket;
    /** The QMP monitor socat relays to (P1's "minimal proxy" row). */
    final Path relayQemuSocket;
    /** QEMU's own telnet HMP monitor, on 127.0.0.1. */
    final int telnetPort;

    private final Process process;

    private BenchQemu(Path dir, int telnetPort, Process process) {
        this.dir = dir;
        this.muxSocket = dir.resolve("mux.sock");
        this.directSocket = dir.resolve("direct.sock");
        this.relayQemuSocket = dir.resolve("relay-qemu.sock");
        this.telnetPort = telnetPort;
        this.process = process;
    }

    static BenchQemu start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path mux = dir.resolve("mux.sock");
        Path direct = dir.resolve("direct.sock");
        Path relay = dir.resolve("relay-qemu.sock");
        Files.deleteIfExists(mux);
        Files.deleteIfExists(direct);
        Files.deleteIfExists(relay);
        int telnet = MonmuxChild.freePort();
        Process p = new ProcessBuilder(List.of(
                        "qemu-system-x86_64",
                        "-M",
                        "pc",
                        "-m",
                        "64",
                        "-nodefaults",
                        "-display",
                        "none",
                        "-name",
                        "bench",
                        "-qmp",
                        "unix:" + mux + ",server=on,wait=off",
                        "-qmp",
                        "unix:" + direct + ",server=on,wait=off",
                        "-qmp",
                        "unix:" + relay + ",server=on,wait=off",
                        "-monitor",
                        "telnet:127.0.0.1:" + telnet + ",server=on,wait=off"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile())
                .start();
        BenchQemu q = new BenchQemu(dir, telnet, p);
        for (int i = 0;
                i < 2000 && !(Files.exists(mux) && Files.exists(direct) && Files.exists(relay) && listening(telnet));
                i++) {
            if (!p.isAlive()) {
                throw new IOException("QEMU exited: " + Files.readString(dir.resolve("qemu.log")));
            }
            Thread.sleep(10);
        }
        if (!Files.exists(direct) || !Files.exists(relay) || !listening(telnet)) {
            q.close();
            throw new IOException("QEMU did not create its QMP sockets and telnet monitor (port " + telnet + ") in "
                    + dir + ": " + Files.readString(dir.resolve("qemu.log")));
        }
        return q;
    }

    /** Whether something listens on 127.0.0.1:port (from /proc/net/tcp: no probe connection, QEMU's monitor serves one client). */
    private static boolean listening(int port) throws IOException {
        String local = String.format(":%04X ", port);
        for (String l : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] f = l.strip().split("\\s+");
            if (f.length > 3 && (f[1] + " ").endsWith(local) && f[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }

    long pid() {
        return process.pid();
    }

    static String version() {
        try {
            Process p = new ProcessBuilder("qemu-system-x86_64", "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes())
                    .lines()
                    .findFirst()
                    .orElse("?");
            p.waitFor(10, TimeUnit.SECONDS);
            return out.strip();
        } catch (IOException | InterruptedException e) {
            return "unknown (" + e + ")";
        }
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, 5);
    }
}
