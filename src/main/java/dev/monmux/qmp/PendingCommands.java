package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * Commands written to QEMU and not yet answered, keyed by the proxy's own id. Confined to the
 * link's event loop: no locking.
 */
final class PendingCommands {
    /** One command in flight: the caller's original id is restored on the reply. */
    static final class Entry {
        final long id;
        final String command;
        final JsonNode callerId;
        final CompletableFuture<ObjectNode> reply;
        final boolean outOfBand;
        ScheduledFuture<?> timeout;

        Entry(long id, String command, JsonNode callerId, CompletableFuture<ObjectNode> reply, boolean outOfBand) {
            this.id = id;
            this.command = command;
            this.callerId = callerId;
            this.reply = reply;
            this.outOfBand = outOfBand;
        }
    }

    private final Map<Long, Entry> byId = new TreeMap<>();

    int size() {
        return byId.size();
    }

    void add(Entry e) {
        byId.put(e.id, e);
    }

    Entry remove(long id) {
        Entry e = byId.remove(id);
        if (e != null && e.timeout != null) {
            e.timeout.cancel(false);
        }
        return e;
    }

    /**
     * The oldest in-band command still waiting, or null: QEMU answers in-band commands in order,
     * so a reply that lost its id (QEMU could not read the request's JSON) is this one's.
     */
    Entry oldestInBand() {
        for (Entry e : byId.values()) {
            if (!e.outOfBand) {
                return e;
            }
        }
        return null;
    }

    /** Fails every pending command with {@code error} and forgets them. */
    void failAll(RuntimeException error) {
        List<Entry> all = new ArrayList<>(byId.values());
        byId.clear();
        for (Entry e : all) {
            if (e.timeout != null) {
                e.timeout.cancel(false);
            }
            e.reply.completeExceptionally(error);
        }
    }
}
