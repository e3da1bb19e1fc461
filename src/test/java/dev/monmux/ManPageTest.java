package dev.monmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.docs.ManPage;
import dev.monmux.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code man monmux}, made from README.md's "Running monmux" section: groff renders it without a
 * warning, and it names every command of {@code monmux --help}.
 */
class ManPageTest {
    private record Groff(int code, String out, String err) {}

    private static Groff groff(Path page, String... options) throws IOException, InterruptedException {
        Tools.require("groff", "groff-base");
        List<String> cmd = new ArrayList<>(List.of("groff", "-man", "-Tutf8"));
        cmd.addAll(List.of(options));
        cmd.add(page.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectError(page.resolveSibling(page.getFileName() + ".err").toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Groff(p.exitValue(), out, Files.readString(page.resolveSibling(page.getFileName() + ".err")));
    }

    private static Path page(Path dir, String readme) throws IOException {
        return Files.writeString(dir.resolve("monmux.1"), ManPage.render(readme, "0.1.0", LocalDate.of(2026, 1, 2)));
    }

    /** The commands of Main.HELP: the first word (two for {@code tls init}) of each line under "Commands:". */
    static List<String> helpCommands() {
        String commands = Main.HELP.substring(Main.HELP.indexOf("\nCommands:\n") + 11);
        commands = commands.substring(0, commands.indexOf("\n\n"));
        List<String> names = new ArrayList<>();
        for (String line : commands.split("\n")) {
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                String[] w = line.strip().split(" +");
                names.add(w[0].equals("tls") ? "tls " + w[1] : w[0]);
            }
        }
        return names;
    }

    @Test
    void theReadmesPageRendersWithoutWarningsAndNamesEveryCommand(@TempDir Path dir) throws Exception {
        Path page = page(dir, Files.readString(Path.of("README.md")));
        Groff lint = groff(page, "-ww", "-z");
        assertEquals(0, lint.code(), lint.err());
        assertEquals("", lint.err(), "groff -ww has something to say");

        // -P-cbou: plain text, no escape sequences or overstriking; -rHY=0: no hyphenation that would split a name.
        String text = groff(page, "-P-cbou", "-rHY=0").out();
        assertTrue(text.startsWith("MONMUX(1)"), text);
        List<String> commands = helpCommands();
        assertTrue(
                commands.containsAll(List.of("run", "check-config", "hash-password", "tls init", "help")),
                commands.toString());
        for (String command : commands) {
            assertTrue(text.contains("\n       " + command), "the page describes '" + command + "':\n" + text);
        }
        assertTrue(text.contains("\n           monmux ctl [--socket PATH] COMMAND [ARGS]\n"), "ctl's usage");
        for (String section : List.of(
                "NAME",
                "SYNOPSIS",
                "DESCRIPTION",
                "COMMAND LINE",
                "EXIT CODES",
                "FROM THE HOST'S SHELL: MONMUX CTL",
                "SEE ALSO")) {
            assertTrue(text.contains("\n" + section + "\n"), section);
        }
        // man's order: what to type, then what it is for, then the rest.
        assertTrue(
                text.indexOf("\nSYNOPSIS\n") < text.indexOf("\nDESCRIPTION\n")
                        && text.indexOf("\nDESCRIPTION\n") < text.indexOf("\nCOMMAND LINE\n"),
                text);
        assertTrue(
                text.contains(
                        "SYNOPSIS\n       monmux run --config FILE [--log-level LEVEL]\n       monmux --config FILE"),
                text);
        assertTrue(text.contains("one QMP connection per VM"), "DESCRIPTION is the README's opening");
        assertTrue(
                text.contains("\n                  monmux check-config FILE...\n"),
                "the usage block, as --help prints it");
        assertTrue(
                text.replaceAll("\\s+", " ").contains("(see TLS in README.md)"),
                "a link to a README section says where it goes");
    }

    @Test
    void roffsControlCharactersInTheReadmeStayText(@TempDir Path dir) throws Exception {
        String readme = "# monmux\n\n## Running monmux\n\n### Odd text\n\n"
                + "A line\n.TH that looks like a request, 'and one\n\\fB that is an escape: `a\\b` and `-x`.\n\n"
                + "```sh\n.nf\n  indented \\n\n```\n\n"
                + "- one\n- two, *in italics*, **bold**\n\n"
                + "## From the host's shell: monmux ctl\n\nctl's text\n\n"
                + "## Next section\n\nnot in the page\n";
        Path page = page(dir, readme);
        Groff lint = groff(page, "-ww", "-z");
        assertEquals("", lint.err());
        String text = groff(page, "-P-cbou").out();
        String words = text.replaceAll("\\s+", " ");
        assertTrue(
                words.contains(" A line .TH that looks like a request, 'and one \\fB that is an escape: a\\b and -x. "),
                text);
        assertTrue(text.contains("\n           .nf\n             indented \\n\n"), "verbatim: " + text);
        assertTrue(text.contains("•"), "a bulleted list: " + text);
        assertFalse(text.contains("not in the page"), text);
        assertTrue(text.contains("\nFROM THE HOST'S SHELL: MONMUX CTL\n       ctl's text\n"), text);
    }

    @Test
    void aReadmeWithoutTheSectionIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ManPage.render("# monmux\n\n## Other\n", "0", LocalDate.EPOCH));
        assertEquals("README.md has no '## Running monmux' section", e.getMessage());
    }
}
