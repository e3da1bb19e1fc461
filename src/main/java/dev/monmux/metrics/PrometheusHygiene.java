package dev.monmux.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * Keeps the scrape clean for {@code promtool check metrics}: gives the meters Micrometer's Netty
 * binders register without a description one, renames {@code system.cpu.count} (a gauge must not
 * end in {@code _count}) to {@code system.cpus}, and leaves out {@code process.cpu.time}, exposed
 * in nanoseconds ({@code process_cpu_usage} and the JVM's own meters cover it).
 */
public final class PrometheusHygiene implements MeterFilter {
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "netty.allocator.memory.used", "memory used by Netty's buffer allocator, by memory type",
            "netty.allocator.memory.pinned",
                    "memory pinned by Netty's buffer allocator (in use by buffers), by memory type",
            "netty.allocator.pooled.arenas", "arenas of Netty's pooled buffer allocator, by memory type",
            "netty.allocator.pooled.cache.size", "cache sizes of Netty's pooled buffer allocator, by cache type",
            "netty.allocator.pooled.chunk.size", "chunk size of Netty's pooled buffer allocator",
            "netty.allocator.pooled.threadlocal.caches", "thread-local caches of Netty's pooled buffer allocator",
            "netty.eventexecutor.tasks.pending", "tasks waiting to run on a Netty event loop");

    @Override
    public io.micrometer.core.instrument.config.MeterFilterReply accept(Meter.Id id) {
        return id.getName().equals("process.cpu.time")
                ? io.micrometer.core.instrument.config.MeterFilterReply.DENY
                : io.micrometer.core.instrument.config.MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        if (id.getName().equals("system.cpu.count")) {
            return id.withName("system.cpus");
        }
        if (id.getDescription() == null) {
            String d = DESCRIPTIONS.get(id.getName());
            if (d != null) {
                return new Meter.Id(
                        id.getName(),
                        io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                        id.getBaseUnit(),
                        d,
                        id.getType());
            }
        }
        return id;
    }
}
