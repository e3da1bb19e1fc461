package dev.monmux.hmp;

import dev.monmux.qmp.QmpCaller;
import dev.monmux.qmp.QmpEndpoint;
import dev.monmux.qmp.QmpJson;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code globals:} block {@code info migrate} starts with (migration_global_dump:
 * store-global-state, only-migratable, ...). QMP does not expose these settings, but they are
 * fixed for the life of a QEMU process (command line, machine type), so monmux reads them once
 * per QEMU connection from QEMU's own {@code info migrate} and renders the rest of the command
 * from {@code query-migrate} every time.
 */
final class MigrationGlobals {
    private static final int LINES = 7; // "globals:" and six settings in QEMU 7.2

    private record Known(Object connection, String text) {}

    private final Map<QmpCaller, Known> known = new WeakHashMap<>();

    /** The block, with {@code \r\n} line ends as QEMU returns it. */
    CompletableFuture<String> get(QmpCaller vm) {
        // a new greeting object means a new connection, maybe to a restarted QEMU
        Object connection = vm instanceof QmpEndpoint e ? e.greeting() : null;
        synchronized (known) {
            Known k = known.get(vm);
            if (k != null && connection != null && k.connection() == connection) {
                return CompletableFuture.completedFuture(k.text());
            }
        }
        return vm.call("human-monitor-command", QmpJson.object().put("command-line", "info migrate"))
                .thenApply(r -> {
                    String text = globalsOf(r.asText());
                    if (connection != null) {
                        synchronized (known) {
                            known.put(vm, new Known(connection, text));
                        }
                    }
                    return text;
                });
    }

    private static String globalsOf(String infoMigrate) {
        if (!infoMigrate.startsWith("globals:\r\n")) {
            return "";
        }
        int end = 0;
        for (int i = 0; i < LINES; i++) {
            int nl = infoMigrate.indexOf('\n', end);
            if (nl < 0) {
                return infoMigrate;
            }
            end = nl + 1;
        }
        return infoMigrate.substring(0, end);
    }
}
