package dev.monmux.hmp;

/** HMP output as QEMU writes it. */
final class HmpText {
    private HmpText() {}

    /** monitor_puts: every {@code \n} goes out as {@code \r\n}. */
    static String crlf(String text) {
        return text.replace("\n", "\r\n");
    }

    /** The first line of {@code text}, without its line end ({@code \n} or {@code \r\n}). */
    static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String l = nl < 0 ? text : text.substring(0, nl);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }
}
