package dev.monmux.hmp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.command.HmpPlanners;
import dev.monmux.effect.Confinement;
import dev.monmux.effect.EffectTable;
import dev.monmux.qmp.QemuVersion;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpGreeting;
import dev.monmux.qmp.QmpJson;
import dev.monmux.qmp.VmLinkListener;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which HMP each VM speaks, decided from its QMP greeting at every link-up (a VM upgraded and
 * restarted under the same name gets its new version's HMP). A version with a table of its own
 * gets that table and the native mappings certified for it. Any other version gets the nearest
 * lower table, a warning in the log, no native mappings, and, once the VM answered {@code help}
 * and {@code help info}, that table corrected to the VM's own command set.
 */
public final class HmpDialects implements HmpPlanners {
    private static final Logger log = LoggerFactory.getLogger(HmpDialects.class);

    private record Dialect(QmpGreeting greeting, HmpEngine engine) {}

    private final HmpTables tables;
    private final boolean nativeMappings;
    private final EffectTable effects;
    private final Confinement confinement;
    private final Map<QemuVersion, HmpEngine> exact = new ConcurrentHashMap<>();
    private final Map<QmpEndpoint, Dialect> byLink = Collections.synchronizedMap(new WeakHashMap<>());
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public HmpDialects(HmpTables tables, boolean nativeMappings, EffectTable effects, Confinement confinement) {
        this.tables = tables;
        this.nativeMappings = nativeMappings;
        this.effects = effects;
        this.confinement = confinement;
    }

    /** Follows {@code link}: its HMP is decided as soon as it comes up. */
    public void watch(QmpEndpoint link) {
        link.addListener(new VmLinkListener() {
            @Override
            public void onUp(QmpEndpoint l, QmpGreeting greeting) {
                dialect(l, greeting);
            }
        });
    }

    @Override
    public HmpEngine forVm(QmpEndpoint link) {
        QmpGreeting g = link.greeting();
        if (g == null) {
            return exactEngine(tables.newest()); // never connected: nothing can be sent anyway
        }
        return dialect(link, g).engine();
    }

    /**
     * The dialect for the QEMU that greeted {@code link} with {@code g}; decided once per link-up
     * (the greeting object's identity is the link-up: a reconnect brings a new one).
     */
    @SuppressWarnings("ReferenceEquality")
    private Dialect dialect(QmpEndpoint link, QmpGreeting g) {
        Dialect now = byLink.get(link);
        if (now != null && now.greeting() == g) {
            return now;
        }
        QemuVersion version = g.release();
        QemuVersion chosen = tables.choose(version);
        Dialect d;
        synchronized (byLink) {
            now = byLink.get(link);
            if (now != null && now.greeting() == g) {
                return now;
            }
            if (chosen.equals(version)) {
                d = new Dialect(g, exactEngine(chosen));
                byLink.put(link, d);
                return d;
            }
            d = new Dialect(g, new HmpEngine(HmpTable.of(chosen), Set.of(), effects, confinement));
            byLink.put(link, d);
        }
        if (warned.add(link.name() + " " + version)) {
            log.warn(
                    "VM '{}' runs QEMU {}, for which monmux has no HMP table: using QEMU {}'s, corrected from the "
                            + "VM's own help, and no native mappings (every line goes through human-monitor-command)",
                    link.name(),
                    g.version(),
                    chosen);
        }
        correct(link, g, HmpTable.of(chosen));
        return d;
    }

    private HmpEngine exactEngine(QemuVersion v) {
        return exact.computeIfAbsent(v, x -> {
            HmpTable t = HmpTable.of(x);
            return new HmpEngine(t, HmpEngine.certified(t, nativeMappings), effects, confinement);
        });
    }

    /** Reads the VM's {@code help} and {@code help info} once, and corrects its table from them. */
    @SuppressWarnings("ReferenceEquality") // the greeting's identity is the link-up (see dialect)
    private void correct(QmpEndpoint link, QmpGreeting g, HmpTable base) {
        CompletableFuture<JsonNode> help =
                link.call("human-monitor-command", QmpJson.object().put("command-line", "help"));
        CompletableFuture<JsonNode> info =
                link.call("human-monitor-command", QmpJson.object().put("command-line", "help info"));
        help.thenCombine(info, (h, i) -> HelpListing.parse(h.asText(), i.asText()))
                .whenComplete((listing, err) -> {
                    if (err != null || listing.commands().isEmpty()) {
                        log.warn(
                                "VM '{}': could not read its HMP help ({}); keeping QEMU {}'s command set",
                                link.name(),
                                err == null ? "empty" : err.getMessage(),
                                base.version());
                        return;
                    }
                    HmpEngine corrected = new HmpEngine(base.corrected(listing), Set.of(), effects, confinement);
                    synchronized (byLink) {
                        Dialect d = byLink.get(link);
                        if (d != null && d.greeting() == g) {
                            byLink.put(link, new Dialect(g, corrected));
                        }
                    }
                    log.info(
                            "VM '{}': HMP command set read from QEMU {} ({} commands, {} info sub-commands)",
                            link.name(),
                            g.version(),
                            listing.commands().size(),
                            listing.infoCommands().size());
                });
    }
}
