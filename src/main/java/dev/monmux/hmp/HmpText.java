package dev.monmux.hmp;

/** HMP output as QEMU writes it. */
final class HmpText {
    private HmpText() {
    }

    /** monitor_puts: every {@code \n} goes out as {@code \r\n}. */
    static String crlf(String text) {
        return text.replace("\n", "\r\n");
    }
}
