package dev.monmux.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the YAML config into {@link MonmuxConfig}. Anything it does not understand is an error,
 * one line in the words of the file (README, "Errors in the config"):
 * {@code FILE: line L, column C: key.path: expected ..., found ...}, at the key or value that is
 * wrong. A typo in a key must never be silently ignored, and no message names a Java type.
 */
public final class ConfigLoader {
    static final String PORT = "a port number 0-65535";

    /** A record's message that starts with the key it is about: {@code "port: expected ..."}. */
    private static final Pattern KEYED =
            Pattern.compile("([A-Za-z][A-Za-z0-9]*(?:\\[\\d+]|\\.[A-Za-z0-9_@$-]+)*): (.*)", Pattern.DOTALL);

    private final ObjectMapper mapper;

    public ConfigLoader() {
        SimpleModule module = new SimpleModule("monmux-config");
        module.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.currentToken().isScalarValue()) {
                    throw MismatchedInputException.from(p, Duration.class, "not a duration");
                }
                try {
                    return Durations.parse(p.getText());
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage(), e);
                }
            }
        });
        this.mapper = YAMLMapper.builder(YAMLFactory.builder().build())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .addModule(module)
                .build();
    }

    /** Loads and validates {@code file}; the exception's message is one line fit for an operator. */
    public MonmuxConfig load(Path file) throws ConfigException {
        return read(file).config();
    }

    /**
     * Loads {@code file} as {@link #load} does, then checks it against the other listeners and the
     * host ({@link ConfigChecks}): what {@code check-config} and {@code run} do before binding.
     */
    public Checked loadAndCheck(Path file) throws ConfigException {
        Parsed p = read(file);
        Checked c = new Checked(p);
        for (ConfigChecks.Problem problem :
                ConfigChecks.check(p.config(), file.toAbsolutePath().getParent(), c)) {
            (problem.stopsRun() ? c.errors : c.warnings).add(c.located(problem.key() + ": " + problem.message()));
        }
        return c;
    }

    /** Parses YAML text; {@code source} names it in error messages; a usersFile is relative to the working directory. */
    public MonmuxConfig parse(String yaml, String source) throws ConfigException {
        return parse(yaml, source, Path.of(""));
    }

    /** Parses YAML text; a relative {@code usersFile} is read from {@code baseDir}. */
    public MonmuxConfig parse(String yaml, String source, Path baseDir) throws ConfigException {
        return parsed(yaml, source, baseDir).config();
    }

    /**
     * A config that parsed and validated, with what {@code check-config} and {@code run} found
     * when they checked it against the host: {@link #errors} stop both, {@link #warnings} stop
     * {@code check-config} only. Each is one located line.
     */
    public static final class Checked implements ConfigChecks.Keys {
        private final Parsed parsed;
        private final List<String> errors = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private YamlPositions positions;
        private YamlPositions usersPositions;

        private Checked(Parsed parsed) {
            this.parsed = parsed;
        }

        public MonmuxConfig config() {
            return parsed.config();
        }

        /** Problems that {@code run} refuses to start with. */
        public List<String> errors() {
            return List.copyOf(errors);
        }

        /** Problems {@code run} starts with (logged), and {@code check-config} fails on. */
        public List<String> warnings() {
            return List.copyOf(warnings);
        }

        /** {@code e}'s {@code key.path: problem} with the file, line and column of the key. */
        public ConfigException located(ConfigException e) {
            return new ConfigException(located(e.getMessage()), e);
        }

        String located(String keyAndProblem) {
            Matcher m = KEYED.matcher(keyAndProblem);
            if (!m.matches()) {
                return parsed.source() + ": " + keyAndProblem;
            }
            boolean inUsersFile = inUsersFile(m.group(1));
            return render(
                    inUsersFile ? parsed.usersSource() : parsed.source(),
                    positions(inUsersFile).locate(m.group(1)),
                    m.group(2));
        }

        @Override
        public boolean inFile(String keyPath) {
            return positions(inUsersFile(keyPath)).locate(keyPath).exists();
        }

        /** Another key named in a message: {@code metrics.port (line 12)}, or {@code (default)}. */
        @Override
        public String describe(String keyPath) {
            boolean users = inUsersFile(keyPath);
            YamlPositions.Located at = positions(users).locate(keyPath);
            if (!at.exists()) {
                return at.path() + " (default)";
            }
            return at.path() + " (" + (users ? parsed.usersSource() + " " : "") + "line "
                    + at.position().line() + ")";
        }

        private boolean inUsersFile(String keyPath) {
            return parsed.usersYaml() != null && keyPath.matches("users(\\[.*|\\..*)?");
        }

        private YamlPositions positions(boolean usersFile) {
            if (usersFile) {
                if (usersPositions == null) {
                    usersPositions = YamlPositions.of(parsed.usersYaml());
                }
                return usersPositions;
            }
            if (positions == null) {
                positions = YamlPositions.of(parsed.yaml());
            }
            return positions;
        }
    }

    /** A config with the text it came from (and its usersFile's), to point at keys later. */
    private record Parsed(MonmuxConfig config, String source, String yaml, String usersSource, String usersYaml) {}

    private Parsed read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new ConfigException(file + ": cannot read: the file is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parsed(text, file.toString(), dir);
    }

    private Parsed parsed(String yaml, String source, Path baseDir) throws ConfigException {
        if (yaml.isBlank()) {
            throw new ConfigException(source + ": the file is empty (at least 'vms:' is required)");
        }
        MonmuxConfig c = read(yaml, source, MonmuxConfig.class);
        if (c == null) {
            throw new ConfigException(source + ": the file is empty (at least 'vms:' is required)");
        }
        if (c.usersFile() == null) {
            return new Parsed(c, source, yaml, null, null);
        }
        Path file = baseDir.resolve(c.usersFile());
        String usersYaml = readUsersFile(file, source, yaml);
        UsersFile u = usersYaml.isBlank() ? null : read(usersYaml, file.toString(), UsersFile.class);
        if (u == null || u.users().isEmpty()) {
            throw new ConfigException(file + ": no users (expected 'users:' with at least one entry)");
        }
        Parsed withoutUsers = new Parsed(c, source, yaml, file.toString(), usersYaml);
        try {
            return new Parsed(c.withUsers(u.users()), source, yaml, file.toString(), usersYaml);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(new Checked(withoutUsers).located(e.getMessage()), e);
        }
    }

    /** The file a {@code usersFile:} key names: {@code users: [{name, password, role, vms}, ...]}. */
    public record UsersFile(List<UserConfig> users) {
        public UsersFile {
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    private static String readUsersFile(Path file, String referrer, String referrerYaml) throws ConfigException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(
                    referrerAt(referrer, referrerYaml) + "usersFile: cannot read " + file + " (no such file)");
        } catch (IOException e) {
            throw new ConfigException(referrerAt(referrer, referrerYaml) + "usersFile: cannot read " + file + " ("
                    + e.getMessage() + ")");
        }
    }

    private static String referrerAt(String source, String yaml) {
        YamlPositions.Position at = YamlPositions.of(yaml).locate("usersFile").position();
        return source + ": line " + at.line() + ", column " + at.column() + ": ";
    }

    private <T> T read(String yaml, String source, Class<T> type) throws ConfigException {
        try {
            // The whole file's syntax first: binding stops at the first wrong value, and a YAML
            // error after it (a line indented one space short) would be reported as that value.
            try (JsonParser p = mapper.createParser(yaml)) {
                mapper.readTree(p);
                if (p.nextToken() != null) {
                    JsonLocation at = p.currentTokenLocation();
                    throw new ConfigException(
                            source + where(at) + "a second YAML document (after ---); a config file is one document");
                }
            }
        } catch (JsonParseException e) {
            throw syntax(yaml, source, e);
        } catch (IOException e) {
            // not a syntax error (a String read has no other I/O): the binding below says what it is
        }
        try {
            return mapper.readValue(yaml, type);
        } catch (JsonMappingException e) {
            JsonParseException syntax = syntaxError(e);
            if (syntax != null) {
                throw syntax(yaml, source, syntax);
            }
            throw new ConfigException(mappingError(yaml, source, e), e);
        } catch (JsonParseException e) {
            throw syntax(yaml, source, e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + where(e.getLocation()) + "not valid YAML: " + oneLine(e), e);
        }
    }

    /** What a mapping error means in the words of the file, at the key or value that is wrong. */
    private static String mappingError(String yaml, String source, JsonMappingException e) {
        YamlPositions positions = YamlPositions.of(yaml);
        List<Object> path = segments(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null
                    ? ""
                    : u.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", "));
            return render(
                    source,
                    positions.locate(path, true),
                    "unknown key" + (known.isEmpty() ? "" : " (known keys: " + known + ")"));
        }
        IllegalArgumentException invalid = invalidValue(e);
        if (invalid != null) {
            return located(source, positions, path, invalid.getMessage());
        }
        if (e instanceof MismatchedInputException m) {
            Object last = path.isEmpty() ? null : path.get(path.size() - 1);
            YamlPositions.Located at = positions.locate(path, false);
            return render(source, at, "expected " + expected(m.getTargetType(), last) + ", found " + at.found());
        }
        if (e.getCause() instanceof InputCoercionException
                || String.valueOf(e.getOriginalMessage()).contains("out of range")) {
            YamlPositions.Located at = positions.locate(path, false);
            return render(source, at, "expected a whole number no larger than 2147483647, found " + at.found());
        }
        // Not expected from the records; still one line, without the parser's own vocabulary.
        return render(source, positions.locate(path, false), "not a valid value");
    }

    /**
     * A record's message {@code "port: expected ..."} names a key below the record Jackson
     * reports: the message's key joins the path, and the position is that key's.
     */
    private static String located(String source, YamlPositions positions, List<Object> path, String message) {
        Matcher m = KEYED.matcher(message);
        List<Object> full = new ArrayList<>(path);
        String problem = message;
        if (m.matches()) {
            full.addAll(YamlPositions.segments(m.group(1)));
            problem = m.group(2);
        }
        return render(source, positions.locate(full, false), problem);
    }

    /**
     * The one line: {@code FILE: line L, column C: key.path: problem}. A problem that says what
     * was expected but not what was found (a record knows the value, not how it was written) gets
     * the value as the file has it; never for a password.
     */
    private static String render(String source, YamlPositions.Located at, String problem) {
        String p = problem;
        if (p.startsWith("expected ")
                && !p.contains(", found ")
                && !at.path().endsWith("password")
                && (at.found().startsWith("\"") || at.found().equals("nothing"))) {
            p += ", found " + at.found();
        }
        if (at.lookalike() != null) {
            p += " (" + at.lookalike() + ")";
        }
        return source + ": line " + at.position().line() + ", column "
                + at.position().column() + ": " + (at.path().isEmpty() ? "" : at.path() + ": ") + p;
    }

    /** The words for what a key takes, from the type the value was to become. */
    private static String expected(Class<?> type, Object key) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "port".equals(key) ? PORT : "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a single value";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping (key: value)";
        }
        if (type == Duration.class) {
            return Durations.EXPECTED;
        }
        if (type == QmpAddress.class) {
            return QmpAddress.EXPECTED;
        }
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(c -> c.toString().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "));
        }
        return "another kind of value";
    }

    /** Our own validation of a value (a record's constructor, a {@code @JsonCreator}), if that is what failed. */
    private static IllegalArgumentException invalidValue(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IllegalArgumentException i) {
                return i; // the outermost: it may add the key to a library's message
            }
        }
        return null;
    }

    private static ConfigException syntax(String yaml, String source, JsonParseException e) {
        String message = e.getOriginalMessage();
        if (message.startsWith("Expected a field name")) {
            return new ConfigException(
                    source + where(e.getLocation()) + "not valid YAML: a key must be a name, not a list or a mapping",
                    e);
        }
        if (message.contains("(TAB)")) {
            YamlPositions.Position tab = firstTab(yaml, e.getLocation());
            String[] lines = yaml.split("\\R", -1);
            String line = lines[Math.min(tab.line(), lines.length) - 1];
            boolean indent =
                    line.substring(0, Math.min(tab.column() - 1, line.length())).isBlank();
            return new ConfigException(
                    source + ": line " + tab.line() + ", column " + tab.column() + ": "
                            + (indent ? "tabs are not allowed for indentation" : "a tab is not allowed here")
                            + "; use spaces",
                    e);
        }
        JsonParser p = e.getProcessor();
        if (message.startsWith("Duplicate field '") && p != null) {
            String key = message.substring("Duplicate field '".length(), message.lastIndexOf('\''));
            List<Object> path = contextPath(p.getParsingContext());
            path.add(key);
            YamlPositions.Located first = YamlPositions.of(yaml).locate(path, true);
            return new ConfigException(
                    source + where(p.currentTokenLocation()) + first.path() + ": given twice (first on line "
                            + first.position().line() + ")",
                    e);
        }
        return new ConfigException(source + where(e.getLocation()) + "not valid YAML: " + oneLine(e), e);
    }

    /**
     * The tab SnakeYAML stopped at: it reports the end of the line before (a tab that starts line
     * 2 is "line 1"), so look from there for a tab in a line's indentation.
     */
    private static YamlPositions.Position firstTab(String yaml, JsonLocation reported) {
        String[] lines = yaml.split("\\R", -1);
        int from = reported == null ? 0 : Math.max(0, Math.min(reported.getLineNr() - 1, lines.length - 1));
        for (int pass = 0; pass < 2; pass++) {
            for (int i = pass == 0 ? from : 0; i < lines.length; i++) {
                String l = lines[i];
                int indent = 0;
                while (indent < l.length() && (l.charAt(indent) == ' ' || l.charAt(indent) == '\t')) {
                    indent++;
                }
                int tab = l.substring(0, indent).indexOf('\t');
                if (tab < 0 && pass == 1) {
                    tab = l.indexOf('\t');
                }
                if (tab >= 0) {
                    return new YamlPositions.Position(i + 1, tab + 1);
                }
            }
        }
        return reported == null
                ? new YamlPositions.Position(1, 1)
                : new YamlPositions.Position(reported.getLineNr(), reported.getColumnNr());
    }

    /** The key path of the mapping {@code ctx} is reading (the duplicate key's mapping). */
    private static List<Object> contextPath(JsonStreamContext ctx) {
        List<JsonStreamContext> chain = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            chain.add(0, c);
        }
        List<Object> out = new ArrayList<>();
        for (JsonStreamContext c : chain.subList(0, Math.max(0, chain.size() - 1))) {
            if (c.inArray()) {
                out.add(c.getCurrentIndex());
            } else if (c.getCurrentName() != null) {
                out.add(c.getCurrentName());
            }
        }
        return out;
    }

    private static JsonParseException syntaxError(Throwable t) {
        for (; t != null; t = t.getCause()) {
            if (t instanceof JsonParseException p) {
                return p;
            }
        }
        return null;
    }

    /** SnakeYAML's messages span several lines with an excerpt; keep the lines that say what is wrong. */
    private static String oneLine(JsonProcessingException e) {
        StringBuilder sb = new StringBuilder();
        for (String line : e.getOriginalMessage().split("\\R")) {
            if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(line.trim());
        }
        return plainly(sb.toString());
    }

    /** SnakeYAML's words for the mistakes people make most, said as what to fix (its own text after it). */
    private static String plainly(String message) {
        if (message.contains("expected <block end>") || message.contains("mapping values are not allowed here")) {
            return "this line's indentation does not fit the lines above it (" + message + ")";
        }
        if (message.contains("found character '@' that cannot start any token")) {
            return "a key or value starting with @ must be quoted (\"@ops\")";
        }
        if (message.contains("found character '\\t'")) {
            return "a tab is not allowed here; use spaces (" + message + ")";
        }
        return message;
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1
                ? ": "
                : ": line " + loc.getLineNr() + ", column " + Math.max(1, loc.getColumnNr()) + ": ";
    }

    private static List<Object> segments(List<JsonMappingException.Reference> refs) {
        List<Object> out = new ArrayList<>();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                out.add(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.add(r.getIndex());
            }
        }
        return out;
    }
}
