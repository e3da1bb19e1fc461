package dev.monmux.command;

import java.util.Locale;

/** How a command reached QEMU: the label of the {@code path} metric tag and audit field. */
public enum Path {
    /** An HMP line translated to its own QMP command, output formatted by monmux. */
    NATIVE,
    /** An HMP line sent through {@code human-monitor-command}. */
    FALLBACK,
    /** A QMP command from a QMP client or a raw JSON line. */
    QMP,
    /** A monmux command ({@code .who}, {@code .attach}, ...); never reaches QEMU. */
    BUILTIN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
