package dev.monmux.command;

import java.util.Locale;

/**
 * How a command reached QEMU: the label of the {@code path} metric tag and audit field. (monmux's
 * own {@code .} commands never go through the command pipeline, so they have no route.)
 */
public enum Route {
    /** An HMP line translated to its own QMP command, output formatted by monmux. */
    NATIVE,
    /** An HMP line sent through {@code human-monitor-command}. */
    FALLBACK,
    /** A QMP command from a QMP client or a raw JSON line. */
    QMP;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
