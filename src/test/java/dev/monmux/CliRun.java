package dev.monmux;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What one run of a command line printed and its exit status, run in this JVM with its streams captured. */
public record CliRun(int code, String out, String err) {
    /** A command line's entry point, given its standard streams. */
    @FunctionalInterface
    public interface Invocation {
        int run(InputStream in, PrintStream out, PrintStream err);
    }

    /** Runs {@code invocation} with {@code stdin} as its input and captures what it prints. */
    public static CliRun capture(String stdin, Invocation invocation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = invocation.run(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code monmux ARGS} with no input and {@code MONMUX_LOG_LEVEL} as given (null: unset). */
    static CliRun monmux(String logLevelEnv, String... args) {
        return capture("", (in, out, err) -> Main.run(List.of(args), in, out, err, logLevelEnv));
    }
}
