package dev.monmux.hmp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an HMP line the way QEMU 7.2 does (monitor/hmp.c: get_command_name,
 * monitor_parse_command, monitor_parse_arguments, get_str, get_expr), byte for byte and with
 * QEMU's error texts. Names are matched exactly (aliases included; QEMU has no prefix matching).
 *
 * <p>Argument types read here: {@code s F B S} (strings), {@code i l M} (expressions),
 * {@code b} (on|off), {@code -x}/{@code -xs} (flags), {@code /} (formats), each with {@code ?}
 * (optional) and {@code i.}. Types only QEMU can read ({@code O} QemuOpts, {@code o} sizes,
 * {@code T} times) and register expressions ({@code $eax}) give {@link HmpParse.Unparsed}.
 *
 * <p>One class for one port: QEMU's recursive-descent functions share the cursor and the order of
 * their checks, which decides which error QEMU prints; split, that order would be spread over
 * files.
 */
public final class HmpParser {
    /** QEMU reads strings into a 1024-byte buffer: longer ones are cut to 1023 bytes. */
    private static final int STR_MAX = 1023;

    private final HmpTable table;

    public HmpParser(HmpTable table) {
        this.table = table;
    }

    public HmpTable table() {
        return table;
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static final class Fail extends Exception {
        final String message;

        Fail(String message) {
            super(null, null, false, false);
            this.message = message;
        }
    }

    private static final class NeedsQemu extends Exception {
        NeedsQemu() {
            super(null, null, false, false);
        }
    }

    /** Never throws: every line gets a result. */
    public HmpParse parse(String line) {
        return parseCommand(qemuBytes(line), 0, table.commands(), "");
    }

    /**
     * The line as QEMU's HMP reads it. Every line reaches QEMU inside a QMP string, which QEMU's
     * JSON parser turns into modified UTF-8 (qobject/json-parser.c parse_string, util/unicode.c):
     * a U+0000 becomes the two bytes {@code C0 80}, not a NUL that would end the line.
     */
    static byte[] qemuBytes(String line) {
        if (line.indexOf('\0') < 0) {
            return line.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(line.length() + 8);
        int from = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\0') {
                out.writeBytes(line.substring(from, i).getBytes(StandardCharsets.UTF_8));
                out.write(0xC0);
                out.write(0x80);
                from = i + 1;
            }
        }
        out.writeBytes(line.substring(from).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private HmpParse parseCommand(byte[] b, int from, List<HmpCommand> cmds, String prefix) {
        int p = from;
        while (isSpace(at(b, p))) {
            p++;
        }
        if (at(b, p) == 0) {
            return new HmpParse.Blank();
        }
        int start = p;
        while (at(b, p) != 0 && at(b, p) != '/' && !isSpace(at(b, p))) {
            p++;
        }
        String typed = str(b, start, Math.min(p, start + 255));
        Optional<HmpCommand> found = table.lookup(cmds, typed);
        if (found.isEmpty()) {
            return new HmpParse.Unknown("unknown command: '" + str(b, 0, p) + "'\n");
        }
        HmpCommand cmd = found.get();
        String name = prefix + cmd.name();
        while (isSpace(at(b, p))) {
            p++;
        }
        if (cmd.hasSubCommands() && at(b, p) != 0) {
            return parseCommand(b, p, cmd.subCommands(), name + " ");
        }
        if (!cmd.available()) {
            return new HmpParse.Unavailable(cmd, name, "Command \"" + str(b, 0, p) + "\" is not available.\n");
        }
        if (cmd.argsType() == null) {
            // a command of the VM's help that the table lacks: only QEMU reads its arguments
            return new HmpParse.Unparsed(cmd, name);
        }
        int[] pos = {p};
        Map<String, HmpParse.Span> spans = new LinkedHashMap<>();
        try {
            Map<String, Object> args = arguments(b, pos, cmd, spans);
            return new HmpParse.Parsed(cmd, name, args, b, spans);
        } catch (NeedsQemu e) {
            return new HmpParse.Unparsed(cmd, name);
        } catch (Fail f) {
            int end = p;
            while (end > 0 && isSpace(at(b, end - 1))) {
                end--;
            }
            return new HmpParse.Invalid(
                    cmd, name, f.message + "Try \"help " + str(b, 0, end) + "\" for more information\n");
        }
    }

    private Map<String, Object> arguments(byte[] b, int[] pos, HmpCommand cmd, Map<String, HmpParse.Span> spans)
            throws Fail, NeedsQemu {
        Map<String, Object> out = new LinkedHashMap<>();
        String spec = cmd.argsType();
        String cname = cmd.tableName();
        int t = 0;
        int p = pos[0];
        while (true) {
            if (t < spec.length() && spec.charAt(t) == ',') {
                t++;
            }
            int colon = spec.indexOf(':', t);
            if (colon < 0) {
                break;
            }
            String key = spec.substring(t, colon);
            t = colon + 1;
            char c = charAt(spec, t++);
            switch (c) {
                case 'F', 'B', 's' -> {
                    while (isSpace(at(b, p))) {
                        p++;
                    }
                    if (charAt(spec, t) == '?') {
                        t++;
                        if (at(b, p) == 0) {
                            break;
                        }
                    }
                    int[] q = {p};
                    String s = getStr(b, q);
                    if (s == null) {
                        throw new Fail(cname
                                + (c == 'F'
                                        ? ": filename expected\n"
                                        : c == 'B' ? ": block device name expected\n" : ": string expected\n"));
                    }
                    spans.put(key, new HmpParse.Span(skipSpace(b, p), q[0]));
                    p = q[0];
                    out.put(key, s);
                }
                case 'O', 'o', 'T' -> throw new NeedsQemu();
                case '/' -> {
                    while (isSpace(at(b, p))) {
                        p++;
                    }
                    if (at(b, p) == '/') {
                        p++;
                        int count = 1;
                        if (at(b, p) >= '0' && at(b, p) <= '9') {
                            count = 0;
                            while (at(b, p) >= '0' && at(b, p) <= '9') {
                                count = count * 10 + (at(b, p) - '0');
                                p++;
                            }
                        }
                        Integer size = null;
                        Character format = null;
                        boolean more = true;
                        while (more) {
                            int f = at(b, p);
                            switch (f) {
                                case 'o', 'd', 'u', 'x', 'i', 'c' -> {
                                    format = (char) f;
                                    p++;
                                }
                                case 'b' -> {
                                    size = 1;
                                    p++;
                                }
                                case 'h' -> {
                                    size = 2;
                                    p++;
                                }
                                case 'w' -> {
                                    size = 4;
                                    p++;
                                }
                                case 'g', 'L' -> {
                                    size = 8;
                                    p++;
                                }
                                default -> more = false;
                            }
                        }
                        if (at(b, p) != 0 && !isSpace(at(b, p))) {
                            throw new Fail("invalid char in format: '" + cChar(at(b, p)) + "'\n");
                        }
                        out.put(key, new HmpParse.Format(count, format, size));
                    } else {
                        out.put(key, new HmpParse.Format(1, null, null));
                    }
                }
                case 'i', 'l', 'M' -> {
                    while (isSpace(at(b, p))) {
                        p++;
                    }
                    char m = charAt(spec, t);
                    if (m == '?' || m == '.') {
                        if (m == '?') {
                            if (at(b, p) == 0) {
                                t++;
                                break;
                            }
                        } else {
                            if (at(b, p) == '.') {
                                p++;
                                while (isSpace(at(b, p))) {
                                    p++;
                                }
                            } else {
                                t++;
                                break;
                            }
                        }
                        t++;
                    }
                    long val;
                    try {
                        long[] r = HmpExpression.evaluate(b, p);
                        val = r[0];
                        p = (int) r[1];
                    } catch (HmpExpression.ExprError e) {
                        throw new Fail(e.getMessage() + "\n");
                    } catch (HmpExpression.NeedsVm e) {
                        throw new NeedsQemu();
                    }
                    if (c == 'i' && ((val >>> 32) & 0xffffffffL) != 0) {
                        throw new Fail("'" + cname + "' has failed: integer is for 32-bit values\n");
                    } else if (c == 'M') {
                        if (val < 0) {
                            throw new Fail("enter a positive value\n");
                        }
                        val *= 1024L * 1024L;
                    }
                    out.put(key, val);
                }
                case 'b' -> {
                    while (isSpace(at(b, p))) {
                        p++;
                    }
                    int beg = p;
                    while (at(b, p) > 0x20 && at(b, p) < 0x7f) {
                        p++;
                    }
                    String w = str(b, beg, p);
                    if (w.equals("on")) {
                        out.put(key, Boolean.TRUE);
                    } else if (w.equals("off")) {
                        out.put(key, Boolean.FALSE);
                    } else {
                        throw new Fail("Expected 'on' or 'off'\n");
                    }
                }
                case '-' -> {
                    int tmp = p;
                    char opt = charAt(spec, t++);
                    if (opt == 0) {
                        throw new Fail(cname + ": unknown type '-'\n");
                    }
                    while (isSpace(at(b, p))) {
                        p++;
                    }
                    if (at(b, p) == '-') {
                        p++;
                        boolean skip = false;
                        if (opt != at(b, p)) {
                            if (!spec.substring(t).contains(at(b, p) == 0 ? "-" : "-" + cChar(at(b, p)))) {
                                // %c of a NUL prints nothing and cuts the message (its \n too)
                                throw new Fail(cname + ": unsupported option -"
                                        + (at(b, p) == 0 ? "" : cChar(at(b, p)) + "\n"));
                            }
                            skip = true;
                        }
                        if (skip) {
                            p = tmp;
                        } else if (charAt(spec, t) == 's') {
                            t++;
                            int letter = p++;
                            while (isSpace(at(b, p))) {
                                p++;
                            }
                            int[] q = {p};
                            String s = getStr(b, q);
                            if (s == null) {
                                throw new Fail(cname + ": value expected for -" + cChar(at(b, letter)) + "\n");
                            }
                            spans.put(key, new HmpParse.Span(skipSpace(b, p), q[0]));
                            p = q[0];
                            out.put(key, s);
                        } else {
                            p++;
                            out.put(key, Boolean.TRUE);
                        }
                    } else if (charAt(spec, t) == 's') {
                        t++;
                    }
                }
                case 'S' -> {
                    while (isSpace(at(b, p))) {
                        p++;
                    }
                    if (charAt(spec, t) == '?') {
                        t++;
                        if (at(b, p) == 0) {
                            break;
                        }
                    }
                    if (at(b, p) == 0) {
                        throw new Fail(cname + ": string expected\n");
                    }
                    out.put(key, str(b, p, b.length));
                    spans.put(key, new HmpParse.Span(p, b.length));
                    p = b.length;
                }
                default -> throw new Fail(cname + ": unknown type '" + c + "'\n");
            }
        }
        while (isSpace(at(b, p))) {
            p++;
        }
        if (at(b, p) != 0) {
            throw new Fail(cname + ": extraneous characters at the end of line\n");
        }
        pos[0] = p;
        return out;
    }

    /**
     * QEMU's get_str: a word up to a blank, or a double-quoted string with {@code \n \r \\ \' \"}
     * escapes. Returns null where QEMU fails (nothing there, bad escape, no closing quote).
     */
    static String getStr(byte[] b, int[] pos) {
        int p = pos[0];
        while (isSpace(at(b, p))) {
            p++;
        }
        pos[0] = p;
        if (at(b, p) == 0) {
            return null;
        }
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        if (at(b, p) == '"') {
            p++;
            while (at(b, p) != 0 && at(b, p) != '"') {
                int c = at(b, p);
                if (c == '\\') {
                    p++;
                    c = at(b, p);
                    p++;
                    switch (c) {
                        case 'n' -> c = '\n';
                        case 'r' -> c = '\r';
                        case '\\', '\'', '"' -> {}
                        default -> {
                            pos[0] = p;
                            return null;
                        }
                    }
                } else {
                    p++;
                }
                if (q.size() < STR_MAX) {
                    q.write(c);
                }
            }
            if (at(b, p) != '"') {
                pos[0] = p;
                return null;
            }
            p++;
        } else {
            while (at(b, p) != 0 && !isSpace(at(b, p))) {
                if (q.size() < STR_MAX) {
                    q.write(at(b, p));
                }
                p++;
            }
        }
        pos[0] = p;
        return q.toString(StandardCharsets.UTF_8);
    }

    private static int skipSpace(byte[] b, int p) {
        while (isSpace(at(b, p))) {
            p++;
        }
        return p;
    }

    private static int at(byte[] b, int i) {
        return i < b.length ? b[i] & 0xff : 0;
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private static String cChar(int c) {
        return c < 128 ? String.valueOf((char) c) : "\uFFFD";
    }

    private static String str(byte[] b, int from, int to) {
        return new String(b, from, Math.max(0, Math.min(to, b.length) - from), StandardCharsets.UTF_8);
    }
}
