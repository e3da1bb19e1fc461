package dev.monmux.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One VM: its name, where its QMP socket is, and optional per-VM settings.
 *
 * @param name           unique name operators use ({@code .attach NAME}); letters, digits, {@code . _ -}
 * @param qmp            QEMU's QMP socket ({@code unix:/path} or {@code tcp:host:port})
 * @param telnet         optional dedicated telnet listener whose clients are attached to this VM
 * @param commandTimeout optional override of {@code qmp.commandTimeout} for this VM
 * @param qmpListen      QMP listeners serving this VM to QMP clients (unix sockets or loopback TCP)
 */
public record VmConfig(
        String name,
        QmpAddress qmp,
        ListenerConfig telnet,
        Duration commandTimeout,
        List<QmpListenerConfig> qmpListen) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public VmConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: expected 1-64 letters, digits, '.', '_' or '-'");
        }
        if (qmp == null) {
            throw new IllegalArgumentException("qmp: expected " + QmpAddress.EXPECTED);
        }
        qmpListen = qmpListen == null ? List.of() : List.copyOf(qmpListen);
    }

    public static VmConfig of(String name, String qmp) {
        return new VmConfig(name, QmpAddress.parse(qmp), null, null, null);
    }
}
