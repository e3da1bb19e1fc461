package dev.monmux.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * HMP translation ({@code hmp:} section).
 *
 * @param nativeMappings {@code native: true} (default) maps known HMP commands to QMP; false sends
 *                       every line through {@code human-monitor-command}
 */
public record HmpConfig(@JsonProperty("native") Boolean nativeMappings) {
    public HmpConfig {
        nativeMappings = nativeMappings == null ? Boolean.TRUE : nativeMappings;
    }

    public static HmpConfig defaults() {
        return new HmpConfig(null);
    }
}
