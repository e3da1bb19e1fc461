package dev.monmux.control;

import java.util.HashMap;
import java.util.Map;

/**
 * How many clients the control socket serves at once, in all and per Unix user
 * ({@code limits.maxClients}, {@code limits.maxClientsPerAddress}: one local user is one
 * "address"), so that no local user can use up monmux's file descriptors or memory; and how many
 * refusals of one Unix user wait for their answer ({@link #STRANGERS_PER_USER}), so that a local
 * user who may open the socket but is not in {@code control.users} cannot flood the audit log.
 */
final class ControlConnections {
    private final int max;
    private final int perUser;
    /** Refusals of one Unix user that may wait for their answer at once; more are closed at once, not recorded. */
    static final int STRANGERS_PER_USER = 3;

    private final Map<Integer, Integer> byUid = new HashMap<>();
    private final Map<Integer, Integer> strangers = new HashMap<>();
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
        decrement(byUid, uid);
        total = Math.max(0, total - 1);
    }

    /** Counts one more refusal of {@code uid} waiting for its answer, unless that is one too many. */
    synchronized boolean admitRefusal(int uid) {
        int waiting = strangers.getOrDefault(uid, 0);
        if (waiting >= STRANGERS_PER_USER) {
            return false;
        }
        strangers.put(uid, waiting + 1);
        return true;
    }

    /** One refusal of {@code uid} was answered (or its client left). */
    synchronized void releaseRefusal(int uid) {
        decrement(strangers, uid);
    }

    private static void decrement(Map<Integer, Integer> counts, int uid) {
        int n = counts.getOrDefault(uid, 0);
        if (n <= 1) {
            counts.remove(uid);
        } else {
            counts.put(uid, n - 1);
        }
    }
}
