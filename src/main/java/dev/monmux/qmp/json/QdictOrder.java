package dev.monmux.qmp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The order in which QEMU iterates a QDict, and therefore the order of the members of every JSON
 * object QEMU prints and of the checks it makes on a request (qobject/qdict.c: 512 buckets chosen
 * by {@code tdb_hash(key) % 512}, visited in ascending order; within a bucket the most recently
 * inserted key comes first). monmux writes objects in this order so that a client cannot tell
 * its replies from QEMU's, byte for byte.
 */
public final class QdictOrder {
    private static final int BUCKETS = 512;

    private QdictOrder() {}

    /** QEMU's {@code tdb_hash(key) % QDICT_BUCKET_MAX}, in unsigned 32-bit arithmetic. */
    static int bucket(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        int value = 0x238F13AF * b.length;
        for (int i = 0; i < b.length; i++) {
            value += (b[i] & 0xff) << (i * 5 % 24);
        }
        int hash = 1103515243 * value + 12345;
        return (int) (Integer.toUnsignedLong(hash) % BUCKETS);
    }

    /** The fields of {@code obj} in bucket order, keeping their relative order within a bucket. */
    public static List<Map.Entry<String, JsonNode>> ordered(ObjectNode obj) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(obj.size());
        fields.addAll(obj.properties());
        if (fields.size() > 1) {
            fields.sort(Comparator.comparingInt(e -> bucket(e.getKey()))); // List.sort is stable
        }
        return fields;
    }

    /**
     * Keys in the order QEMU iterates a dict built by inserting {@code insertionOrder} one after
     * the other: by bucket, and most recent first within a bucket.
     */
    static List<String> iteration(List<String> insertionOrder) {
        List<String> reversed = new ArrayList<>(insertionOrder);
        Collections.reverse(reversed);
        reversed.sort(Comparator.comparingInt(QdictOrder::bucket));
        return reversed;
    }
}
