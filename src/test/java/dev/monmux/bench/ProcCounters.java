package dev.monmux.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and context switches of a process, summed over its threads ({@code /proc/PID/task/*}):
 * CPU from each thread's {@code schedstat} (nanoseconds, not the 10 ms ticks of {@code stat}, so
 * that blocks of a few hundred commands can be attributed), context switches from each thread's
 * {@code status} ({@code voluntary_ctxt_switches} + {@code nonvoluntary_ctxt_switches}).
 * A difference counts the threads alive at its end: a thread born in between counts from zero,
 * one that ended in between is missed for that interval (JIT compiler threads come and go; the
 * event loops, the audit writer and GC workers stay). The JIT compiler threads ({@code C1/C2
 * CompilerThread}) are counted apart: a production monmux's compiling is long done, so the
 * figures per command leave them out and the bench reports them on their own. Reading is cheap,
 * but is done outside the timed region.
 */
final class ProcCounters {
    /** Per thread id: {cpu ns, context switches, 1 if a JIT compiler thread}. */
    final Map<Long, long[]> threads;

    private ProcCounters(Map<Long, long[]> threads) {
        this.threads = threads;
    }

    static ProcCounters read(long pid) throws IOException {
        Map<Long, long[]> m = new HashMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : ds) {
                try {
                    String sched = Files.readString(t.resolve("schedstat"));
                    long cpu = Long.parseLong(sched.substring(0, sched.indexOf(' ')));
                    long ctx = 0;
                    for (String l : Files.readAllLines(t.resolve("status"))) {
                        if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
                            ctx += Long.parseLong(
                                    l.substring(l.indexOf(':') + 1).strip());
                        }
                    }
                    boolean jit = Files.readString(t.resolve("comm")).contains("CompilerThre");
                    m.put(Long.parseLong(t.getFileName().toString()), new long[] {cpu, ctx, jit ? 1 : 0});
                } catch (NoSuchFileException e) {
                    // the thread ended while we read
                }
            }
        }
        return new ProcCounters(m);
    }

    /**
     * From {@code before} to this reading: {cpu ns, context switches} of every thread but the JIT
     * compiler threads, then {cpu ns, context switches} of those.
     */
    long[] since(ProcCounters before) {
        long[] r = new long[4];
        for (var e : threads.entrySet()) {
            long[] now = e.getValue();
            long[] b = before.threads.getOrDefault(e.getKey(), new long[3]);
            int at = now[2] == 1 ? 2 : 0;
            r[at] += now[0] - b[0];
            r[at + 1] += now[1] - b[1];
        }
        return r;
    }
}
