package dev.monmux.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One non-blocking raw telnet client of the load generator (plain TCP, no negotiation). After
 * monmux's banner and first prompt it either checks command outputs byte for byte, in order
 * ({@link #send}), or collects event lines ({@code eventMode}). Anything unexpected is reported
 * to {@code onFailure} and the connection is closed.
 */
final class RawClient extends ChannelInboundHandlerAdapter {
    static final byte[] PROMPT = "(qemu) ".getBytes(StandardCharsets.US_ASCII);

    /** What the driver does when things happen; all calls run on the client's event loop. */
    interface Driver {
        void onBanner(RawClient c);

        default void onReply(RawClient c) {}

        default void onEvent(RawClient c, String name, long arrivedMicros) {}
    }

    final int index;
    private final Driver driver;
    private final boolean eventMode;
    private final Consumer<String> onFailure;
    private final ArrayDeque<byte[]> expected = new ArrayDeque<>();
    private ByteBuf in;
    private boolean bannerSeen;
    private boolean closing;
    Channel channel;
    /** Replies checked so far. */
    long replies;

    RawClient(int index, Driver driver, boolean eventMode, Consumer<String> onFailure) {
        this.index = index;
        this.driver = driver;
        this.eventMode = eventMode;
        this.onFailure = onFailure;
    }

    /** Sends a line and expects {@code output} followed by a prompt (event loop or not). */
    void send(String line, String output) {
        byte[] exp = (output + "(qemu) ").getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8);
        if (channel.eventLoop().inEventLoop()) {
            expected.add(exp);
            channel.writeAndFlush(b, channel.voidPromise());
        } else {
            channel.eventLoop().execute(() -> {
                expected.add(exp);
                channel.writeAndFlush(b, channel.voidPromise());
            });
        }
    }

    /** Sends {@code lines} identical lines in one write, each expecting {@code output}. */
    void sendMany(String line, String output, int lines) {
        byte[] exp = (output + "(qemu) ").getBytes(StandardCharsets.UTF_8);
        ByteBuf b = channel.alloc().buffer(lines * (line.length() + 1));
        for (int i = 0; i < lines; i++) {
            b.writeCharSequence(line + "\n", StandardCharsets.UTF_8);
            expected.add(exp);
        }
        channel.writeAndFlush(b, channel.voidPromise());
    }

    int outstanding() {
        return expected.size();
    }

    void close() {
        closing = true;
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        in = ctx.alloc().buffer(1024);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            in.writeBytes(b);
        } finally {
            b.release();
        }
        try {
            parse();
        } catch (BenchFailure e) {
            fail(e.getMessage());
        }
        in.discardSomeReadBytes();
    }

    private void parse() {
        if (!bannerSeen) {
            int p = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(PROMPT), in);
            if (p < 0) {
                return;
            }
            in.readerIndex(p + PROMPT.length);
            bannerSeen = true;
            driver.onBanner(this);
        }
        if (eventMode) {
            parseEvents();
        } else {
            parseReplies();
        }
    }

    private void parseReplies() {
        while (!expected.isEmpty() && in.readableBytes() >= expected.peek().length) {
            byte[] exp = expected.poll();
            int at = in.readerIndex();
            for (int i = 0; i < exp.length; i++) {
                if (in.getByte(at + i) != exp[i]) {
                    throw new BenchFailure("client " + index + ": expected "
                            + RawTelnetSync.quote(new String(exp, StandardCharsets.UTF_8)) + " but got "
                            + RawTelnetSync.quote(
                                    in.toString(at, Math.min(in.readableBytes(), 200), StandardCharsets.UTF_8)));
                }
            }
            in.skipBytes(exp.length);
            replies++;
            driver.onReply(this);
        }
        if (expected.isEmpty() && in.isReadable()) {
            throw new BenchFailure("client " + index + ": unexpected output "
                    + RawTelnetSync.quote(in.toString(StandardCharsets.UTF_8)));
        }
    }

    private void parseEvents() {
        while (true) {
            int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (end < 0) {
                return;
            }
            long arrived = QmpSync.nowMicros();
            String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8)
                    .strip();
            in.readerIndex(end + 1);
            // "[2026-11-26 01:02:03.456] event STOP"
            int ev = line.indexOf("] event ");
            if (!line.startsWith("[") || ev < 0) {
                throw new BenchFailure(
                        "client " + index + ": expected an event line but got " + RawTelnetSync.quote(line));
            }
            driver.onEvent(this, line.substring(ev + 8), arrived);
        }
    }

    private void fail(String why) {
        if (!closing) {
            closing = true;
            onFailure.accept(why);
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (in != null) {
            in.release();
            in = null;
        }
        if (!closing) {
            closing = true;
            onFailure.accept("client " + index + ": monmux closed the connection");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("client " + index + ": " + cause);
    }
}
