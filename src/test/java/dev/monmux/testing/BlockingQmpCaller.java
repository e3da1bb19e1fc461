package dev.monmux.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.qmp.QmpCaller;
import dev.monmux.qmp.QmpErrorException;
import dev.monmux.qmp.VmLinkException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link QmpCaller} over a {@link DirectQmpClient}: each call is made synchronously on the
 * caller's thread, so tests can run plans against a real QEMU without a VmLink.
 */
public final class BlockingQmpCaller implements QmpCaller {
    private final DirectQmpClient client;
    private int calls;

    public BlockingQmpCaller(DirectQmpClient client) {
        this.client = client;
    }

    /** How many QMP commands went out through this caller. */
    public int calls() {
        return calls;
    }

    @Override
    public CompletableFuture<JsonNode> call(String command, ObjectNode arguments) {
        calls++;
        try {
            JsonNode reply = client.execute(command, arguments);
            if (reply.has("error")) {
                JsonNode e = reply.get("error");
                return CompletableFuture.failedFuture(new QmpErrorException(
                        e.path("class").asText(), e.path("desc").asText()));
            }
            return CompletableFuture.completedFuture(reply.get("return"));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new VmLinkException(VmLinkException.Reason.LOST, e.getMessage()));
        }
    }
}
