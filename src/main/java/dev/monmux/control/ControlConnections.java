package dev.monmux.control;

import java.util.HashMap;
import java.util.Map;

/**
 * How many clients the control socket serves at once, in all and per Unix user
 * ({@code limits.maxClients}, {@code limits.maxClientsPerAddress}: one local user is one
 * "address"), so that no local user can use up monmux's file descriptors or memory.
 */
final class ControlConnections {
    private final int max;
    private final int perUser;
    private final Map<Integer, Integer> byUid = new HashMap<>();
    private int total;

    ControlConnections(int max, int perUser) {
        this.max = max;
        this.perUser = perUser;
    }

    /** Counts one more client of {@code uid}, unless that is one too many. */
    synchronized boolean admit(int uid) {
        int mine = byUid.getOrDefault(uid, 0);
        if (total >= max || mine >= perUser) {
            return false;
        }
        byUid.put(uid, mine + 1);
        total++;
        return true;
    }

    /** One admitted client of {@code uid} is gone. */
    synchronized void release(int uid) {
        int mine = byUid.getOrDefault(uid, 0);
        if (mine <= 1) {
            byUid.remove(uid);
        } else {
            byUid.put(uid, mine - 1);
        }
        total = Math.max(0, total - 1);
    }
}
