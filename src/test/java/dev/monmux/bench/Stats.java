package dev.monmux.bench;

import java.util.Arrays;

/** Samples (microseconds) and their percentiles. */
final class Stats {
    private long[] values = new long[1024];
    private int n;

    void add(long v) {
        if (n == values.length) {
            values = Arrays.copyOf(values, n * 2);
        }
        values[n++] = v;
    }

    void addAll(Stats o) {
        for (int i = 0; i < o.n; i++) {
            add(o.values[i]);
        }
    }

    int count() {
        return n;
    }

    /** Nearest-rank percentile, {@code p} in 0..100. */
    long percentile(double p) {
        if (n == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] s = Arrays.copyOf(values, n);
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * n);
        return s[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    long max() {
        return percentile(100);
    }

    /** Microseconds as milliseconds with three decimals. */
    static String ms(long micros) {
        return String.format(java.util.Locale.ROOT, "%.3f", micros / 1000.0);
    }

    static String ratio(double monmux, double direct) {
        return direct == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f", monmux / direct);
    }
}
