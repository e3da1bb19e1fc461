package dev.monmux.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monmux.effect.Secrets;
import dev.monmux.qmp.Futures;
import dev.monmux.qmp.InOrder;
import dev.monmux.qmp.QmpErrorException;
import dev.monmux.qmp.QmpJson;
import java.util.concurrent.CompletionException;

/**
 * Keeps a secret object's properties from those who may not read secrets. A command that reads
 * an object's properties ({@code qom-get}, by HMP, QMP or inside {@code human-monitor-command})
 * is preceded, in the same turn on the link, by {@code qom-get PATH type}; if QEMU says the
 * object is a secret ({@code secret}, {@code secret_keyring}), the reply is dropped and the
 * command refused. QEMU resolves the path the same way for both (qom/qom-qmp-cmds.c
 * qmp_qom_get), so partial paths and links cannot slip past.
 */
final class SecretReads {
    private SecretReads() {}

    /** The check for a command reading the properties of the object at {@code path}. */
    static InOrder.Precheck guard(String path, String vm) {
        return (link, command) -> {
            ObjectNode args = QmpJson.object().put("path", path).put("property", "type");
            return link.call("qom-get", args).handle((type, err) -> {
                if (err == null && type.isTextual() && !Secrets.isSecretType(type.textValue())) {
                    return null;
                }
                Throwable cause = Futures.cause(err);
                if (err != null && cause instanceof QmpErrorException) {
                    return null; // no such object: the command fails the same way, as QEMU words it
                }
                if (err != null) {
                    throw new CompletionException(cause);
                }
                throw new CommandRefusedException("permission denied: '" + path + "' is a secret object ("
                        + type.asText() + "); reading its properties needs role admin on VM '" + vm + "'");
            });
        };
    }
}
