package dev.monmux.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The run's figures as a markdown section (also printed to the console). */
final class Report {
    private final List<String> p1 = new ArrayList<>();
    private final List<String> p2 = new ArrayList<>();
    private final List<String> p3 = new ArrayList<>();
    private final List<long[]> p4 = new ArrayList<>();
    private long qemuRss;
    private String p1Target = "";
    private final List<double[]> p2Rows = new ArrayList<>();
    private String p3Target = "";

    void p1(String what, Stats mux, Stats direct) {
        double r = (double) mux.percentile(50) / direct.percentile(50);
        p1.add(String.format(Locale.ROOT, "| %s | %d | %s / %s / %s | %s / %s / %s | %s | %s | %s |", what, mux.count(),
                Stats.ms(mux.percentile(50)), Stats.ms(mux.percentile(90)), Stats.ms(mux.percentile(99)),
                Stats.ms(direct.percentile(50)), Stats.ms(direct.percentile(90)), Stats.ms(direct.percentile(99)),
                Stats.ratio(mux.percentile(50), direct.percentile(50)),
                Stats.ratio(mux.percentile(90), direct.percentile(90)),
                Stats.ratio(mux.percentile(99), direct.percentile(99))));
        if (p1Target.isEmpty()) {
            p1Target = String.format(Locale.ROOT, "P1 (HMP) p50 ratio %.2f (target <= 1.2): %s", r, r <= 1.2 ? "met" : "MISSED");
        }
    }

    private final java.util.Map<String, List<String>> notes = new java.util.HashMap<>();

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

