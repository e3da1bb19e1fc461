package dev.monmux.telnet;

/** What {@link TelnetDecoder} makes of the byte stream, besides plain data {@code ByteBuf}s. */
public sealed interface TelnetFrame {
    /** {@code IAC WILL|WONT|DO|DONT option}. */
    record Negotiation(int verb, int option) implements TelnetFrame {
        @Override
        public String toString() {
            return "IAC " + TelnetCodes.verb(verb) + " " + option;
        }
    }

    /** {@code IAC SB option ... IAC SE}, with {@code IAC IAC} already unescaped. */
    record Subnegotiation(int option, byte[] data) implements TelnetFrame {}

    /** A two-byte command such as {@code IAC IP} (interrupt) or {@code IAC NOP}. */
    record Command(int code) implements TelnetFrame {}
}
