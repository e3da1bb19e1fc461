package dev.monmux.session;

import dev.monmux.qmp.QmpEvent;
import dev.monmux.qmp.QmpJson;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Renders a QMP event as the one line operators see: {@code [2026-11-24 19:11:29.544] event STOP}. */
public final class EventFormatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final ZoneId zone;

    public EventFormatter(ZoneId zone) {
        this.zone = zone;
    }

    public String format(QmpEvent e) {
        Instant t = Instant.ofEpochSecond(e.epochMicros() / 1_000_000, (e.epochMicros() % 1_000_000) * 1000);
        StringBuilder sb = new StringBuilder(64)
                .append('[')
                .append(TIME.format(t.atZone(zone)))
                .append("] event ")
                .append(e.name());
        if (e.data() != null && !e.data().isEmpty()) {
            sb.append(' ').append(QmpJson.compact(e.data()));
        }
        return sb.toString();
    }
}
