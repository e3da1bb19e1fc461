package dev.monmux.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/** How a telnet listener treats its clients. */
public enum TelnetMode {
    /** Negotiate like QEMU; a client that never answers telnet negotiation is treated as raw. */
    AUTO,
    /** Always character mode with server-side echo and line editing. */
    TELNET,
    /** For nc and scripts: no telnet negotiation, no echo, no ANSI; just prompts and output. */
    RAW;

    @JsonCreator
    public static TelnetMode parse(String s) {
        for (TelnetMode m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected one of auto, telnet, raw, found " + ConfigException.quote(s));
    }
}
