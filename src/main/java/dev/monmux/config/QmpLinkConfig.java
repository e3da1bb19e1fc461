package dev.monmux.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings for every VM's QMP link ({@code qmp:} section).
 *
 * @param commandTimeout          reply deadline for a command (default 30s)
 * @param slowCommandTimeout      deadline for commands known to be slow (default 10m)
 * @param slowCommands            QMP commands, and HMP commands sent via human-monitor-command,
 *                                that get {@code slowCommandTimeout}
 * @param handshakeTimeout        time for greeting + capabilities negotiation (default 10s)
 * @param reconnectInitial        first reconnect delay (default 100ms)
 * @param reconnectMax            cap of the exponential backoff (default 5s)
 * @param maxMessageBytes         largest QMP message accepted from QEMU (default 10 MiB)
 * @param maxPending              commands in flight per VM before new ones are refused (default 10000)
 * @param maxConsecutiveTimeouts  timeouts in a row after which the link is recycled (default 3)
 */
public record QmpLinkConfig(
        Duration commandTimeout,
        Duration slowCommandTimeout,
        List<String> slowCommands,
        Duration handshakeTimeout,
        Duration reconnectInitial,
        Duration reconnectMax,
        Integer maxMessageBytes,
        Integer maxPending,
        Integer maxConsecutiveTimeouts) {
    public static final List<String> DEFAULT_SLOW_COMMANDS = List.of(
            "dump-guest-memory",
            "pmemsave",
            "memsave",
            "screendump",
            "savevm",
            "loadvm",
            "delvm",
            "snapshot-save",
            "snapshot-load",
            "blockdev-snapshot-internal-sync",
            "drive-backup",
            "blockdev-backup",
            "migrate",
            "commit",
            "block-commit",
            "x-colo-lost-heartbeat");

    public QmpLinkConfig {
        commandTimeout = positive("commandTimeout", commandTimeout, Duration.ofSeconds(30));
        slowCommandTimeout = positive("slowCommandTimeout", slowCommandTimeout, Duration.ofMinutes(10));
        slowCommands = slowCommands == null ? DEFAULT_SLOW_COMMANDS : List.copyOf(slowCommands);
        handshakeTimeout = positive("handshakeTimeout", handshakeTimeout, Duration.ofSeconds(10));
        reconnectInitial = positive("reconnectInitial", reconnectInitial, Duration.ofMillis(100));
        reconnectMax = positive("reconnectMax", reconnectMax, Duration.ofSeconds(5));
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("reconnectMax: expected a duration no shorter than reconnectInitial ("
                    + Durations.format(reconnectInitial) + ")");
        }
        maxMessageBytes = atLeast("maxMessageBytes", maxMessageBytes, 10 * 1024 * 1024, 4096);
        maxPending = atLeast("maxPending", maxPending, 10_000, 1);
        maxConsecutiveTimeouts = atLeast("maxConsecutiveTimeouts", maxConsecutiveTimeouts, 3, 1);
    }

    public static QmpLinkConfig defaults() {
        return new QmpLinkConfig(null, null, null, null, null, null, null, null, null);
    }

    static Duration positive(String key, Duration value, Duration dflt) {
        if (value == null) {
            return dflt;
        }
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(key + ": expected a duration longer than zero (this one cannot be off)");
        }
        return value;
    }

    static Integer atLeast(String key, Integer value, int dflt, int min) {
        if (value == null) {
            return dflt;
        }
        if (value < min) {
            throw new IllegalArgumentException(key + ": expected a whole number, at least " + min);
        }
        return value;
    }
}
