package dev.monmux.qmp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * QEMU's checks of a request's shape (qapi/qmp-dispatch.c {@code qmp_dispatch_check_obj}), in
 * QEMU's order: members are visited in QDict order and the first problem is reported.
 */
public final class QmpRequestCheck {
    private QmpRequestCheck() {}

    /**
     * @param allowOob whether {@code exec-oob} is allowed (the client negotiated {@code oob})
     * @return QEMU's error text, or null when the request is well formed
     */
    public static String problem(ObjectNode request, boolean allowOob) {
        boolean hasExec = false;
        for (Map.Entry<String, JsonNode> e : QdictOrder.ordered(request)) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("execute") || name.equals("exec-oob") && allowOob) {
                if (!v.isTextual()) {
                    return "QMP input member '" + name + "' must be a string";
                }
                if (hasExec) {
                    return "QMP input member '" + name + "' clashes with '"
                            + (name.equals("execute") ? "exec-oob" : "execute") + "'";
                }
                hasExec = true;
            } else if (name.equals("arguments")) {
                if (!v.isObject()) {
                    return "QMP input member 'arguments' must be an object";
                }
            } else if (!name.equals("id")) {
                return "QMP input member '" + name + "' is unexpected";
            }
        }
        return hasExec ? null : "QMP input lacks member 'execute'";
    }

    /** {@code exec-oob} without {@code execute} (qmp_is_oob). */
    public static boolean isOob(ObjectNode request) {
        return request.has("exec-oob") && !request.has("execute");
    }
}
