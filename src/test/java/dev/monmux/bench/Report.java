package dev.monmux.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The run's figures as a markdown section (also printed to the console). */
final class Report {
    private final List<String> p1 = new ArrayList<>();
    private final List<String> p2 = new ArrayList<>();
    private final List<String> p3 = new ArrayList<>();
    private final List<long[]> p4 = new ArrayList<>();
    private long qemuRss;
    /** P1 per path key: {p50 µs, p99 µs, proxy CPU µs/cmd or NaN, proxy ctx switches/cmd or NaN}. */
    private final Map<String, double[]> p1Figures = new HashMap<>();
    /** P2 rows: {clients, window, monmux cmd/s, direct cmd/s, monmux CPU µs/cmd, monmux ctx switches/cmd}. */
    private final List<double[]> p2Rows = new ArrayList<>();
    /** P3: {clients, p99 µs to the last client}, or null. */
    private long[] p3Figure;

    private final Map<String, List<String>> notes = new HashMap<>();

    /** A P1 table row: what it shows, the command, its path key, the reference path's key (null: it is one). */
    private record P1Row(String path, String command, String key, String ref) {}

    private static final List<P1Row> P1_ROWS = List.of(
            new P1Row("direct: QEMU's QMP socket (**reference** for the QMP rows)", "`query-status`", "direct", null),
            new P1Row(
                    "socat relay to QEMU's QMP socket (minimal proxy anchor; CPU, ctx: socat's)",
                    "`query-status`",
                    "socat",
                    "direct"),
            new P1Row("monmux QMP front end (`qmpListen`)", "`query-status`", "front", "direct"),
            new P1Row(
                    "monmux raw telnet (`mode: raw`), raw QMP line",
                    "`{\"execute\": \"query-status\"}`",
                    "rawqmp",
                    "direct"),
            new P1Row("QEMU's telnet HMP monitor (**reference**)", "`info status`", "qemu-status", null),
            new P1Row("monmux telnet (`mode: telnet`)", "`info status`", "mux-status", "qemu-status"),
            new P1Row("QEMU's telnet HMP monitor (**reference**)", "`info pci`", "qemu-pci", null),
            new P1Row("monmux telnet (`mode: telnet`)", "`info pci`", "mux-pci", "qemu-pci"),
            new P1Row(
                    "diagnostic (different commands): direct `human-monitor-command` (reference)",
                    "`info status`",
                    "direct-hmc",
                    null),
            new P1Row(
                    "diagnostic (different commands): monmux raw telnet, native mapping to `query-status`",
                    "`info status`",
                    "raw-native",
                    "direct-hmc"));

