package dev.monmux.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the YAML config into {@link MonmuxConfig}. Anything it does not understand is an error
 * that names the key path and the line: a typo in a key must never be silently ignored.
 */
public final class ConfigLoader {
    private final ObjectMapper mapper;

    public ConfigLoader() {
        SimpleModule module = new SimpleModule("monmux-config");
        module.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                try {
                    return Durations.parse(p.getValueAsString(p.getText()));
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage());
                }
            }
        });
        this.mapper = YAMLMapper.builder(YAMLFactory.builder().build())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .addModule(module)
                .build();
    }

    /** Loads and validates {@code file}; the exception's message is one line fit for an operator. */
    public MonmuxConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir);
    }

    /** Parses YAML text; {@code source} names it in error messages; a usersFile is relative to the working directory. */
    public MonmuxConfig parse(String yaml, String source) throws ConfigException {
        return parse(yaml, source, Path.of(""));
    }

    /** Parses YAML text; a relative {@code usersFile} is read from {@code baseDir}. */
    public MonmuxConfig parse(String yaml, String source, Path baseDir) throws ConfigException {
        if (yaml.isBlank()) {
            throw new ConfigException(source + ": the file is empty (at least 'vms:' is required)");
        }
        MonmuxConfig c = read(yaml, source, MonmuxConfig.class);
        if (c == null) {
            throw new ConfigException(source + ": the file is empty (at least 'vms:' is required)");
        }
        if (c.usersFile() != null) {
            Path file = baseDir.resolve(c.usersFile());
            try {
                c = c.withUsers(loadUsers(file, source));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + ": " + e.getMessage());
            }
        }
        return c;
    }

    /** The file a {@code usersFile:} key names: {@code users: [{name, password, role, vms}, ...]}. */
    public record UsersFile(List<UserConfig> users) {
        public UsersFile {
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    private List<UserConfig> loadUsers(Path file, String referrer) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(referrer + ": usersFile " + file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(referrer + ": usersFile " + file + ": cannot read: " + e.getMessage());
        }
        UsersFile u = text.isBlank() ? null : read(text, file.toString(), UsersFile.class);
        if (u == null || u.users().isEmpty()) {
            throw new ConfigException(file + ": no users (expected 'users:' with at least one entry)");
        }
        return u.users();
    }

    private <T> T read(String yaml, String source, Class<T> type) throws ConfigException {
        try {
            return mapper.readValue(yaml, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null
                    ? ""
                    : e.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", "));
            String path = path(e.getPath().subList(0, e.getPath().size() - 1));
            throw new ConfigException(source + where(keyLine(yaml, e.getPropertyName(), tokenLocation(e)))
                    + "unknown key '" + e.getPropertyName() + "'" + (path.isEmpty() ? "" : " in " + path)
                    + (known.isEmpty() ? "" : " (known keys: " + known + ")"));
        } catch (JsonMappingException e) {
            JsonParseException syntax = syntaxError(e);
            if (syntax != null) {
                throw new ConfigException(source + where(syntax.getLocation()) + "not valid YAML: " + oneLine(syntax));
            }
            String path = path(e.getPath());
            throw new ConfigException(
                    source + where(e.getLocation()) + (path.isEmpty() ? "" : path + ": ") + problem(e));
        } catch (JsonParseException e) {
            throw new ConfigException(source + where(e.getLocation()) + "not valid YAML: " + oneLine(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + where(e.getLocation()) + e.getOriginalMessage());
        }
    }

    /** Renders the config back to YAML (for {@code check-config --print}). */
    public String toYaml(MonmuxConfig config) {
        try {
            return mapper.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the offending token starts (the parser's own location is already past it). */
    private static JsonLocation tokenLocation(JsonMappingException e) {
        if (e.getProcessor() instanceof JsonParser p && p.currentTokenLocation() != null) {
            return p.currentTokenLocation();
        }
        return e.getLocation();
    }

    /**
     * The line of an unknown key. Jackson reports where it stopped reading, which for YAML is often
     * past the key's value (the next line); look back from there for the key itself.
     */
    private static int keyLine(String yaml, String key, JsonLocation reported) {
        String[] lines = yaml.split("\\R", -1);
        int from = reported == null ? lines.length : Math.min(reported.getLineNr(), lines.length);
        Pattern keyAt = Pattern.compile("(^|[\\s{,\\-])['\"]?" + Pattern.quote(key) + "['\"]?\\s*:");
        for (int i = from; i >= 1; i--) {
            if (keyAt.matcher(lines[i - 1]).find()) {
                return i;
            }
        }
        return reported == null ? -1 : reported.getLineNr();
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
        return sb.toString();
    }

    private static String where(JsonLocation loc) {
        return where(loc == null ? -1 : loc.getLineNr());
    }

    private static String where(int line) {
        return line < 1 ? ": " : ": line " + line + ": ";
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** The innermost meaningful message: our own validation text rather than Jackson's wrapper. */
    private static String problem(JsonMappingException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof IllegalArgumentException) {
            return t.getMessage();
        }
        String msg = e.getOriginalMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
