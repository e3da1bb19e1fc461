package dev.monmux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.monmux.auth.PasswordHash;
import dev.monmux.config.ConfigException;
import dev.monmux.config.ConfigLoader;
import dev.monmux.config.MonmuxConfig;

/**
 * The command line. Exit codes: 0 success, 1 runtime failure (e.g. a port in use), 2 bad usage
 * or a config file that does not pass validation.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    static final String HELP = String.join("\n",
            "Usage: monmux [run] --config FILE     run the proxy",
            "       monmux check-config FILE       validate a config file and exit",
            "       monmux hash-password [--iterations N]",
            "                                      read a password (prompt without echo, or one line",
            "                                      from stdin) and print its hash for users[].password",
            "       monmux version | --version     print the version",
            "       monmux help | --help           this text",
            "",
            "monmux keeps one QMP connection per QEMU VM and lets many operators share it over",
            "telnet (HMP, as at QEMU's '(qemu) ' prompt). See README.md.",
            "",
            "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or invalid config.",
            "");

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(List.of(args), System.in, System.out, System.err);
        System.exit(code);
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs a command; for {@code run} it blocks until the process is told to stop. */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.print(HELP);
            return USAGE;
        }
        String cmd = args.get(0);
        switch (cmd) {
            case "--help", "-h", "help":
                out.print(HELP);
                return OK;
            case "--version", "version":
                out.println("monmux " + Version.get());
                return OK;
            case "check-config":
                if (args.size() != 2) {
                    err.println("monmux: usage: monmux check-config FILE");
                    return USAGE;
                }
                return checkConfig(Path.of(args.get(1)), out, err);
            case "hash-password":
                return hashPassword(args.subList(1, args.size()), in, out, err);
            case "run", "--config":
                List<String> rest = cmd.equals("run") ? args.subList(1, args.size()) : args;
                if (rest.size() != 2 || !rest.get(0).equals("--config")) {
                    err.println("monmux: usage: monmux run --config FILE");
                    return USAGE;
                }
                return serve(Path.of(rest.get(1)), err);
            default:
                err.println("monmux: unknown command '" + cmd + "' (see monmux --help)");
                return USAGE;
        }
    }

    /**
     * Prompts twice without echo on a terminal (java.io.Console); otherwise reads one line from
     * stdin, so {@code echo "$PW" | monmux hash-password} works in scripts.
     */
    private static int hashPassword(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        int iterations = PasswordHash.DEFAULT_ITERATIONS;
        if (args.size() == 2 && args.get(0).equals("--iterations")) {
            try {
                iterations = Integer.parseInt(args.get(1));
            } catch (NumberFormatException e) {
                iterations = -1;
            }
            if (iterations < PasswordHash.MIN_ITERATIONS) {
                err.println("monmux: --iterations must be a number, at least " + PasswordHash.MIN_ITERATIONS);
                return USAGE;
            }
        } else if (!args.isEmpty()) {
            err.println("monmux: usage: monmux hash-password [--iterations N]");
            return USAGE;
        }
        char[] password;
        java.io.Console console = in == System.in ? System.console() : null;
        if (console != null) {
            password = console.readPassword("Password: ");
            char[] again = password == null ? null : console.readPassword("Again: ");
            if (password == null || again == null) {
                err.println("monmux: no password given");
                return USAGE;
            }
            boolean same = Arrays.equals(password, again);
            Arrays.fill(again, '\0');
            if (!same) {
                Arrays.fill(password, '\0');
                err.println("monmux: the passwords differ");
                return USAGE;
            }
        } else {
            try {
                String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    err.println("monmux: no password on stdin");
                    return USAGE;
                }
                password = line.toCharArray();
            } catch (IOException e) {
                err.println("monmux: cannot read the password: " + e.getMessage());
                return FAILURE;
            }
        }
        if (password.length == 0) {
            err.println("monmux: the password is empty");
            return USAGE;
        }
        try {
            out.println(PasswordHash.create(password, iterations).encoded());
        } finally {
            Arrays.fill(password, '\0');
        }
        return OK;
    }

    private static int checkConfig(Path file, PrintStream out, PrintStream err) {
        try {
            MonmuxConfig c = new ConfigLoader().load(file);
            out.println(file + ": OK (" + c.vms().size() + " VM" + (c.vms().size() == 1 ? "" : "s") + ")");
            return OK;
        } catch (ConfigException e) {
            err.println("monmux: " + e.getMessage());
            return USAGE;
        }
    }

    private static int serve(Path file, PrintStream err) {
        MonmuxConfig config;
        try {
            config = new ConfigLoader().load(file);
        } catch (ConfigException e) {
            err.println("monmux: " + e.getMessage());
            return USAGE;
        }
        Monmux monmux;
        try {
            monmux = Monmux.start(config);
        } catch (IllegalStateException e) {
            err.println("monmux: " + e.getMessage());
            return FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILURE;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onHangup(monmux::hangup);
        Signals.onTerminate(() -> {
            monmux.close();
            stopped.countDown();
        });
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }
}
