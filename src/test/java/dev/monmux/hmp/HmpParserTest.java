package dev.monmux.hmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** QEMU's HMP line reading; the error texts are the ones QEMU 7.2.22 prints (see HmpDifferentialCases). */
class HmpParserTest {
    private final HmpParser parser = new HmpParser(HmpTable.qemu72());

    private HmpParse.Parsed parsed(String line) {
        return assertInstanceOf(HmpParse.Parsed.class, parser.parse(line), line);
    }

    private String invalid(String line) {
        return assertInstanceOf(HmpParse.Invalid.class, parser.parse(line), line)
                .message();
    }

    @Test
    void aliasesResolveToTheCanonicalName() {
        assertEquals("quit", parsed("q").name());
        assertEquals("cont", parsed("c").name());
        assertEquals("stop", parsed("s").name());
        assertEquals("help", parsed("?").name());
        assertEquals("info status", parsed("info status").name());
        assertEquals("info", parsed("info").name());
        assertEquals("info", parsed("info   ").name());
    }

    @Test
    void namesMatchExactlyWithoutPrefixes() {
        assertEquals(new HmpParse.Unknown("unknown command: 'sto'\n"), parser.parse("sto"));
        assertEquals(new HmpParse.Unknown("unknown command: 'info stat'\n"), parser.parse("info stat"));
        assertEquals(new HmpParse.Unknown("unknown command: '  foo'\n"), parser.parse("  foo bar"));
        assertEquals(new HmpParse.Unknown("unknown command: 'cont|c'\n"), parser.parse("cont|c"));
        assertInstanceOf(HmpParse.Blank.class, parser.parse(" \t "));
    }

    @Test
    void missingAndExtraArguments() {
        assertEquals("eject: block device name expected\nTry \"help eject\" for more information\n", invalid("eject"));
        assertEquals(
                "stop|s: extraneous characters at the end of line\nTry \"help stop\" for more information\n",
                invalid("stop 1"));
        assertEquals(
                "quit|q: extraneous characters at the end of line\nTry \"help q\" for more information\n",
                invalid("q 1"));
        assertEquals(
                "status: extraneous characters at the end of line\nTry \"help info status\" for more information\n",
                invalid("info status extra"));
        assertEquals("sendkey: string expected\nTry \"help sendkey\" for more information\n", invalid("sendkey"));
        assertEquals("change: filename expected\nTry \"help change\" for more information\n", invalid("change cd0"));
        assertEquals(
                "eject: block device name expected\nTry \"help   eject\" for more information\n", invalid("  eject"));
    }

    @Test
    void flagsAndOptionalArguments() {
        assertEquals(
                Map.of("force", true, "device", "cd0"), parsed("eject -f cd0").args());
        assertEquals(Map.of("device", "cd0"), parsed("eject cd0").args());
        assertEquals(
                "eject: unsupported option -x\nTry \"help eject\" for more information\n", invalid("eject -x cd0"));
        assertEquals(
                Map.of("nodes", true, "verbose", true, "device", "d"),
                parsed("info block -n -v d").args());
        assertEquals(Map.of("verbose", true), parsed("info block -v").args());
        assertEquals(
                Map.of("device", "cd0", "force", true, "target", "/x", "arg", "raw"),
                parsed("change cd0 -f /x raw").args());
        assertEquals(
                Map.of("filename", "/tmp/a.png", "format", "png"),
                parsed("screendump /tmp/a.png -f png").args());
        assertEquals(
                "screendump: value expected for -f\nTry \"help screendump\" for more information\n",
                invalid("screendump /tmp/a -f"));
        assertEquals(Map.of("name", "on", "up", true), parsed("set_link on on").args());
        assertEquals(
                "Expected 'on' or 'off'\nTry \"help set_link\" for more information\n", invalid("set_link n0 yes"));
    }

