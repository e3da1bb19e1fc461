package dev.monmux.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.config.LimitsConfig;
import dev.monmux.config.TelnetMode;
import dev.monmux.testing.EmbeddedTelnet;
import org.junit.jupiter.api.Test;

class EventFilterTest {
    @Test
    void namesAndGlobsCaseInsensitiveCommasOrSpaces() {
        EventFilter f = EventFilter.parse("STOP,resume BLOCK_*");
        assertTrue(f.shows("STOP") && f.shows("RESUME") && f.shows("BLOCK_IO_ERROR") && f.shows("BLOCK_JOB_READY"));
        assertFalse(f.shows("SHUTDOWN") || f.shows("XBLOCK_IO_ERROR"));
        assertEquals("events shown: STOP,resume,BLOCK_*", f.describe());
        assertTrue(EventFilter.parse("DEVICE_??LETED").shows("DEVICE_DELETED"));
        assertNull(EventFilter.parse("STOP;rm -rf"), "not a name or glob");
        assertNull(EventFilter.parse(" , "), "nothing named");
        assertNull(EventFilter.parse("on,STOP"), "on and off stand alone, not as event names");
        assertNull(EventFilter.parse("STOP off"));
        assertEquals("events are on", EventFilter.ALL.describe());
        assertEquals("events are off", EventFilter.NONE.describe());
    }

    @Test
    void aSessionShowsOnlyTheEventsItAskedFor() {
        EmbeddedTelnet t = new EmbeddedTelnet(TelnetMode.RAW, LimitsConfig.defaults());
        try {
            t.output();
            t.send(".events STOP,BLOCK_*\r\n");
            assertEquals("(qemu) ", t.output());
            t.send(".events\r\n");
            assertEquals("events shown: STOP,BLOCK_*\r\n(qemu) ", t.output());
            for (String e : new String[] {"RESUME", "STOP", "BLOCK_IO_ERROR", "SHUTDOWN"}) {
                t.vm().emit(e);
            }
            t.channel().runPendingTasks();
            String out = t.output();
            assertTrue(out.contains("event STOP") && out.contains("event BLOCK_IO_ERROR"), EmbeddedTelnet.show(out));
            assertFalse(out.contains("event RESUME") || out.contains("event SHUTDOWN"), EmbeddedTelnet.show(out));
            t.send(".events stop;\r\n");
            assertTrue(t.output().startsWith("Error: usage: .events [on|off|NAME,...]"));
            t.send(".events on\r\n.events\r\n");
            assertEquals("(qemu) events are on\r\n(qemu) ", t.output());
        } finally {
            t.close();
        }
    }
}
