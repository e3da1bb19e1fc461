package dev.monmux.session;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Every operator session, for ids, shutdown notices and counts. */
public final class SessionRegistry {
    private final Set<OperatorSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    public String nextId() {
        return "s" + ids.incrementAndGet();
    }

    void add(OperatorSession s) {
        sessions.add(s);
    }

    void remove(OperatorSession s) {
        sessions.remove(s);
    }

    public List<OperatorSession> all() {
        return List.copyOf(sessions);
    }

    public int size() {
        return sessions.size();
    }
}
