package dev.monmux.config;

import java.time.Duration;

/**
 * Per-client limits ({@code limits:} section).
 *
 * @param lineBytes               longest input line (default 4096); longer lines are discarded with an error
 * @param commandsInFlight        commands one session may have in flight (default 8); further lines wait
 * @param subnegotiationBytes     longest telnet subnegotiation accepted (default 256); the rest is ignored
 * @param typeAheadBytes          input buffered while a command runs in an interactive session (default 65536)
 * @param historySize             lines of history per session (default 100)
 * @param detectTimeout           how long {@code mode: auto} waits for a telnet answer before treating the client as raw (default 300ms)
 */
public record LimitsConfig(Integer lineBytes, Integer commandsInFlight, Integer subnegotiationBytes,
                           Integer typeAheadBytes, Integer historySize, Duration detectTimeout) {
    public LimitsConfig {
        lineBytes = QmpLinkConfig.atLeast("lineBytes", lineBytes, 4096, 64);
        commandsInFlight = QmpLinkConfig.atLeast("commandsInFlight", commandsInFlight, 8, 1);
        subnegotiationBytes = QmpLinkConfig.atLeast("subnegotiationBytes", subnegotiationBytes, 256, 16);
        typeAheadBytes = QmpLinkConfig.atLeast("typeAheadBytes", typeAheadBytes, 65536, 1024);
        historySize = QmpLinkConfig.atLeast("historySize", historySize, 100, 0);
        detectTimeout = QmpLinkConfig.positive("detectTimeout", detectTimeout, Duration.ofMillis(300));
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(null, null, null, null, null, null);
    }
}
