package dev.monmux.hmp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** What {@link HmpParser} made of one line. Messages end with {@code \n}, as QEMU prints them. */
public sealed interface HmpParse {

    /** Nothing but blanks: QEMU does nothing. */
    record Blank() implements HmpParse {}

    /** No such command ({@code unknown command: 'foo'}). */
    record Unknown(String message) implements HmpParse {}

    /** A line that names a command; {@link #name()} is canonical ({@code quit}, {@code info status}). */
    sealed interface Known extends HmpParse {
        HmpCommand command();

        String name();
    }

    /** The build lists the command but has no handler for it. */
    record Unavailable(HmpCommand command, String name, String message) implements Known {}

    /** The arguments are wrong; the message is QEMU's, {@code Try "help ..."} line included. */
    record Invalid(HmpCommand command, String name, String message) implements Known {}

    /** Where an argument was in the line: bytes {@code [start, end)} of its UTF-8 text. */
    record Span(int start, int end) {}

    /**
     * Arguments parsed exactly as QEMU would, by their args_type keys.
     *
     * @param source the line's UTF-8 bytes, as QEMU reads them (up to a NUL)
     * @param spans  where each string argument was in {@code source}
     */
    record Parsed(HmpCommand command, String name, Map<String, Object> args, byte[] source, Map<String, Span> spans)
            implements Known {
        public Parsed(HmpCommand command, String name, Map<String, Object> args) {
            this(command, name, args, new byte[0], Map.of());
        }

        /**
         * The line with the text of some string arguments replaced, the rest as typed (flags,
         * quotes and spacing kept): {@code set_password vnc [redacted]}.
         */
        public String withArguments(Map<String, String> replacements) {
            List<Map.Entry<Span, String>> edits = new ArrayList<>();
            replacements.forEach((key, text) -> {
                Span sp = spans.get(key);
                if (sp != null) {
                    edits.add(Map.entry(sp, text));
                }
            });
            edits.sort(Comparator.comparingInt(e -> e.getKey().start()));
            ByteArrayOutputStream out = new ByteArrayOutputStream(source.length + 16);
            int at = 0;
            for (Map.Entry<Span, String> e : edits) {
                if (e.getKey().start() < at) {
                    continue;
                }
                out.write(source, at, e.getKey().start() - at);
                out.writeBytes(e.getValue().getBytes(StandardCharsets.UTF_8));
                at = e.getKey().end();
            }
            out.write(source, at, source.length - at);
            return out.toString(StandardCharsets.UTF_8);
        }

        public String string(String key) {
            return args.get(key) instanceof String s ? s : null;
        }

        public boolean flag(String key) {
            return Boolean.TRUE.equals(args.get(key));
        }

        public Long number(String key) {
            return args.get(key) instanceof Long l ? l : null;
        }
    }

    /**
     * The command is known, but only QEMU can read its arguments (CPU registers in an
     * expression, QemuOpts, sizes): send the line as it is.
     */
    record Unparsed(HmpCommand command, String name) implements Known {}

    /** An {@code x}/{@code xp}/{@code print} format ({@code /10i}); null fields take QEMU's defaults. */
    record Format(int count, Character format, Integer size) {}
}
