package dev.monmux;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

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
        int code = run(List.of(args), System.out, System.err);
        System.exit(code);
    }

    /** Runs a command; for {@code run} it blocks until the process is told to stop. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
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
