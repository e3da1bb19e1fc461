package dev.monmux.acl;

import java.time.Instant;

/**
 * Exclusive control of a VM held by one session.
 *
 * @param sessionId the holder's session
 * @param who       how operators see the holder ({@code alice@10.0.0.5})
 * @param since     when it was taken
 */
public record VmLock(String sessionId, String who, Instant since) {}
