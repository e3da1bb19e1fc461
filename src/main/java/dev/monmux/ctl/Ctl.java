package dev.monmux.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code monmux ctl}: monmux from the host's shell and scripts, through the control socket. Output
 * fits pipes: what QEMU or monmux answers on stdout, monmux's refusals and notices on stderr, no
 * prompts, no colours; the exit status says how it went.
 */
public final class Ctl {
    public static final int OK = 0;
    /** QEMU answered with an error (or a reload failed). */
    public static final int ERROR = 1;
    /** monmux refused: bad usage, no such VM, no access, a lock. */
    public static final int REFUSED = 2;
    /** The VM is down, or did not answer in time; or monmux closed the connection before answering. */
    public static final int DOWN = 3;
    /** monmux cannot be reached (not running, wrong socket, no permission on it). */
    public static final int UNREACHABLE = 4;

    public static final String DEFAULT_SOCKET = "/run/monmux/control.sock";
    public static final String SOCKET_ENV = "MONMUX_CONTROL_SOCKET";

    public static final String HELP = String.join(
            "\n",
            "Usage: monmux ctl [--socket PATH] COMMAND [ARGS]",
            "",
            "Commands:",
            "  list [--json]                VMs: link, run state, QEMU version, operators, lock holder",
            "  who [VM] [--json]            the operators attached (to VM, or to every VM)",
            "  hmp VM 'LINE'                run an HMP line, print QEMU's output (LINE -: from stdin)",
            "  qmp VM 'JSON'                run a QMP command, print QEMU's reply (JSON -: from stdin)",
            "  events VM [--event NAME]... [--json]",
            "                               print VM's events as they come (names or globs: STOP, BLOCK_*)",
            "  reload                       re-read monmux's configuration file",
            "",
            "Options:",
            "  -s, --socket PATH            the control socket (default: $" + SOCKET_ENV + ", else " + DEFAULT_SOCKET
                    + ")",
            "",
            "Exit codes: 0 ok; 1 QEMU error (reload: the file did not validate or apply); 2 refused or bad",
            "            usage; 3 VM down, no answer in time, or the stream ended; 4 monmux cannot be reached",
            "");

    private Ctl() {}

    /** As {@link #run(List, Map, InputStream, PrintStream, PrintStream)} with nothing on stdin. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, InputStream.nullInputStream(), out, err);
    }

    /**
     * Runs {@code monmux ctl ARGS}; {@code env} is the environment (for the socket's path);
     * {@code in} gives the line of {@code hmp VM -} and the command of {@code qmp VM -}.
     */
    public static int run(
            List<String> args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        Path socket = Path.of(env.getOrDefault(SOCKET_ENV, DEFAULT_SOCKET));
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty() && rest.get(0).startsWith("-")) {
            String a = rest.remove(0);
            if (a.equals("-h") || a.equals("--help")) {
                out.print(HELP);
                return OK;
            } else if (a.startsWith("--socket=")) {
                socket = Path.of(a.substring("--socket=".length()));
            } else if ((a.equals("-s") || a.equals("--socket")) && !rest.isEmpty()) {
                socket = Path.of(rest.remove(0));
            } else if (a.equals("-s") || a.equals("--socket")) {
                return usage(err, a + " needs a PATH");
            } else {
                return usage(err, "unknown option '" + a + "' (see monmux ctl --help)");
            }
        }
        if (rest.isEmpty()) {
            err.print(HELP);
            return REFUSED;
        }
        CtlRequest req;
        try {
            req = CtlRequest.parse(rest);
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        if (req == null) {
            out.print(HELP);
            return OK;
        }
        String field = req.command().equals("hmp") ? "line" : "qmp";
        if (req.request().path(field).asText().equals("-")) {
            // A line with a secret in it (set_password ...) is not for the process list: from stdin.
            try {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
                if (field.equals("line") && lines.size() > 1) {
                    // One command per run, as its exit status is one command's: not the first line silently.
                    return usage(
                            err,
                            "hmp VM - reads one line from stdin, and there are " + lines.size()
                                    + " (run monmux ctl once for each)");
                }
                req.request().put(field, field.equals("line") ? (lines.isEmpty() ? "" : lines.get(0)) : text.strip());
            } catch (IOException e) {
                return usage(err, "cannot read stdin: " + e.getMessage());
            }
        }
        try (ControlConnection c = ControlConnection.open(socket)) {
            c.send(req.request());
            return req.command().equals("events") ? follow(c, req, out, err) : answer(c, req, out, err);
        } catch (IOException e) {
            err.println("monmux ctl: " + e.getMessage());
            return UNREACHABLE;
        }
    }

