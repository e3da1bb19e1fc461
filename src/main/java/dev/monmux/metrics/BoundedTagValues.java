package dev.monmux.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a metric tag's distinct values bounded: the first {@code max} values are used as they are,
 * any later new value becomes {@code other}. Values are also cut to 64 characters.
 */
final class BoundedTagValues {
    static final String OTHER = "other";
    private static final int MAX_LENGTH = 64;

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    BoundedTagValues(int max) {
        this.max = max;
    }

    String tag(String value) {
        if (value == null || value.isEmpty()) {
            return "unknown";
        }
        String v = value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value;
        if (seen.contains(v)) {
            return v;
        }
        synchronized (seen) {
            if (seen.size() < max) {
                seen.add(v);
                return v;
            }
        }
        return OTHER;
    }

    int size() {
        return seen.size();
    }
}
