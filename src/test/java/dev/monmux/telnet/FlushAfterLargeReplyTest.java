package dev.monmux.telnet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import dev.monmux.testing.EmbeddedTelnet;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The client pipeline's flush consolidation must not defer a flush made outside a read: a large
 * reply written from a task (as replies and events arrive from the VM link's thread) must leave
 * the channel writable for the event queued right behind it, or the event is dropped as if the
 * client had stopped reading (found in review: FlushConsolidationHandler(256, true) did that).
 */
class FlushAfterLargeReplyTest {
    @Test
    void anEventQueuedBehindALargeReplyFindsTheChannelWritable() {
        EmbeddedTelnet t = new EmbeddedTelnet(TelnetMode.RAW, LimitsConfig.defaults());
        EmbeddedChannel ch = t.channel();
        AtomicBoolean writable = new AtomicBoolean();
        int large = LimitsConfig.defaults().outboundHighWaterBytes() * 2;
        ch.eventLoop().execute(() -> ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[large])));
        ch.eventLoop().execute(() -> writable.set(ch.isWritable()));
        ch.runPendingTasks();
        assertTrue(writable.get(), "the large reply was flushed at once");
        t.close();
    }
}
