package dev.monmux.session;

import java.util.concurrent.CompletableFuture;

import dev.monmux.qmp.QmpCaller;
import dev.monmux.qmp.QmpJson;

/** Sends every HMP line through {@code human-monitor-command}, the output verbatim. */
public final class PassthroughHmpRunner implements HmpRunner {
    @Override
    public CompletableFuture<String> run(String line, QmpCaller qmp, Integer cpuIndex) {
        var args = QmpJson.object().put("command-line", line);
        if (cpuIndex != null) {
            args.put("cpu-index", cpuIndex);
        }
        return qmp.call("human-monitor-command", args).thenApply(r -> r.asText());
    }
}