    /** The P1 table from the measured paths (by key), each row against its reference. */
    void p1Rows(Map<String, Bench.P1Path> paths) {
        for (P1Row r : P1_ROWS) {
            Bench.P1Path p = paths.get(r.key());
            Stats st = p.stats;
            boolean proxy = p.proxy != Bench.Proxy.NONE;
            double cpu = proxy ? p.cpuNanos / 1e3 / st.count() : Double.NaN;
            double ctx = proxy ? p.ctx / (double) st.count() : Double.NaN;
            p1Figures.put(r.key(), new double[] {st.percentile(50), st.percentile(99), cpu, ctx});
            String r50 = "ref";
            String r99 = "ref";
            if (r.ref() != null) {
                Stats ref = paths.get(r.ref()).stats;
                r50 = Stats.ratio(st.percentile(50), ref.percentile(50));
                r99 = Stats.ratio(st.percentile(99), ref.percentile(99));
            }
            p1.add(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %s | %s | %s | %s | %s | %s |",
                    r.path(),
                    r.command(),
                    st.count(),
                    Stats.ms(st.percentile(50)),
                    Stats.ms(st.percentile(99)),
                    r50,
                    r99,
                    proxy ? String.format(Locale.ROOT, "%.0f", cpu) : "—",
                    proxy ? String.format(Locale.ROOT, "%.2f", ctx) : "—"));
        }
    }

    /** What the telnet client received per command from each server (the first responses). */
    void telnetBytes(byte[] qStatus, byte[] mStatus, byte[] qPci, byte[] mPci) {
        String qEcho = TelnetSync.quote(TelnetSync.echo(qStatus)).replace("\\x1b", "ESC");
        note(
                "P1",
                String.format(
                        Locale.ROOT,
                        "bytes the telnet client receives per command (echo + answer + prompt): "
                                + "`info status` QEMU %d, monmux %d; `info pci` QEMU %d, monmux %d. The answers are byte-identical; "
                                + "the echoes differ: QEMU redraws the line after each character it reads (`%s`, %d bytes for "
                                + "`info status`, one write per character), monmux echoes the line once (%d bytes, one write)",
                        qStatus.length,
                        mStatus.length,
                        qPci.length,
                        mPci.length,
                        qEcho.length() <= 64 ? qEcho : qEcho.substring(0, 64) + "…",
                        TelnetSync.echo(qStatus).length,
                        TelnetSync.echo(mStatus).length));
    }

    void note(String phase, String text) {
        notes.computeIfAbsent(phase, k -> new ArrayList<>()).add(text);
    }

    private void notes(StringBuilder sb, String phase) {
        for (String n : notes.getOrDefault(phase, List.of())) {
            sb.append("\n- ").append(n);
        }
        if (notes.containsKey(phase)) {
            sb.append('\n');
        }
    }

    void p2(int clients, int window, double mux, double direct, double muxCpu, double muxCtx, double loadCpu) {
        p2.add(String.format(
                Locale.ROOT,
                "| %d | %d | %.0f | %.0f | %.1f %% | %.0f | %.2f | %.0f |",
                clients,
                window,
                mux,
                direct,
                100 * mux / direct,
                muxCpu,
                muxCtx,
                loadCpu));
        p2Rows.add(new double[] {clients, window, mux, direct, muxCpu, muxCtx});
    }

    void p3(int clients, int events, Stats mux, Stats direct) {
        p3.add(String.format(
                Locale.ROOT,
                "| %d | %d | %s / %s / %s | %s / %s / %s | %s | %s |",
                clients,
                events,
                Stats.ms(mux.percentile(50)),
                Stats.ms(mux.percentile(99)),
                Stats.ms(mux.max()),
                Stats.ms(direct.percentile(50)),
                Stats.ms(direct.percentile(99)),
                Stats.ms(direct.max()),
                Stats.ratio(mux.percentile(50), direct.percentile(50)),
                Stats.ratio(mux.percentile(99), direct.percentile(99))));
        p3Figure = new long[] {clients, mux.percentile(99)};
    }

    void p4(int vms, int clients, long heap, long rss) {
        p4.add(new long[] {vms, clients, heap, rss});
    }

    void qemuRss(long bytes) {
        qemuRss = bytes;
    }

    String render(BenchOptions o, String started, String loadBefore, String loadAfter) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Run of ").append(started).append("\n\n");
        sb.append("- command: `").append(o.command).append("`\n");
        sb.append("- machine: nproc ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(", ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append('\n');
        sb.append("- JDK: ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append('\n');
        sb.append("- QEMU: ").append(BenchQemu.version()).append('\n');
        sb.append("- monmux JVM flags: `")
                .append(String.join(" ", MonmuxChild.PRODUCTION_JVM_FLAGS))
                .append(MonmuxChild.extraFlags.isEmpty() ? "" : " " + String.join(" ", MonmuxChild.extraFlags))
                .append("`\n");
        sb.append(
                        "- monmux config: a `mode: raw` and a `mode: telnet` telnet listener, QMP front end on vm0, metrics on, "
                                + "audit log ")
                .append(MonmuxChild.audit ? "on (default fsync: batch)" : "OFF (--no-audit)")
                .append(", limits.maxClients/maxClientsPerAddress 20000\n");
        sb.append("- load average before / after: ")
                .append(loadBefore)
                .append(" / ")
                .append(loadAfter)
                .append('\n');
        if (!p1.isEmpty()) {
            sb.append("\n### P1 latency: one client, one command at a time (")
                    .append(o.p1Commands)
                    .append(" per path; each round runs a block of ")
                    .append(o.p1Block)
                    .append(" on every path, in a shuffled order, seed ")
                    .append(Bench.P1_SEED)
                    .append(")\n\n");
            sb.append(
                    "Each ratio is against the row's reference, measured in the same rounds. CPU and context "
                            + "switches are the proxy's (monmux's, or socat's), all its threads, per command over its own blocks.\n\n");
            sb.append("| path | command | n | p50 ms | p99 ms | ratio p50 | ratio p99 | proxy CPU µs/cmd "
                    + "| proxy ctx switches/cmd |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|\n");
            p1.forEach(l -> sb.append(l).append('\n'));
            notes(sb, "P1");
        }
        if (!p2.isEmpty()) {
            sb.append("\n### P2 throughput: `info status`, ")
                    .append(o.p2Seconds)
                    .append(" s per monmux phase; direct = one QMP client with ")
                    .append(o.directWindow)
                    .append(" `query-status` requests in flight, half before and half after each monmux phase\n\n");
            sb.append("| clients | in flight per client | monmux cmd/s | direct cmd/s | monmux / direct "
                    + "| monmux CPU µs/cmd | monmux ctx switches/cmd | load generator CPU µs/cmd |\n");
            sb.append("|---|---|---|---|---|---|---|---|\n");
            p2.forEach(l -> sb.append(l).append('\n'));
            notes(sb, "P2");
        }
        if (!p3.isEmpty()) {
            sb.append(
                    "\n### P3 event fan-out: QEMU's event timestamp to the last monmux client (vs to the direct QMP client)\n\n");
            sb.append(
                    "| clients | events | monmux last client p50 / p99 / max ms | direct p50 / p99 / max ms | ratio p50 | ratio p99 |\n");
            sb.append("|---|---|---|---|---|---|\n");
            p3.forEach(l -> sb.append(l).append('\n'));
            notes(sb, "P3");
        }
        if (!p4.isEmpty()) {
            sb.append(
                    "\n### P4 scale: idle raw telnet clients over fake QMP VMs; monmux heap after a full GC and RSS\n\n");
            sb.append("| VMs | clients | heap after full GC MiB | RSS MiB |\n|---|---|---|---|\n");
            for (long[] r : p4) {
                sb.append(String.format(
                        Locale.ROOT, "| %d | %d | %.1f | %.1f |%n", r[0], r[1], r[2] / 1048576.0, r[3] / 1048576.0));
            }
            sb.append('\n').append(costs());
        }
        List<String[]> targets = targets(o);
        if (!targets.isEmpty()) {
            sb.append("\n### Targets\n\n| target | goal | measured | result |\n|---|---|---|---|\n");
            for (String[] t : targets) {
                sb.append("| ").append(String.join(" | ", t)).append(" |\n");
            }
        }
        return sb.toString();
    }

    private String costs() {
        StringBuilder sb = new StringBuilder();
        long[] fewestVms = null;
        long[] mostVmsNoClients = null;
        long[] mostClients = null;
        for (long[] r : p4) {
            if (r[1] == 0 && (fewestVms == null || r[0] < fewestVms[0])) {
                fewestVms = r;
            }
            if (r[1] == 0 && (mostVmsNoClients == null || r[0] > mostVmsNoClients[0])) {
                mostVmsNoClients = r;
            }
            if (mostClients == null || r[1] > mostClients[1]) {
                mostClients = r;
            }
        }
        if (fewestVms != null && mostVmsNoClients != null && mostVmsNoClients[0] > fewestVms[0]) {
            long n = mostVmsNoClients[0] - fewestVms[0];
            double heap = (mostVmsNoClients[2] - fewestVms[2]) / (double) n;
            double rss = (mostVmsNoClients[3] - fewestVms[3]) / (double) n;
            sb.append(String.format(
                    Locale.ROOT,
                    "- per VM (%d → %d VMs, no clients): %.1f KiB heap",
                    fewestVms[0],
                    mostVmsNoClients[0],
                    heap / 1024));
            // Separate JVMs: their RSS differs by several MiB from run to run (heap sizing, JIT).
            sb.append(
                    rss * n < 8 * 1048576
                            ? "; RSS: no difference beyond the run-to-run noise of separate JVMs (±8 MiB)"
                            : String.format(Locale.ROOT, ", %.1f KiB RSS", rss / 1024));
            if (qemuRss > 0 && rss * n >= 8 * 1048576) {
                sb.append(String.format(
                        Locale.ROOT,
                        "; one idle disk-less QEMU in this run: %.1f MiB RSS, so monmux adds %.2f %% per VM",
                        qemuRss / 1048576.0,
                        100 * rss / qemuRss));
            } else if (qemuRss > 0) {
                sb.append(String.format(
                        Locale.ROOT,
                        "; for scale, one idle disk-less QEMU in this run: %.1f MiB RSS (monmux's heap "
                                + "per VM is %.3f %% of it)",
                        qemuRss / 1048576.0,
                        100 * heap / qemuRss));
            }
            sb.append('\n');
        }
        if (mostClients != null
                && mostVmsNoClients != null
                && mostClients[1] > 0
                && mostClients[0] == mostVmsNoClients[0]) {
            double heap = (mostClients[2] - mostVmsNoClients[2]) / (double) mostClients[1];
            double rss = (mostClients[3] - mostVmsNoClients[3]) / (double) mostClients[1];
            sb.append(String.format(
                    Locale.ROOT,
                    "- per idle client (0 → %d clients on %d VMs): %.1f KiB heap, %.1f KiB RSS (socket buffers are kernel memory, in neither)%n",
                    mostClients[1],
                    mostClients[0],
                    heap / 1024,
                    rss / 1024));
        }
        return sb.toString();
    }

    private static String met(boolean ok) {
        return ok ? "met" : "**MISSED**";
    }

    /** The targets next to this run's figures: {target, goal, measured, result}. */
    private List<String[]> targets(BenchOptions o) {
        List<String[]> t = new ArrayList<>();
        String[][] ratios = {
            {"front", "direct", "P1 `query-status`, monmux QMP front end vs direct", "1.15"},
            {"rawqmp", "direct", "P1 `query-status`, raw QMP line on monmux's raw telnet vs direct", "1.15"},
            {"mux-status", "qemu-status", "P1 HMP `info status`, monmux telnet vs QEMU telnet", "1.10"},
            {"mux-pci", "qemu-pci", "P1 HMP `info pci`, monmux telnet vs QEMU telnet", "1.10"}
        };
        for (String[] r : ratios) {
            double[] a = p1Figures.get(r[0]);
            double[] b = p1Figures.get(r[1]);
            if (a == null || b == null) {
                continue;
            }
            double limit = Double.parseDouble(r[3]);
            double r50 = a[0] / b[0];
            double r99 = a[1] / b[1];
            t.add(new String[] {
                r[2] + ", p50", "≤ " + r[3] + "×", String.format(Locale.ROOT, "%.2f×", r50), met(r50 <= limit)
            });
            t.add(new String[] {r[2] + ", p99", "≤ 2×", String.format(Locale.ROOT, "%.2f×", r99), met(r99 <= 2.0)});
        }
        String[][] cpuRows = {{"mux-status", "HMP `info status` (monmux telnet)"}, {"front", "QMP front end"}};
        for (String[] r : cpuRows) {
            double[] a = p1Figures.get(r[0]);
            if (a != null) {
                t.add(new String[] {
                    "monmux CPU per command, one client, " + r[1],
                    "≤ 60 µs",
                    String.format(Locale.ROOT, "%.0f µs", a[2]),
                    met(a[2] <= 60)
                });
            }
        }
        String[][] ctxRows = {
            {"mux-status", "HMP `info status` (monmux telnet)"},
            {"mux-pci", "HMP `info pci` (monmux telnet)"},
            {"front", "QMP front end"},
            {"rawqmp", "raw QMP line"}
        };
        for (String[] r : ctxRows) {
            double[] a = p1Figures.get(r[0]);
            if (a != null) {
                t.add(new String[] {
                    "monmux context switches per command, one client, " + r[1],
                    "≤ 2",
                    String.format(Locale.ROOT, "%.2f", a[3]),
                    met(a[3] <= 2)
                });
            }
        }
        for (double[] r : p2Rows) {
            if (r[0] == 64 && r[1] == o.p2Window) {
                t.add(new String[] {
                    String.format(Locale.ROOT, "monmux CPU per command, P2 %d clients × %d in flight", (int) r[0], (int)
                            r[1]),
                    "≤ 40 µs",
                    String.format(Locale.ROOT, "%.0f µs", r[4]),
                    met(r[4] <= 40)
                });
            }
        }
        if (!p2Rows.isEmpty()) {
            double worst = Double.MAX_VALUE;
            List<String> missed = new ArrayList<>();
            for (double[] r : p2Rows) {
                double pct = 100 * r[2] / r[3];
                worst = Math.min(worst, pct);
                if (pct < 95) {
                    missed.add(String.format(Locale.ROOT, "%d×%d: %.1f %%", (int) r[0], (int) r[1], pct));
                }
            }
            t.add(new String[] {
                "P2 throughput vs direct, every row",
                "≥ 95 %",
                missed.isEmpty()
                        ? String.format(Locale.ROOT, "lowest %.1f %%", worst)
                        : "below: " + String.join(", ", missed),
                met(missed.isEmpty())
            });
        }
        if (p3Figure != null) {
            t.add(new String[] {
                "P3 p99, QEMU's event to the last of " + p3Figure[0] + " clients",
                "≤ 10 ms",
                Stats.ms(p3Figure[1]) + " ms",
                met(p3Figure[1] <= 10_000)
            });
        }
        long[] most = null;
        for (long[] r : p4) {
            if (most == null || r[1] > most[1]) {
                most = r;
            }
        }
        if (most != null) {
            String measured = String.format(
                    Locale.ROOT, "%.1f MiB at %d clients over %d VMs", most[2] / 1048576.0, most[1], most[0]);
            t.add(new String[] {
                "P4 heap after a full GC, 10,000 idle clients",
                "≤ 64 MiB",
                measured,
                most[1] >= 10_000 ? met(most[2] <= 64L * 1048576) : "not assessed (fewer than 10,000 clients)"
            });
        }
        return t;
    }
}
