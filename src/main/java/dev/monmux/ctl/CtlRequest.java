package dev.monmux.ctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code monmux ctl} command line, read into the request the control socket takes.
 *
 * @param command the subcommand
 * @param asJson  {@code --json}: print JSON, not a table or text
 * @param request what is sent
 */
record CtlRequest(String command, boolean asJson, ObjectNode request) {

    /** The request; null for {@code help}; an {@link IllegalArgumentException} for bad usage. */
    static CtlRequest parse(List<String> args) {
        String cmd = args.get(0);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        ObjectNode r = Ctl.object().put("command", cmd);
        switch (cmd) {
            case "help" -> {
                return null;
            }
            case "list", "reload" -> {
                boolean json = flag(rest, "--json", cmd.equals("list"));
                if (!rest.isEmpty()) {
                    throw new IllegalArgumentException(
                            "usage: monmux ctl " + cmd + (cmd.equals("list") ? " [--json]" : ""));
                }
                return new CtlRequest(cmd, json, r);
            }
            case "who" -> {
                List<String> a = rest;
                boolean json = flag(a, "--json", true);
                if (a.size() > 1) {
                    throw new IllegalArgumentException("usage: monmux ctl who [VM] [--json]");
                }
                if (a.size() == 1) {
                    r.put("vm", a.get(0));
                }
                return new CtlRequest(cmd, json, r);
            }
            case "hmp", "qmp" -> {
                if (rest.size() < 2) {
                    throw new IllegalArgumentException("usage: monmux ctl " + cmd + " VM "
                            + (cmd.equals("hmp")
                                    ? "'LINE' (e.g. 'info status')"
                                    : "'JSON' (e.g. '{\"execute\":\"query-status\"}')"));
                }
                r.put("vm", rest.get(0));
                // Words after the VM are one line, as a shell without quotes splits it.
                r.put(cmd.equals("hmp") ? "line" : "qmp", String.join(" ", rest.subList(1, rest.size())));
                return new CtlRequest(cmd, false, r);
            }
            case "events" -> {
                return events(rest, r);
            }
            default -> throw new IllegalArgumentException("unknown command '" + cmd + "' (see monmux ctl --help)");
        }
    }

    /** The names of one --event; none at all is a mistake, not "every event". */
    private static void addNames(ArrayNode names, String value) {
        int before = names.size();
        for (String n : value.split(",")) {
            if (!n.isBlank()) {
                names.add(n.strip());
            }
        }
        if (names.size() == before) {
            throw new IllegalArgumentException("--event needs a NAME (an event name or glob: STOP, BLOCK_*)");
        }
    }

    private static CtlRequest events(List<String> rest, ObjectNode r) {
        String vm = null;
        boolean json = false;
        ArrayNode names = r.putArray("events");
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--event") && i + 1 < rest.size()) {
                addNames(names, rest.get(++i));
            } else if (a.startsWith("--event=")) {
                addNames(names, a.substring("--event=".length()));
            } else if (a.startsWith("-")) {
                throw new IllegalArgumentException(
                        a.equals("--event")
                                ? "--event needs a NAME (an event name or glob: STOP, BLOCK_*)"
                                : "unknown option '" + a + "' (see monmux ctl --help)");
            } else if (vm == null) {
                vm = a;
            } else {
                throw new IllegalArgumentException("usage: monmux ctl events VM [--event NAME]... [--json]");
            }
        }
        if (vm == null) {
            throw new IllegalArgumentException("usage: monmux ctl events VM [--event NAME]... [--json]");
        }
        r.put("vm", vm);
        return new CtlRequest("events", json, r);
    }

    /** Removes {@code flag} from {@code args}; true if it was there (only where {@code allowed}). */
    private static boolean flag(List<String> args, String flag, boolean allowed) {
        if (!allowed) {
            return false;
        }
        boolean found = false;
        for (int i = args.size() - 1; i >= 0; i--) {
            if (args.get(i).equals(flag)) {
                args.remove(i);
                found = true;
            }
        }
        return found;
    }
}