    void p2(int clients, int window, double mux, double direct, double muxCpu, double loadCpu) {
        p2.add(String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.1f %% | %.0f | %.0f |", clients, window, mux, direct,
                100 * mux / direct, muxCpu, loadCpu));
        p2Rows.add(new double[] {clients, window, mux, direct});
    }

    private String p2Target() {
        double most = p2Rows.stream().anyMatch(r -> r[0] == 64) ? 64
                : p2Rows.stream().mapToDouble(r -> r[0]).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (double[] r : p2Rows) {
            if (r[0] == most) {
                sb.append(sb.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                        "P2 %d clients x %d in flight: %.1f %% of direct (target >= 95 %% at 64): %s",
                        (int) r[0], (int) r[1], 100 * r[2] / r[3], r[2] / r[3] >= 0.95 ? "met" : "MISSED"));
            }
        }
        return sb.toString();
    }

    void p3(int clients, int events, Stats mux, Stats direct) {
        p3.add(String.format(Locale.ROOT, "| %d | %d | %s / %s / %s | %s / %s / %s | %s | %s |", clients, events,
                Stats.ms(mux.percentile(50)), Stats.ms(mux.percentile(99)), Stats.ms(mux.max()),
                Stats.ms(direct.percentile(50)), Stats.ms(direct.percentile(99)), Stats.ms(direct.max()),
                Stats.ratio(mux.percentile(50), direct.percentile(50)),
                Stats.ratio(mux.percentile(99), direct.percentile(99))));
        p3Target = String.format(Locale.ROOT, "P3 p99 to the last of %d clients %s ms (target < 20 ms): %s", clients,
                Stats.ms(mux.percentile(99)), mux.percentile(99) < 20_000 ? "met" : "MISSED");
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
        sb.append("- machine: nproc ").append(Runtime.getRuntime().availableProcessors()).append(", ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append('\n');
        sb.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        sb.append("- QEMU: ").append(BenchQemu.version()).append('\n');
        sb.append("- monmux JVM flags: `").append(String.join(" ", MonmuxChild.PRODUCTION_JVM_FLAGS))
                .append(MonmuxChild.extraFlags.isEmpty() ? "" : " " + String.join(" ", MonmuxChild.extraFlags)).append("`\n");
        sb.append("- monmux config: one raw telnet listener, QMP front end on vm0, metrics on, audit log ")
                .append(MonmuxChild.audit ? "on (default fsync: batch)" : "OFF (--no-audit)")
                .append(", limits.maxClients/maxClientsPerAddress 20000\n");
        sb.append("- load average before / after: ").append(loadBefore).append(" / ").append(loadAfter).append('\n');
        if (!p1.isEmpty()) {
            sb.append("\n### P1 latency: one client, one command at a time (").append(o.p1Commands)
                    .append(" per path, alternating blocks of ").append(o.p1Block).append(")\n\n");
            sb.append("| command | n | monmux p50 / p90 / p99 ms | direct p50 / p90 / p99 ms | ratio p50 | ratio p90 | ratio p99 |\n");
            sb.append("|---|---|---|---|---|---|---|\n");
            p1.forEach(l -> sb.append(l).append('\n'));
            notes(sb, "P1");
        }
        if (!p2.isEmpty()) {
            sb.append("\n### P2 throughput: `info status`, ").append(o.p2Seconds)
                    .append(" s per monmux phase; direct = one QMP client with ").append(o.directWindow)
                    .append(" `query-status` requests in flight, half before and half after each monmux phase\n\n");
            sb.append("| clients | in flight per client | monmux cmd/s | direct cmd/s | monmux / direct "
                    + "| monmux CPU µs/cmd | load generator CPU µs/cmd |\n");
            sb.append("|---|---|---|---|---|---|---|\n");
            p2.forEach(l -> sb.append(l).append('\n'));
            notes(sb, "P2");
        }
        if (!p3.isEmpty()) {
            sb.append("\n### P3 event fan-out: QEMU's event timestamp to the last monmux client (vs to the direct QMP client)\n\n");
            sb.append("| clients | events | monmux last client p50 / p99 / max ms | direct p50 / p99 / max ms | ratio p50 | ratio p99 |\n");
            sb.append("|---|---|---|---|---|---|\n");
            p3.forEach(l -> sb.append(l).append('\n'));
            notes(sb, "P3");
        }
        if (!p4.isEmpty()) {
            sb.append("\n### P4 scale: idle raw telnet clients over fake QMP VMs; monmux heap after a full GC and RSS\n\n");
            sb.append("| VMs | clients | heap after full GC MiB | RSS MiB |\n|---|---|---|---|\n");
            for (long[] r : p4) {
                sb.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f |%n", r[0], r[1], r[2] / 1048576.0, r[3] / 1048576.0));
            }
            sb.append('\n').append(costs());
        }
        sb.append("\n### Targets\n\n");
        for (String t : List.of(p1Target, p2Target(), p3Target, p4Target())) {
            if (!t.isEmpty()) {
                sb.append("- ").append(t).append('\n');
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
            sb.append(String.format(Locale.ROOT, "- per VM (%d → %d VMs, no clients): %.1f KiB heap", fewestVms[0],
                    mostVmsNoClients[0], heap / 1024));
            // Separate JVMs: their RSS differs by several MiB from run to run (heap sizing, JIT).
            sb.append(rss * n < 8 * 1048576 ? "; RSS: no difference beyond the run-to-run noise of separate JVMs (±8 MiB)"
                    : String.format(Locale.ROOT, ", %.1f KiB RSS", rss / 1024));
            if (qemuRss > 0 && rss * n >= 8 * 1048576) {
                sb.append(String.format(Locale.ROOT, "; one idle disk-less QEMU in this run: %.1f MiB RSS, so monmux adds %.2f %% per VM",
                        qemuRss / 1048576.0, 100 * rss / qemuRss));
            } else if (qemuRss > 0) {
                sb.append(String.format(Locale.ROOT, "; for scale, one idle disk-less QEMU in this run: %.1f MiB RSS (monmux's heap "
                        + "per VM is %.3f %% of it)", qemuRss / 1048576.0, 100 * heap / qemuRss));
            }
            sb.append('\n');
        }
        if (mostClients != null && mostVmsNoClients != null && mostClients[1] > 0 && mostClients[0] == mostVmsNoClients[0]) {
            double heap = (mostClients[2] - mostVmsNoClients[2]) / (double) mostClients[1];
            double rss = (mostClients[3] - mostVmsNoClients[3]) / (double) mostClients[1];
            sb.append(String.format(Locale.ROOT, "- per idle client (0 → %d clients on %d VMs): %.1f KiB heap, %.1f KiB RSS (socket buffers are kernel memory, in neither)%n",
                    mostClients[1], mostClients[0], heap / 1024, rss / 1024));
        }
        return sb.toString();
    }

    private String p4Target() {
        long[] most = null;
        for (long[] r : p4) {
            if (most == null || r[1] > most[1]) {
                most = r;
            }
        }
        if (most == null) {
            return "";
        }
        return String.format(Locale.ROOT, "P4 heap after full GC with %d clients over %d VMs: %.1f MiB (target < 512 MiB): %s",
                most[1], most[0], most[2] / 1048576.0, most[2] < 512L * 1048576 ? "met" : "MISSED");
    }
}
