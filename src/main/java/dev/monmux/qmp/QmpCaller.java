package dev.monmux.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Sends QMP commands to a VM. Callers never see QMP ids: the link owns them.
 *
 * <p>{@link #call} completes with the {@code "return"} value, or fails with
 * {@link QmpErrorException} when QEMU answered with an {@code "error"}; both fail with
 * {@link VmLinkException} when the command could not be answered at all (VM down, link lost,
 * timeout).
 */
@FunctionalInterface
public interface QmpCaller {
    /**
     * @param command   the QMP command name, e.g. {@code query-status}
     * @param arguments the {@code "arguments"} object, or {@code null} for none
     */
    CompletableFuture<JsonNode> call(String command, ObjectNode arguments);

    /**
     * Sends a complete QMP request and completes with QEMU's whole reply, carrying the caller's
     * own {@code id} (or none). This default builds the reply from {@link #call}; a link sends
     * the request as it is.
     */
    default CompletableFuture<ObjectNode> execute(ObjectNode request) {
        String command = request.hasNonNull("execute")
                ? request.path("execute").asText()
                : request.path("exec-oob").asText();
        ObjectNode args = request.get("arguments") instanceof ObjectNode o ? o : null;
        return call(command, args).handle((r, err) -> {
            ObjectNode reply = QmpJson.object();
            if (err == null) {
                reply.set("return", r);
            } else {
                Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                if (!(t instanceof QmpErrorException q)) {
                    throw err instanceof CompletionException ce ? ce : new CompletionException(t);
                }
                reply.putObject("error").put("class", q.errorClass()).put("desc", q.desc());
            }
            if (request.has("id")) {
                reply.set("id", request.get("id"));
            }
            return reply;
        });
    }
}
