package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.effect.EffectTable;
import dev.monmux.testing.DirectQmpClient;
import dev.monmux.testing.QemuBuild;
import dev.monmux.testing.QemuProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every command a real QEMU has, by its own account, has a class in monmux's table: each QMP
 * command in {@code query-commands}, each HMP command and {@code info} sub-command in its
 * {@code help}. A command added by a new QEMU fails here until it is reviewed (meanwhile it is
 * admin-only).
 */
class EffectClassesQemuTest {
    /** {@code cont|c [args] -- help}: the names before the first space. */
    private static final Pattern HELP_LINE =
            Pattern.compile("^(?:info )?([a-z?][a-zA-Z0-9_|?-]*) [^\r\n]*-- ", Pattern.MULTILINE);

    @Test
    void everyQmpAndHmpCommandOfQemu72HasAClass() throws Exception {
        check(QemuBuild.v72());
    }

    @Test
    void everyQmpAndHmpCommandOfQemu100HasAClass() throws Exception {
        check(QemuBuild.v100());
    }

    private static void check(QemuBuild build) throws Exception {
        EffectTable table = EffectTable.shipped();
        try (QemuProcess qemu = QemuProcess.start(build, List.of("-S"));
                DirectQmpClient qmp = DirectQmpClient.connect(qemu.qmpSocket())) {
            List<String> missing = new ArrayList<>();
            JsonNode commands = qmp.execute("query-commands", null).path("return");
            assertTrue(commands.size() > 200, commands.toString());
            for (JsonNode c : commands) {
                String name = c.path("name").asText();
                if (table.qmp(name).isEmpty()) {
                    missing.add("qmp " + name);
                }
            }
            int hmp = 0;
            for (String[] list : List.of(new String[] {"help", ""}, new String[] {"help info", "info "})) {
                Matcher m = HELP_LINE.matcher(qmp.hmp(list[0]));
                while (m.find()) {
                    String name = list[1] + m.group(1).split("\\|")[0];
                    hmp++;
                    if (table.hmp(name).isEmpty()) {
                        missing.add("hmp " + name);
                    }
                }
            }
            assertTrue(hmp > 150, "read " + hmp + " HMP commands from QEMU's help");
            assertEquals(
                    List.of(),
                    missing,
                    "commands of " + qmp.greeting().path("QMP").path("version") + " without a class");
        }
    }
}
