package dev.monmux;

import dev.monmux.tls.TlsInit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code monmux tls init DIR --host NAME... [--client NAME]... [--days N] [--force]}: writes a CA,
 * a server certificate and client certificates ({@link TlsInit}) and prints the {@code tls:} line
 * to paste into the config.
 */
final class TlsInitCommand {
    static final String USAGE = "usage: monmux tls init DIR --host NAME... [--client NAME]... [--days N] [--force]";

    private static final Pattern PLAIN_YAML = Pattern.compile("[A-Za-z0-9/._@+-]+");

    private TlsInitCommand() {}

    /** {@code args} are what follows {@code monmux tls}. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !args.get(0).equals("init")) {
            return usage(
                    err,
                    args.isEmpty()
                            ? USAGE
                            : "unknown command 'tls " + args.get(0) + "' (" + USAGE.substring("usage: ".length())
                                    + ")");
        }
        TlsInit.Request request;
        try {
            request = parse(args.subList(1, args.size()));
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        List<TlsInit.Written> written;
        try {
            written = TlsInit.write(request);
        } catch (FileAlreadyExistsException e) {
            return usage(
                    err, e.getFile() + " exists; give --force to replace it (and the other files tls init writes)");
        } catch (NotDirectoryException e) {
            return usage(err, e.getFile() + " is not a directory");
        } catch (AccessDeniedException e) {
            err.println("monmux: cannot write " + e.getFile() + " (permission denied)");
            return Main.FAILURE;
        } catch (FileSystemException e) {
            err.println(
                    "monmux: cannot write " + e.getFile() + (e.getReason() == null ? "" : " (" + e.getReason() + ")"));
            return Main.FAILURE;
        } catch (IOException e) {
            err.println("monmux: cannot write in " + request.dir() + ": " + e.getMessage());
            return Main.FAILURE;
        }
        print(request, written, out);
        return Main.OK;
    }

    static TlsInit.Request parse(List<String> args) {
        String dir = null;
        List<String> hosts = new ArrayList<>();
        List<String> clients = new ArrayList<>();
        Duration validity = TlsInit.LEAF_VALIDITY;
        boolean force = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.startsWith("--") && a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean takesValue = name.equals("--host") || name.equals("--client") || name.equals("--days");
            String value = null;
            if (!name.equals(a)) {
                value = a.substring(a.indexOf('=') + 1);
            } else if (takesValue && i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                value = args.get(++i);
            }
            if (takesValue && (value == null || value.isEmpty())) {
                throw new IllegalArgumentException(
                        name + " needs " + (name.equals("--days") ? "a number of days" : "a NAME"));
            }
            switch (name) {
                case "--host" -> hosts.add(value);
                case "--client" -> clients.add(value);
                case "--days" -> validity = Duration.ofDays(days(value));
                case "--force" -> {
                    if (!name.equals(a)) {
                        throw new IllegalArgumentException("--force takes no value");
                    }
                    force = true;
                }
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option '" + a + "' (" + USAGE + ")");
                    }
                    if (dir != null) {
                        throw new IllegalArgumentException("unexpected argument '" + a
                                + "' (one DIR; give each host its own --host, each client its own --client)");
                    }
                    dir = a;
                }
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("tls init needs a DIR (" + USAGE + ")");
        }
        return new TlsInit.Request(Path.of(dir), hosts, clients, validity, force);
    }

    private static long days(String value) {
        try {
            long d = Long.parseLong(value);
            if (d >= 1 && d <= 36_500) {
                return d;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--days must be a number of days from 1 to 36500, not '" + value + "'");
    }

    private static void print(TlsInit.Request r, List<TlsInit.Written> written, PrintStream out) {
        Path dir = r.dir().toAbsolutePath().normalize();
        out.println("Wrote in " + dir + ":");
        int width = 0;
        for (TlsInit.Written w : written) {
            width = Math.max(width, w.file().getFileName().toString().length());
        }
        for (TlsInit.Written w : written) {
            out.printf("  %-" + width + "s  %s%n", w.file().getFileName(), w.what());
        }
        String tls = "tls: {cert: " + yaml(dir.resolve(TlsInit.SERVER_CERT)) + ", key: "
                + yaml(dir.resolve(TlsInit.SERVER_KEY));
        out.println();
        out.println("For a listener in the config (listeners.telnet[], vms[].telnet, vms[].qmpListen[] with tcp,");
        out.println("metrics), paste:");
        out.println();
        if (r.clients().isEmpty()) {
            out.println("  " + tls + "}");
        } else {
            out.println("  " + tls + ", clientCa: " + yaml(dir.resolve(TlsInit.CA_CERT)) + ", clientAuth: require}");
            out.println();
            out.println("(clientAuth: optional lets clients without a certificate in too, to log in with a password.)");
        }
        out.println("monmux's user (e.g. monmux) must be able to read " + TlsInit.SERVER_KEY
                + "; check with: monmux check-config FILE");
    }

    /** A path as a YAML scalar: plain when it can be, else single-quoted. */
    private static String yaml(Path p) {
        String s = p.toString();
        return PLAIN_YAML.matcher(s).matches() ? s : "'" + s.replace("'", "''") + "'";
    }

    private static int usage(PrintStream err, String message) {
        err.println("monmux: " + message);
        return Main.USAGE;
    }
}
