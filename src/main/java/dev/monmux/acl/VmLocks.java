package dev.monmux.acl;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds the lock of each VM. A lock gives its holder exclusive use of the VM's control and
 * dangerous commands; queries stay open to everyone. Thread-safe (sessions live on different
 * event loops).
 */
public final class VmLocks {
    /** What an attempt to take a lock came to. */
    public sealed interface Acquired {
        /** @param previous the lock it replaced (a forced lock), or null */
        record Taken(VmLock lock, VmLock previous) implements Acquired {}

        record AlreadyYours(VmLock lock) implements Acquired {}

        record HeldByOther(VmLock holder) implements Acquired {}
    }

    private final Map<String, VmLock> locks = new ConcurrentHashMap<>();

    public Optional<VmLock> holder(String vm) {
        return Optional.ofNullable(locks.get(vm));
    }

    /** Takes the lock unless another session holds it ({@code force}: take it anyway). */
    public Acquired acquire(String vm, String sessionId, String who, boolean force) {
        VmLock mine = new VmLock(sessionId, who, Instant.now());
        Acquired[] result = new Acquired[1];
        locks.compute(vm, (k, cur) -> {
            if (cur == null) {
                result[0] = new Acquired.Taken(mine, null);
                return mine;
            }
            if (cur.sessionId().equals(sessionId)) {
                result[0] = new Acquired.AlreadyYours(cur);
                return cur;
            }
            if (force) {
                result[0] = new Acquired.Taken(mine, cur);
                return mine;
            }
            result[0] = new Acquired.HeldByOther(cur);
            return cur;
        });
        return result[0];
    }

    /** Releases the lock if {@code sessionId} holds it; returns the released lock. */
    public Optional<VmLock> release(String vm, String sessionId) {
        VmLock[] released = new VmLock[1];
        locks.computeIfPresent(vm, (k, cur) -> {
            if (cur.sessionId().equals(sessionId)) {
                released[0] = cur;
                return null;
            }
            return cur;
        });
        return Optional.ofNullable(released[0]);
    }

    /** Drops a VM's lock whoever holds it (the VM was removed). */
    public void clear(String vm) {
        locks.remove(vm);
    }
}
