package dev.monmux;

import dev.monmux.auth.PasswordHash;
import dev.monmux.config.ConfigException;
import dev.monmux.config.ConfigLoader;
import dev.monmux.config.MonmuxConfig;
import dev.monmux.ctl.Ctl;
import dev.monmux.tls.TlsContexts;
import dev.monmux.tls.TlsInit;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The command line. Exit codes: 0 success, 1 runtime failure (e.g. a port in use), 2 bad usage
 * or a config file that does not pass validation.
 *
 * <p>Its length is the subcommands and their usage texts.
 */
public final class Main {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    static final String HELP = String.join(
            "\n",
            "Usage: monmux run --config FILE [--log-level LEVEL]",
            "       monmux --config FILE [--log-level LEVEL]",
            "       monmux check-config FILE...",
            "       monmux ctl [--socket PATH] COMMAND [ARGS] (monmux ctl --help lists them)",
            "       monmux hash-password [--iterations N]",
            "       monmux tls init DIR --host NAME... [--client NAME]... [--days N] [--force]",
            "       monmux version | --version",
            "       monmux help | --help",
            "",
            "monmux keeps one QMP connection per QEMU VM and lets many operators (telnet, nc: HMP as at",
            "QEMU's '(qemu) ' prompt) and QMP clients share it. See README.md.",
            "",
            "Commands:",
            "  run                  run in the foreground until SIGTERM or SIGINT (then stop gracefully)",
            "  check-config FILE... validate each config file, print 'FILE: OK (N VMs)' or the error",
            "  ctl COMMAND          talk to a running monmux through its control socket: list, who, hmp,",
            "                       qmp, events, reload (see monmux ctl --help)",
            "  hash-password        read a password (prompt without echo, or one line from stdin) and",
            "                       print its hash for users[].password",
            "  tls init DIR         write a CA, a server certificate for each --host (DNS name or IP) and a",
            "                       client certificate for each --client (a user's name) in DIR; print the",
            "                       tls: line for the config",
            "  version              print the version",
            "  help                 print this text",
            "",
            "Options:",
            "  -c, --config FILE    the config file (YAML); 'monmux --config FILE' is 'monmux run --config FILE'",
            "  --log-level LEVEL    error, warn, info, debug or trace; overrides MONMUX_LOG_LEVEL and log.level",
            "  --iterations N       hash-password: PBKDF2 iterations (default " + PasswordHash.DEFAULT_ITERATIONS + ")",
            "  --host NAME          tls init: a name or IP address clients connect to (repeat for more)",
            "  --client NAME        tls init: a client certificate whose CN is NAME (repeat for more)",
            "  --days N             tls init: days the server and client certificates last (default "
                    + TlsInit.LEAF_VALIDITY.toDays() + ")",
            "  --force              tls init: replace files that exist",
            "  -h, --help           print this text",
            "  -V, --version        print the version",
            "",
            "Environment:",
            "  MONMUX_LOG_LEVEL     the log level when --log-level is not given",
            "  JAVA_OPTS            JVM options, read by the bin/monmux wrapper script",
            "",
            "Exit codes:",
            "  0  success; run: stopped by SIGTERM or SIGINT",
            "  1  runtime failure, e.g. a port already in use",
            "  2  bad usage, or a config file that does not validate (the message names the key and line)",
            "");

    private Main() {}

