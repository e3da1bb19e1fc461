package dev.monmux.qmp;

import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sends one QMP command to a VM and completes with its {@code "return"} value.
 *
 * <p>The future fails with {@link QmpErrorException} when QEMU answered with an {@code "error"},
 * and with {@link VmLinkException} when the command could not be answered at all (VM down, link
 * lost, timeout). Callers never see QMP ids: the link owns them.
 */
@FunctionalInterface
public interface QmpCaller {
    /**
     * @param command   the QMP command name, e.g. {@code query-status}
     * @param arguments the {@code "arguments"} object, or {@code null} for none
     */
    CompletableFuture<JsonNode> call(String command, ObjectNode arguments);
}
