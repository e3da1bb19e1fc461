package dev.monmux.hmp;

import dev.monmux.effect.Classification;
import dev.monmux.effect.Confinement;
import dev.monmux.effect.Effect;
import dev.monmux.effect.EffectTable;
import dev.monmux.qmp.QemuVersion;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class of an HMP line: the command's class from {@link EffectTable}, judged by its arguments
 * where its power depends on them ({@code change vnc password} sets a password, {@code change
 * DEVICE FILE} opens a host file unless {@code acl.mediaPaths} allows it).
 */
final class HmpEffects {
    private static final Logger log = LoggerFactory.getLogger(HmpEffects.class);
    private static final Set<String> warned = ConcurrentHashMap.newKeySet();

    private final EffectTable table;
    private final Confinement confinement;
    private final QemuVersion version;

    HmpEffects(EffectTable table, Confinement confinement, QemuVersion version) {
        this.table = table;
        this.confinement = confinement;
        this.version = version;
    }

    Confinement confinement() {
        return confinement;
    }

    Classification classify(HmpParse.Known known) {
        if (known.name().equals("change") && known instanceof HmpParse.Parsed p) {
            // hmp_change: "vnc" sets the VNC password; any other device takes a medium
            if ("vnc".equals(p.string("device"))) {
                return new Classification(Effect.CONTROL, "sets the VNC password");
            }
            String refusal = confinement.mediaRefusal(p.string("target"), p.string("arg"), p.string("read-only-mode"));
            return refusal == null
                    ? new Classification(Effect.CONTROL, "inserts a medium from acl.mediaPaths")
                    : new Classification(Effect.HOST, refusal);
        }
        return of(known.name());
    }

    /** The table's class of a command, by canonical name; admin-only when the table lacks it. */
    Classification of(String name) {
        return table.hmp(name).orElseGet(() -> {
            if (warned.add(version + " " + name)) {
                log.warn(
                        "HMP command '{}' of QEMU {} has no effect class in monmux's table: only admins may run it",
                        name,
                        version);
            }
            return Classification.unknown();
        });
    }
}
