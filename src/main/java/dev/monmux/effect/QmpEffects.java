package dev.monmux.effect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;

/**
 * The class of one QMP request, by its command and, where the command's power depends on them,
 * its arguments. {@code human-monitor-command} is judged by the HMP line inside it.
 */
public final class QmpEffects {
    private final EffectTable table;
    private final Confinement confinement;

    public QmpEffects(EffectTable table, Confinement confinement) {
        this.table = table;
        this.confinement = confinement;
    }

    public Confinement confinement() {
        return confinement;
    }

    /**
     * @param hmpLine the class of an HMP line (for {@code human-monitor-command})
     */
    public Classification classify(String command, ObjectNode args, Function<String, Classification> hmpLine) {
        ObjectNode a = args == null ? JsonNodeFactory.instance.objectNode() : args;
        switch (command) {
            case "human-monitor-command": {
                String inner = a.path("command-line").asText("");
                return inner.isBlank() ? new Classification(Effect.QUERY, "does nothing") : hmpLine.apply(inner);
            }
            case "blockdev-change-medium": {
                String refusal =
                        confinement.mediaRefusal(text(a, "filename"), text(a, "format"), text(a, "read-only-mode"));
                return refusal == null
                        ? new Classification(Effect.CONTROL, "inserts a medium from acl.mediaPaths")
                        : new Classification(Effect.HOST, refusal);
            }
            case "block-stream":
            case "block-commit":
                if (a.has("backing-file")) {
                    return new Classification(Effect.HOST, "writes a new backing file name into an image");
                }
                return table(command);
            case "transaction": {
                Classification most = new Classification(Effect.QUERY, "runs no action");
                JsonNode actions = a.path("actions");
                if (!actions.isArray()) {
                    return table(command);
                }
                for (JsonNode action : actions) {
                    String type = action.path("type").asText("");
                    Classification c = type.equals("abort")
                            ? new Classification(Effect.QUERY, "aborts")
                            : table.qmp(type)
                                    .map(x -> x.because("runs " + type + ", which " + x.why()))
                                    .orElse(Classification.unknown().because("runs an action monmux does not know"));
                    most = most.max(c);
                }
                return most;
            }
            default:
                return table(command);
        }
    }

    private Classification table(String command) {
        return table.qmp(command).orElse(Classification.unknown());
    }

    private static String text(ObjectNode a, String key) {
        JsonNode v = a.get(key);
        return v != null && v.isTextual() ? v.textValue() : v == null ? null : v.toString();
    }
}
