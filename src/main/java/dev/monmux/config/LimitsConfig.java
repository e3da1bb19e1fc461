package dev.monmux.config;

import java.time.Duration;

/**
 * Per-client limits ({@code limits:} section). Each has a default, is enforced with a clear
 * message to the client, and is documented in the README's "Limits and failure behaviour".
 *
 * @param lineBytes               longest input line (default 4096); longer lines are discarded with an error
 * @param commandsInFlight        commands one session may have in flight (default 8); further lines wait
 * @param maxQueuedLines          lines waiting behind those (default 1000); past it monmux stops reading
 *                                from the client until the queue drains (nothing is dropped)
 * @param subnegotiationBytes     longest telnet subnegotiation accepted (default 256); the rest is ignored
 * @param typeAheadKeys          keys typed ahead while a command runs in an interactive session (default 65536);
 *                                past it monmux stops reading until they are replayed
 * @param historySize             lines of history per session (default 100)
 * @param detectTimeout           how long {@code mode: auto} waits for a telnet answer before treating the client as raw (default 300ms)
 * @param idleTimeout             close a client that sends nothing for this long (default off)
 * @param maxClients              clients per listener (default 1000)
 * @param maxClientsPerAddress    clients per remote address per listener (default 100)
 * @param outboundHighWaterBytes  output queued for a client before it counts as not reading (default 65536):
 *                                events for it are then dropped (and counted)
 * @param outboundLowWaterBytes   queued output below which it counts as reading again (default 32768)
 * @param stuckClientTimeout      a client that stays over the high-water mark this long is disconnected (default 60s)
 */
public record LimitsConfig(
        Integer lineBytes,
        Integer commandsInFlight,
        Integer maxQueuedLines,
        Integer subnegotiationBytes,
        Integer typeAheadKeys,
        Integer historySize,
        Duration detectTimeout,
        Duration idleTimeout,
        Integer maxClients,
        Integer maxClientsPerAddress,
        Integer outboundHighWaterBytes,
        Integer outboundLowWaterBytes,
        Duration stuckClientTimeout) {
    public LimitsConfig {
        lineBytes = QmpLinkConfig.atLeast("lineBytes", lineBytes, 4096, 64);
        commandsInFlight = QmpLinkConfig.atLeast("commandsInFlight", commandsInFlight, 8, 1);
        maxQueuedLines = QmpLinkConfig.atLeast("maxQueuedLines", maxQueuedLines, 1000, 1);
        subnegotiationBytes = QmpLinkConfig.atLeast("subnegotiationBytes", subnegotiationBytes, 256, 16);
        typeAheadKeys = QmpLinkConfig.atLeast("typeAheadKeys", typeAheadKeys, 65536, 1024);
        historySize = QmpLinkConfig.atLeast("historySize", historySize, 100, 0);
        detectTimeout = QmpLinkConfig.positive("detectTimeout", detectTimeout, Duration.ofMillis(300));
        idleTimeout = idleTimeout == null ? Duration.ZERO : idleTimeout;
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout: expected a duration that is not negative, or off");
        }
        maxClients = QmpLinkConfig.atLeast("maxClients", maxClients, 1000, 1);
        maxClientsPerAddress = QmpLinkConfig.atLeast("maxClientsPerAddress", maxClientsPerAddress, 100, 1);
        outboundHighWaterBytes = QmpLinkConfig.atLeast("outboundHighWaterBytes", outboundHighWaterBytes, 65536, 1024);
        outboundLowWaterBytes = QmpLinkConfig.atLeast(
                "outboundLowWaterBytes", outboundLowWaterBytes, Math.min(32768, outboundHighWaterBytes / 2), 512);
        if (outboundLowWaterBytes > outboundHighWaterBytes) {
            throw new IllegalArgumentException(
                    "outboundLowWaterBytes: expected at most outboundHighWaterBytes (" + outboundHighWaterBytes + ")");
        }
        stuckClientTimeout = QmpLinkConfig.positive("stuckClientTimeout", stuckClientTimeout, Duration.ofSeconds(60));
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public boolean idleTimeoutEnabled() {
        return !idleTimeout.isZero();
    }
}