    public static void main(String[] args) {
        int code = run(List.of(args), System.in, System.out, System.err);
        System.exit(code);
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** Runs a command; for {@code run} it blocks until the process is told to stop. */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, out, err, System.getenv(Logging.ENV));
    }

    /** As {@link #run(List, InputStream, PrintStream, PrintStream)} with {@code MONMUX_LOG_LEVEL} given. */
    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err, String logLevelEnv) {
        if (args.isEmpty()) {
            err.print(HELP);
            return USAGE;
        }
        String cmd = args.get(0);
        switch (cmd) {
            case "--help", "-h", "help":
                if (args.size() > 1) {
                    return usage(err, "help takes no arguments");
                }
                out.print(HELP);
                return OK;
            case "--version", "-V", "version":
                if (args.size() > 1) {
                    return usage(err, cmd + " takes no arguments");
                }
                out.println("monmux " + Version.get());
                return OK;
            case "check-config":
                if (args.size() < 2) {
                    return usage(err, "usage: monmux check-config FILE...");
                }
                return checkConfig(args.subList(1, args.size()), out, err);
            case "ctl":
                return Ctl.run(args.subList(1, args.size()), System.getenv(), in, out, err);
            case "hash-password":
                return hashPassword(args.subList(1, args.size()), in, out, err);
            case "run":
                return run(args.subList(1, args.size()), err, logLevelEnv);
            case "tls":
                return TlsInitCommand.run(args.subList(1, args.size()), out, err);
            default:
                if (cmd.startsWith("-")) {
                    return run(args, err, logLevelEnv); // `monmux --config FILE`
                }
                return usage(err, "unknown command '" + cmd + "' (see monmux --help)");
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("monmux: " + message);
        return USAGE;
    }

    private static int run(List<String> options, PrintStream err, String logLevelEnv) {
        RunOptions o;
        try {
            o = RunOptions.parse(options);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        MonmuxConfig config;
        ConfigLoader.Checked checked;
        try {
            checked = new ConfigLoader().loadAndCheck(o.config());
            config = checked.config();
            if (!checked.errors().isEmpty()) {
                checked.errors().forEach(e -> err.println("monmux: " + e));
                return USAGE;
            }
            loadTls(checked, o.config());
        } catch (ConfigException e) {
            err.println("monmux: " + e.getMessage());
            return USAGE;
        }
        try {
            Logging.apply(Logging.level(o.logLevel(), logLevelEnv, config.log()));
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        // What check-config fails on but need not stop a start (a user for VMs a reload may add).
        checked.warnings().forEach(w -> LoggerFactory.getLogger(Main.class).warn("{}", w));
        return serve(config, o.config(), err);
    }

    /** The options of {@code run}: {@code --config FILE} (required) and {@code --log-level LEVEL}. */
    record RunOptions(Path config, String logLevel) {
        static RunOptions parse(List<String> args) {
            String config = null;
            String level = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String name = a.contains("=") && a.startsWith("--") ? a.substring(0, a.indexOf('=')) : a;
                String value;
                if (!name.equals(a)) {
                    value = a.substring(a.indexOf('=') + 1);
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                    value = args.get(++i);
                } else {
                    value = null;
                }
                switch (name) {
                    case "--config", "-c" -> {
                        if (value == null || value.isEmpty()) {
                            throw new IllegalArgumentException(name + " needs a FILE");
                        }
                        if (config != null) {
                            throw new IllegalArgumentException("--config given twice");
                        }
                        config = value;
                    }
                    case "--log-level" -> {
                        if (value == null || value.isEmpty()) {
                            throw new IllegalArgumentException(
                                    "--log-level needs a LEVEL (error, warn, info, debug, trace)");
                        }
                        level = value;
                    }
                    default ->
                        throw new IllegalArgumentException(
                                a.startsWith("-")
                                        ? "unknown option '" + a + "' (see monmux --help)"
                                        : "unexpected argument '" + a + "' (see monmux --help)");
                }
            }
            if (config == null) {
                throw new IllegalArgumentException("usage: monmux run --config FILE [--log-level LEVEL]");
            }
            return new RunOptions(Path.of(config), level);
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
        Console console = in == System.in ? System.console() : null;
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

    /**
     * Checks every file (not only up to the first bad one), each as {@code run} would and against
     * this host; prints every problem of a file, one per line; exit 2 if any does not validate.
     */
    private static int checkConfig(List<String> files, PrintStream out, PrintStream err) {
        int code = OK;
        for (String f : files) {
            Path file = Path.of(f);
            try {
                ConfigLoader.Checked checked = new ConfigLoader().loadAndCheck(file);
                List<String> problems = new ArrayList<>(checked.errors());
                problems.addAll(checked.warnings());
                if (!problems.isEmpty()) {
                    problems.forEach(p -> err.println("monmux: " + p));
                    code = USAGE;
                    continue;
                }
                loadTls(checked, file);
                MonmuxConfig c = checked.config();
                out.println(file + ": OK (" + c.vms().size() + " VM" + (c.vms().size() == 1 ? "" : "s") + ")");
            } catch (ConfigException e) {
                err.println("monmux: " + e.getMessage());
                code = USAGE;
            }
        }
        return code;
    }

    /** Reads the TLS files as {@code run} will; a file that is not usable PEM is a config error at its key. */
    private static void loadTls(ConfigLoader.Checked checked, Path file) throws ConfigException {
        try {
            TlsContexts.load(checked.config(), file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw checked.located(e);
        }
    }

    private static int serve(MonmuxConfig config, Path file, PrintStream err) {
        ShutdownWatchdog watchdog = new ShutdownWatchdog(ShutdownWatchdog.deadline(config.shutdownGrace()), err);
        // Handle SIGTERM from before the listeners are bound: a stop that comes as soon as the
        // port answers (systemctl stop right after start) is still an orderly stop, exit 0.
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable restoreSignals = Signals.onTerminate(stopped::countDown);
        Monmux monmux;
        try {
            monmux = Monmux.start(config, file);
        } catch (RuntimeException e) {
            restoreSignals.run();
            err.println("monmux: " + e.getMessage());
            return FAILURE;
        } catch (InterruptedException e) {
            restoreSignals.run();
            Thread.currentThread().interrupt();
            return FAILURE;
        }
        Signals.onHangup(monmux::hangup);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.stopping();
        // Whatever fails now (even a class that can no longer be loaded), the process ends.
        try {
            return monmux.stop() ? OK : FAILURE;
        } catch (Throwable t) {
            err.println("monmux: the stop did not finish cleanly: " + t);
            return FAILURE;
        }
    }
}
