package dev.monmux.command;

import dev.monmux.effect.Effect;
import dev.monmux.qmp.QmpJson;
import java.util.regex.Pattern;

/**
 * For tests that want no HMP table: sends every HMP line through {@code human-monitor-command}
 * and prints QEMU's text verbatim, knowing nothing about the command (so its effect is
 * {@link Effect#DANGEROUS}). monmux itself uses {@code hmp.HmpEngine}.
 */
public final class FallbackHmpPlanner implements HmpPlanner {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,39}");

    @Override
    public CommandPlan plan(String line, Integer cpuIndex, String vmName) {
        var args = QmpJson.object().put("command-line", line);
        if (cpuIndex != null) {
            args.put("cpu-index", cpuIndex);
        }
        return new CommandPlan(
                line,
                roughName(line),
                Effect.DANGEROUS,
                Route.FALLBACK,
                "human-monitor-command",
                args,
                vm -> vm.call("human-monitor-command", args).thenApply(r -> CommandResult.ok(r.asText())));
    }

    private static String roughName(String line) {
        String[] w = line.strip().split("\\s+", 3);
        if (!NAME.matcher(w[0]).matches()) {
            return "unknown";
        }
        if (w[0].equals("info") && w.length > 1 && NAME.matcher(w[1]).matches()) {
            return "info " + w[1];
        }
        return w[0];
    }
}
