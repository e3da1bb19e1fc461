package dev.monmux.telnet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Splits a telnet byte stream (RFC 854) into plain data ({@code ByteBuf}, with {@code IAC IAC}
 * unescaped) and {@link TelnetFrame}s. Every IAC sequence is removed from the data, even one
 * split across reads. A subnegotiation longer than the limit is dropped and the decoder goes
 * back to reading data: the server never buffers without bound, and a client that opened a
 * subnegotiation and never closed it gets its session back instead of losing all later input.
 */
public final class TelnetDecoder extends ByteToMessageDecoder {
    private enum State {
        DATA,
        IAC,
        OPTION,
        SB_OPTION,
        SB_DATA,
        SB_IAC
    }

    private static final ByteBuf LITERAL_IAC = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF}).asReadOnly());

    private final int maxSubnegotiation;
    private State state = State.DATA;
    private int verb;
    private int sbOption;
    private final ByteArrayOutputStream sb = new ByteArrayOutputStream();
    private long droppedSubnegotiations;

    public TelnetDecoder(int maxSubnegotiation) {
        this.maxSubnegotiation = maxSubnegotiation;
    }

    /** Subnegotiations dropped for exceeding the limit (for tests and metrics). */
    public long droppedSubnegotiations() {
        return droppedSubnegotiations;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (state == State.DATA) {
                int iac = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) TelnetCodes.IAC);
                int end = iac < 0 ? in.writerIndex() : iac;
                if (end > in.readerIndex()) {
                    out.add(in.readRetainedSlice(end - in.readerIndex()));
                }
                if (iac >= 0) {
                    in.skipBytes(1);
                    state = State.IAC;
                }
                continue;
            }
            int b = in.readUnsignedByte();
            switch (state) {
                case IAC -> iac(b, out);
                case OPTION -> {
                    out.add(new TelnetFrame.Negotiation(verb, b));
                    state = State.DATA;
                }
                case SB_OPTION -> {
                    sbOption = b;
                    sb.reset();
                    state = State.SB_DATA;
                }
                case SB_DATA -> {
                    if (b == TelnetCodes.IAC) {
                        state = State.SB_IAC;
                    } else {
                        sbByte(b);
                    }
                }
                case SB_IAC -> {
                    if (b == TelnetCodes.IAC) {
                        state = State.SB_DATA;
                        sbByte(b);
                    } else {
                        // IAC SE ends it; anything else is a protocol error that also ends it.
                        out.add(new TelnetFrame.Subnegotiation(sbOption, sb.toByteArray()));
                        sb.reset();
                        state = State.DATA;
                        if (b != TelnetCodes.SE) {
                            iac(b, out);
                        }
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private void iac(int b, List<Object> out) {
        switch (b) {
            case TelnetCodes.IAC -> {
                out.add(LITERAL_IAC.duplicate());
                state = State.DATA;
            }
            case TelnetCodes.WILL, TelnetCodes.WONT, TelnetCodes.DO, TelnetCodes.DONT -> {
                verb = b;
                state = State.OPTION;
            }
            case TelnetCodes.SB -> state = State.SB_OPTION;
            default -> {
                out.add(new TelnetFrame.Command(b));
                state = State.DATA;
            }
        }
    }

    private void sbByte(int b) {
        sb.write(b);
        if (sb.size() >= maxSubnegotiation) {
            droppedSubnegotiations++;
            sb.reset();
            state = State.DATA;
        }
    }
}