    private static int usage(PrintStream err, String message) {
        err.println("monmux ctl: " + message);
        return REFUSED;
    }

    /** One answer: printed as the command asks, its status the exit status. */
    private static int answer(ControlConnection c, CtlRequest req, PrintStream out, PrintStream err)
            throws IOException {
        JsonNode a = c.next();
        if (a == null) {
            // The request was sent: a command may have reached QEMU. Not "unreachable", which
            // a script may retry safely; as "down": the answer did not come.
            err.println("monmux ctl: monmux closed the connection before answering (is it stopping?); "
                    + (req.command().equals("hmp") || req.command().equals("qmp")
                            ? "the command may or may not have run"
                            : "try again"));
            return DOWN;
        }
        String status = a.path("status").asText();
        if (!status.equals("ok") && !status.equals("error")) {
            // monmux's own word (a refusal, the VM down): one line, named as monmux's.
            String why = a.hasNonNull("error") ? a.path("error").asText() : text(a).strip();
            err.println("monmux ctl: " + (why.isEmpty() ? status : why));
            return code(status);
        }
        switch (req.command()) {
            case "list" -> out.print(req.asJson() ? json(a.path("vms")) : CtlTables.vms(a.path("vms")));
            case "who" ->
                out.print(req.asJson() ? json(a.path("operators")) : CtlTables.operators(a.path("operators")));
            case "qmp" -> out.print(text(a)); // QEMU's reply, an error too: JSON for the pipe
            default -> (status.equals("ok") ? out : err).print(text(a));
        }
        out.flush();
        return code(status);
    }

    /** Events until monmux closes the connection (the VM was removed, monmux stops) or ^C. */
    private static int follow(ControlConnection c, CtlRequest req, PrintStream out, PrintStream err)
            throws IOException {
        JsonNode first = c.next();
        if (first == null) {
            err.println("monmux ctl: monmux closed the connection before answering (is it stopping?)");
            return DOWN;
        }
        if (!first.path("status").asText().equals("ok")) {
            err.println("monmux ctl: " + first.path("error").asText("refused"));
            return code(first.path("status").asText());
        }
        for (JsonNode m = c.next(); m != null; m = c.next()) {
            if (m.has("event")) {
                out.println(
                        req.asJson()
                                ? ControlConnection.JSON.writeValueAsString(m.get("event"))
                                : m.path("line").asText());
                out.flush();
                if (out.checkError()) {
                    return OK; // the reader went away (| head -1): done, as after ^C, quietly
                }
            } else if (m.has("notice")) {
                err.println("monmux ctl: " + m.path("notice").asText());
            }
        }
        err.println("monmux ctl: monmux ended the event stream");
        return DOWN;
    }

    private static String text(JsonNode a) {
        return a.path("text").asText("").replace("\r\n", "\n");
    }

    private static String json(JsonNode n) throws IOException {
        return ControlConnection.JSON.writeValueAsString(n) + "\n";
    }

    private static int code(String status) {
        return switch (status) {
            case "ok" -> OK;
            case "error" -> ERROR;
            case "down" -> DOWN;
            default -> REFUSED;
        };
    }

    /** For the request line: {@link ObjectNode} of the command. */
    static ObjectNode object() {
        return ControlConnection.JSON.createObjectNode();
    }
}
