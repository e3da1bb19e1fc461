package dev.monmux.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Command-line options of {@link Bench}; defaults are the full run ({@code make bench}). */
final class BenchOptions {
    Set<String> phases = new TreeSet<>(List.of("P1", "P2", "P3", "P4"));
    double warmupSeconds = 20;
    int p1Commands = 5000;
    int p1Warmup = 1000;
    int p1Block = 250;
    double p2Seconds = 10;
    List<Integer> p2Clients = List.of(1, 8, 64, 256);
    int p2Window = 8;
    int directWindow = 8;
    int p3Clients = 1000;
    int p3Events = 100;
    int p4Vms = 500;
    List<Integer> p4Clients = List.of(1000, 2500, 5000, 10000);
    List<Integer> p4VmCurve = List.of(1, 100, 250, 500);
    Path jar = Path.of("target/monmux.jar");
    Path out;
    Path workDir = Path.of("target/bench");
    boolean jfr;
    String command = "scripts/bench.sh";

    static final String USAGE = String.join(
            "\n",
            "usage: Bench [options]   (run by scripts/bench.sh; `make bench`, `make bench-quick`)",
            "  --quick                   small sizes for a smoke run (about a minute)",
            "  --phases P1,P2,P3,P4      which figures to measure",
            "  --warmup-seconds S        run monmux hot this long before measuring (default 20)",
            "  --p1-commands N           P1: commands per path (default 5000), in blocks of --p1-block",
            "  --p1-block N              P1: commands per path per round (default 250; rounds are shuffled)",
            "  --p2-seconds S            P2: seconds per measured phase (default 10)",
            "  --p2-clients 1,8,64,256   P2: client counts",
            "  --p2-window N             P2 pipelined: lines in flight per client (default 8 = limits.commandsInFlight)",
            "  --p3-clients N            P3: clients receiving the events (default 1000)",
            "  --p3-events N             P3: events triggered (even; default 100)",
            "  --p4-vms N                P4: fake VMs for the client curve (default 500)",
            "  --p4-clients 1000,2500,5000,10000   P4: idle clients at each measuring point",
            "  --p4-vm-curve 1,100,250,500   P4: VM counts measured with no clients",
            "  --jar PATH                monmux jar (default target/monmux.jar)",
            "  --out FILE                append a markdown section to FILE (e.g. docs/benchmarks.md)",
            "  --monmux-flags 'F ...'    extra JVM flags for monmux (experiments; recorded in the report)",
            "  --no-audit                monmux without its audit log (on by default, as in production)",
            "  --jfr                     record a JFR profile of monmux per phase (in the work dir)",
            "  --command TEXT            the command line to record in the report");

    static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> {
                    o.warmupSeconds = 6;
                    o.p1Commands = 500;
                    o.p1Warmup = 300;
                    o.p1Block = 50; // 10 shuffled rounds
                    o.p2Seconds = 2;
                    o.p2Clients = List.of(1, 8, 64);
                    o.p3Clients = 200;
                    o.p3Events = 20;
                    o.p4Vms = 50;
                    o.p4Clients = List.of(500, 1000);
                    o.p4VmCurve = List.of(1, 50);
                }
                case "--phases" ->
                    o.phases =
                            new TreeSet<>(Arrays.asList(args[++i].toUpperCase().split(",")));
                case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
                case "--p1-commands" -> o.p1Commands = Integer.parseInt(args[++i]);
                case "--p1-block" -> o.p1Block = Integer.parseInt(args[++i]);
                case "--p2-seconds" -> o.p2Seconds = Double.parseDouble(args[++i]);
                case "--p2-clients" -> o.p2Clients = ints(args[++i]);
                case "--p2-window" -> o.p2Window = Integer.parseInt(args[++i]);
                case "--p3-clients" -> o.p3Clients = Integer.parseInt(args[++i]);
                case "--p3-events" -> o.p3Events = Integer.parseInt(args[++i]);
                case "--p4-vms" -> o.p4Vms = Integer.parseInt(args[++i]);
                case "--p4-clients" -> o.p4Clients = ints(args[++i]);
                case "--p4-vm-curve" -> o.p4VmCurve = ints(args[++i]);
                case "--jar" -> o.jar = Path.of(args[++i]);
                case "--out" -> o.out = Path.of(args[++i]);
                case "--work" -> o.workDir = Path.of(args[++i]);
                case "--jfr" -> o.jfr = true;
                case "--no-audit" -> MonmuxChild.audit = false;
                case "--monmux-flags" ->
                    MonmuxChild.extraFlags = List.of(args[++i].trim().split("\\s+"));
                case "--command" -> o.command = args[++i];
                default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
            }
        }
        if (o.p3Events % 2 != 0) {
            o.p3Events++; // stop/cont pairs: the VM ends running
        }
        return o;
    }

    private static List<Integer> ints(String s) {
        List<Integer> l = new ArrayList<>();
        for (String p : s.split(",")) {
            l.add(Integer.parseInt(p.strip()));
        }
        return l;
    }
}
