package dev.monmux.hmp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.monmux.qmp.QmpJson;

/**
 * QEMU 7.2's HMP command table for qemu-system-x86_64 (top-level commands and {@code info}
 * sub-commands), loaded from {@code hmp-commands.json}, which {@code scripts/gen-hmp-table.py}
 * generates from the QEMU build. Lists are kept in QEMU's {@code help} order (sorted by name,
 * as QEMU sorts its tables at start-up).
 */
public final class HmpTable {
    private static final String RESOURCE = "/dev/monmux/hmp/hmp-commands.json";
    private static volatile HmpTable qemu72;

    private final List<HmpCommand> commands;
    private final Set<String> keyNames;
    private final String source;

    HmpTable(List<HmpCommand> commands, Set<String> keyNames, String source) {
        this.commands = commands;
        this.keyNames = keyNames;
        this.source = source;
    }

    /** The table shipped with monmux (QEMU 7.2, x86). */
    public static HmpTable qemu72() {
        HmpTable t = qemu72;
        if (t == null) {
            try (InputStream in = HmpTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                t = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            qemu72 = t;
        }
        return t;
    }

    static HmpTable parse(String json) throws IOException {
        JsonNode root = QmpJson.MAPPER.readTree(json);
        List<String> keys = new ArrayList<>();
        root.path("qkeycodes").forEach(k -> keys.add(k.asText()));
        return new HmpTable(entries(root.path("commands")), Set.copyOf(keys), root.path("source").asText());
    }

    private static List<HmpCommand> entries(JsonNode array) {
        List<HmpCommand> out = new ArrayList<>();
        for (JsonNode e : array) {
            out.add(new HmpCommand(e.path("names").asText(), e.path("args").asText(), e.path("params").asText(),
                    e.path("help").asText(), e.path("available").asBoolean(true), entries(e.path("sub"))));
        }
        // QEMU sorts its tables with strcmp on the table name; UTF-8 bytes = chars for these ASCII names
        out.sort(Comparator.comparing(HmpCommand::tableName));
        return List.copyOf(out);
    }

    /** Top-level commands, in {@code help} order. */
    public List<HmpCommand> commands() {
        return commands;
    }

    /** The {@code info} sub-commands, in {@code help info} order. */
    public List<HmpCommand> infoCommands() {
        return find(commands, "info").map(HmpCommand::subCommands).orElse(List.of());
    }

    /** QEMU's search_dispatch_table: the entry one of whose names is exactly {@code typed}. */
    public static Optional<HmpCommand> find(List<HmpCommand> table, String typed) {
        for (HmpCommand c : table) {
            if (c.answersTo(typed)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** QKeyCode names {@code sendkey} accepts. */
    public boolean isKeyName(String name) {
        return keyNames.contains(name);
    }

    /** Where the table came from (the QEMU build). */
    public String source() {
        return source;
    }
}
