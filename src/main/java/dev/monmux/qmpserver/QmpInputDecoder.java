package dev.monmux.qmpserver;

import dev.monmux.qmp.json.QmpStreamer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * A QMP client's bytes as QEMU's JSON streamer splits them ({@link QmpStreamer}): one
 * {@link dev.monmux.qmp.json.QmpInput} per message or error. The streamer keeps its state between
 * reads, so a message may arrive in any number of pieces; the session goes on after an error.
 */
public final class QmpInputDecoder extends ByteToMessageDecoder {
    private final QmpStreamer streamer;
    private List<Object> out;

    public QmpInputDecoder(int maxMessageBytes) {
        this.streamer = new QmpStreamer(maxMessageBytes, in -> out.add(in));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        this.out = out;
        try {
            // Bounded by the buffer; the streamer keeps its own state between calls.
            while (in.isReadable()) {
                streamer.feed(in.readByte());
            }
        } finally {
            this.out = null;
        }
    }
}
