package dev.monmux.config;

import java.time.Duration;

/**
 * Login limits ({@code login:} section), used when {@code auth: password}.
 *
 * @param failureDelay    wait before the next attempt after one failure from the same address or for
 *                        the same user (default 1s); it doubles with each further failure
 * @param maxFailureDelay cap of that wait (default 30s)
 * @param maxUserFailureDelay cap of the wait that failures for a user name impose on attempts for
 *                        that name from other addresses (default 5s): guessing somebody's
 *                        password elsewhere must not lock them out
 * @param attempts        failed attempts per connection before it is closed (default 3)
 * @param timeout         time to complete a login before the connection is closed (default 60s)
 */
public record LoginConfig(
        Duration failureDelay,
        Duration maxFailureDelay,
        Duration maxUserFailureDelay,
        Integer attempts,
        Duration timeout) {
    public LoginConfig {
        failureDelay = QmpLinkConfig.positive("failureDelay", failureDelay, Duration.ofSeconds(1));
        maxFailureDelay = QmpLinkConfig.positive("maxFailureDelay", maxFailureDelay, Duration.ofSeconds(30));
        if (maxFailureDelay.compareTo(failureDelay) < 0) {
            throw new IllegalArgumentException("maxFailureDelay: expected a duration no shorter than failureDelay ("
                    + Durations.format(failureDelay) + ")");
        }
        maxUserFailureDelay = QmpLinkConfig.positive(
                "maxUserFailureDelay",
                maxUserFailureDelay,
                maxFailureDelay.compareTo(Duration.ofSeconds(5)) < 0 ? maxFailureDelay : Duration.ofSeconds(5));
        attempts = QmpLinkConfig.atLeast("attempts", attempts, 3, 1);
        timeout = QmpLinkConfig.positive("timeout", timeout, Duration.ofSeconds(60));
    }

    public static LoginConfig defaults() {
        return new LoginConfig(null, null, null, null, null);
    }
}
