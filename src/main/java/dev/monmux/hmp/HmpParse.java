package dev.monmux.hmp;

import java.util.Map;

/** What {@link HmpParser} made of one line. Messages end with {@code \n}, as QEMU prints them. */
public sealed interface HmpParse {

    /** Nothing but blanks: QEMU does nothing. */
    record Blank() implements HmpParse {
    }

    /** No such command ({@code unknown command: 'foo'}). */
    record Unknown(String message) implements HmpParse {
    }

    /** A line that names a command; {@link #name()} is canonical ({@code quit}, {@code info status}). */
    sealed interface Known extends HmpParse {
        HmpCommand command();

        String name();
    }

    /** The build lists the command but has no handler for it. */
    record Unavailable(HmpCommand command, String name, String message) implements Known {
    }

    /** The arguments are wrong; the message is QEMU's, {@code Try "help ..."} line included. */
    record Invalid(HmpCommand command, String name, String message) implements Known {
    }

    /** Arguments parsed exactly as QEMU would, by their args_type keys. */
    record Parsed(HmpCommand command, String name, Map<String, Object> args) implements Known {
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
    record Unparsed(HmpCommand command, String name) implements Known {
    }

    /** An {@code x}/{@code xp}/{@code print} format ({@code /10i}); null fields take QEMU's defaults. */
    record Format(int count, Character format, Integer size) {
    }
}
