package dev.monmux.hmp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monmux.qmp.QemuVersion;
import dev.monmux.qmp.QmpJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One QEMU version's HMP command table for qemu-system-x86_64 (top-level commands and
 * {@code info} sub-commands), loaded from {@code qemu-MAJOR.MINOR.json}, which
 * {@code scripts/gen-hmp-table.py} generates from that version's build. Lists are kept in QEMU's
 * {@code help} order (sorted by name, as QEMU sorts its tables at start-up).
 *
 * <p>A table may be {@linkplain #corrected corrected} for a VM whose version has no table of its
 * own: the nearest lower version's, with the command set of the VM's own {@code help}.
 */
public final class HmpTable {
    private static final Map<QemuVersion, HmpTable> LOADED = new ConcurrentHashMap<>();

    private final List<HmpCommand> commands;
    private final Set<String> keyNames;
    private final String source;
    private final QemuVersion version;
    private final boolean corrected;
    /** For the table and each sub-table ({@code info}): every name and alias, first entry wins. */
    private final Map<List<HmpCommand>, Map<String, HmpCommand>> byName = new IdentityHashMap<>();

    HmpTable(List<HmpCommand> commands, Set<String> keyNames, String source, QemuVersion version, boolean corrected) {
        this.commands = commands;
        this.keyNames = keyNames;
        this.source = source;
        this.version = version;
        this.corrected = corrected;
        index(commands);
    }

    private void index(List<HmpCommand> table) {
        Map<String, HmpCommand> names = new HashMap<>();
        for (HmpCommand c : table) {
            for (String n : c.names()) {
                names.putIfAbsent(n, c);
            }
            if (c.hasSubCommands()) {
                index(c.subCommands());
            }
        }
        byName.put(table, names);
    }

    /**
     * The entry of {@code table} (this table or one of its sub-tables) that answers to
     * {@code typed}, as {@link #find(List, String)} but by one hash lookup (the parser asks on
     * every line).
     */
    public Optional<HmpCommand> lookup(List<HmpCommand> table, String typed) {
        Map<String, HmpCommand> names = byName.get(table);
        return names != null ? Optional.ofNullable(names.get(typed)) : find(table, typed);
    }

    /** The table shipped for {@code version} (exactly); fails when there is none. */
    public static HmpTable of(QemuVersion version) {
        return LOADED.computeIfAbsent(version, HmpTable::load);
    }

    /** The table of QEMU 7.2, the version of Debian bookworm. */
    public static HmpTable qemu72() {
        return of(new QemuVersion(7, 2));
    }

    static String resource(QemuVersion v) {
        return "/dev/monmux/hmp/qemu-" + v + ".json";
    }

    private static HmpTable load(QemuVersion v) {
        String resource = resource(v);
        try (InputStream in = HmpTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no HMP table for QEMU " + v + " (" + resource + ")");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HmpTable parse(String json, QemuVersion version) throws IOException {
        JsonNode root = QmpJson.MAPPER.readTree(json);
        List<String> keys = new ArrayList<>();
        root.path("qkeycodes").forEach(k -> keys.add(k.asText()));
        return new HmpTable(
                entries(root.path("commands")),
                Set.copyOf(keys),
                root.path("source").asText(),
                version,
                false);
    }

    private static List<HmpCommand> entries(JsonNode array) {
        List<HmpCommand> out = new ArrayList<>();
        for (JsonNode e : array) {
            out.add(new HmpCommand(
                    e.path("names").asText(),
                    e.path("args").asText(),
                    e.path("params").asText(),
                    e.path("help").asText(),
                    e.path("available").asBoolean(true),
                    entries(e.path("sub"))));
        }
        return sorted(out);
    }

    /** QEMU sorts its tables with strcmp on the table name; UTF-8 bytes = chars for these ASCII names. */
    private static List<HmpCommand> sorted(List<HmpCommand> list) {
        List<HmpCommand> out = new ArrayList<>(list);
        out.sort(Comparator.comparing(HmpCommand::tableName));
        return List.copyOf(out);
    }

    /**
     * This table with the command set of a VM's own {@code help} and {@code help info}: commands
     * the VM lists that the table lacks are known by name only (QEMU reads their arguments),
     * commands the table has that the VM does not list are gone (a line naming one is answered
     * as QEMU answers an unknown command).
     */
    public HmpTable corrected(HelpListing vm) {
        List<HmpCommand> top = correct(commands, vm.commands());
        List<HmpCommand> withInfo = new ArrayList<>();
        for (HmpCommand c : top) {
            if (c.name().equals("info")) {
                List<HmpCommand> sub = c.hasSubCommands() ? c.subCommands() : List.of();
                withInfo.add(new HmpCommand(
                        c.tableName(),
                        c.argsType(),
                        c.params(),
                        c.help(),
                        c.available(),
                        correct(sub, vm.infoCommands())));
            } else {
                withInfo.add(c);
            }
        }
        return new HmpTable(
                List.copyOf(withInfo), keyNames, source + ", command set corrected from the VM's help", version, true);
    }

    private static List<HmpCommand> correct(List<HmpCommand> table, List<HelpListing.Entry> listed) {
        Set<String> listedNames = new HashSet<>();
        listed.forEach(e -> listedNames.add(e.tableName()));
        List<HmpCommand> out = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (HmpCommand c : table) {
            if (listedNames.contains(c.tableName())) {
                out.add(c);
                known.add(c.tableName());
            }
        }
        for (HelpListing.Entry e : listed) {
            if (!known.contains(e.tableName())) {
                out.add(new HmpCommand(e.tableName(), null, e.params(), e.help(), true, List.of()));
            }
        }
        return sorted(out);
    }

    /** The QEMU version this table is (or was corrected from). */
    public QemuVersion version() {
        return version;
    }

    /** Whether the command set was corrected from a VM's help (its version has no table of its own). */
    public boolean corrected() {
        return corrected;
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

    @Override
    public String toString() {
        return "HMP table of QEMU " + version + (corrected ? " (corrected)" : "");
    }
}