    @Test
    void quotedStringsAndEscapes() {
        assertEquals("a b", parsed("device_del \"a b\"").string("id"));
        assertEquals("a\"b\\c\nd'", parsed("device_del \"a\\\"b\\\\c\\nd\\'\"").string("id"));
        assertEquals(
                "device_del: string expected\nTry \"help device_del\" for more information\n",
                invalid("device_del \"unterminated"));
        assertEquals(
                "device_del: string expected\nTry \"help device_del\" for more information\n",
                invalid("device_del \"bad\\qescape\""));
        assertEquals(1023, parsed("device_del " + "x".repeat(5000)).string("id").length(), "QEMU's 1024-byte buffer");
        assertEquals("the rest  of it ", parsed("help  the rest  of it ").string("name"));
    }

    @Test
    void expressionsAsQemuEvaluatesThem() {
        assertEquals(3L * 1024 * 1024, parsed("balloon 1+2").number("value"));
        assertEquals(7L << 20, parsed("balloon 1+2*3").number("value"));
        assertEquals(0x10L << 20, parsed("balloon 0x10").number("value"));
        assertEquals(8L << 20, parsed("balloon 010").number("value"), "a leading 0 is octal");
        assertEquals(97L << 20, parsed("balloon 'a'").number("value"));
        assertEquals(((1 | 2) ^ 7L) << 20, parsed("balloon (1|2)^7").number("value"));
        assertEquals(250L, parsed("sendkey a 250").number("hold-time"));
        assertEquals(
                "invalid char 'a' in expression\nTry \"help balloon\" for more information\n", invalid("balloon abc"));
        assertEquals("unexpected end of expression\nTry \"help balloon\" for more information\n", invalid("balloon"));
        assertEquals(
                "unexpected end of expression\nTry \"help balloon\" for more information\n", invalid("balloon 1+"));
        assertEquals("')' expected\nTry \"help balloon\" for more information\n", invalid("balloon (1"));
        assertEquals("division by zero\nTry \"help balloon\" for more information\n", invalid("balloon 1/0"));
        assertEquals(
                "number too large\nTry \"help balloon\" for more information\n",
                invalid("balloon 99999999999999999999"));
        assertEquals("enter a positive value\nTry \"help balloon\" for more information\n", invalid("balloon -1"));
        assertEquals(
                "balloon: extraneous characters at the end of line\nTry \"help balloon\" for more information\n",
                invalid("balloon 0x"));
        assertEquals(
                "'sendkey' has failed: integer is for 32-bit values\nTry \"help sendkey\" for more information\n",
                invalid("sendkey a 99999999999"));
    }

    @Test
    void formats() {
        assertEquals(
                new HmpParse.Format(10, 'i', null), parsed("x/10i 0").args().get("fmt"));
        assertEquals(new HmpParse.Format(1, 'x', 2), parsed("xp /xh 0").args().get("fmt"));
        assertEquals(new HmpParse.Format(1, null, null), parsed("x 0").args().get("fmt"));
        assertEquals("invalid char in format: 'z'\nTry \"help x\" for more information\n", invalid("x/10z 0"));
    }

    @Test
    void whatOnlyQemuCanReadIsLeftToIt() {
        assertInstanceOf(HmpParse.Unparsed.class, parser.parse("balloon $eax"));
        assertInstanceOf(HmpParse.Unparsed.class, parser.parse("device_add e1000,id=n1"));
        assertInstanceOf(HmpParse.Unparsed.class, parser.parse("block_resize d 1G"));
    }

    @Test
    void aNulDoesNotEndTheLine() {
        // QEMU's JSON parser hands HMP a U+0000 as C0 80 (modified UTF-8): the line goes on, so
        // "stop<NUL>garbage" names no command, as QEMU answers it
        assertInstanceOf(HmpParse.Unknown.class, parser.parse("stop\0garbage"));
        assertArrayEquals(new byte[] {'a', (byte) 0xC0, (byte) 0x80, 'b'}, HmpParser.qemuBytes("a\0b"));
    }
}
