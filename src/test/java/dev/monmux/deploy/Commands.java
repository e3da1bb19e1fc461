package dev.monmux.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command line in the project directory and collects its exit code and output. */
final class Commands {
    record Result(int code, String output) {}

    private Commands() {}

    static Result run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // Under `make test` the parent make's flags (-j jobserver, -n, ...) must not reach a nested make.
        pb.environment().keySet().removeAll(java.util.Set.of("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The absolute path of {@code name} on PATH, or null. */
    static Path onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return null;
    }
}
