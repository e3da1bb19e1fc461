package dev.monmux.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

/**
 * Writes {@code monmux(1)} from README.md's "Running monmux" section (command line, exit codes,
 * monmux's own log), so that the man page says what the README says and is never edited by hand.
 * {@code mvn package} runs it ({@code target/monmux.1}); {@code make install} installs that.
 *
 * <p>It is build tooling, kept out of monmux.jar: it lives with the tests' code, where commonmark
 * (a CommonMark parser, with GitHub's tables) is a test dependency. A parser rather than a few
 * regular expressions, because the README's inline code, links and escapes must come out right
 * whatever the next edit of that section writes.
 *
 * <p>Usage: {@code ManPage README.md OUT VERSION}.
 */
public final class ManPage {
    /** The README section the page is made of: its {@code ###} headings are the page's sections. */
    public static final String SECTION = "Running monmux";

    /** Further README sections, each one section of the page (titled by its heading). */
    public static final List<String> MORE = List.of("From the host's shell: monmux ctl");

    private final StringBuilder out = new StringBuilder();

    private ManPage() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: ManPage README.md OUT VERSION");
        }
        // SOURCE_DATE_EPOCH: a reproducible build's date (reproducible-builds.org), else today.
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        LocalDate date = epoch == null
                ? LocalDate.now(ZoneOffset.UTC)
                : LocalDate.ofInstant(Instant.ofEpochSecond(Long.parseLong(epoch)), ZoneOffset.UTC);
        String page = render(Files.readString(Path.of(args[0])), args[2], date);
        Path outFile = Path.of(args[1]);
        if (outFile.getParent() != null) {
            Files.createDirectories(outFile.getParent());
        }
        Files.writeString(outFile, page, StandardCharsets.UTF_8);
    }

    /** The man page (roff, {@code -man}) of {@code readme}'s {@link #SECTION}. */
    public static String render(String readme, String version, LocalDate date) {
        Node doc = Parser.builder()
                .extensions(List.of(TablesExtension.create()))
                .build()
                .parse(readme);
        ManPage m = new ManPage();
        m.out.append(".TH MONMUX 1 ")
                .append(date)
                .append(" \"monmux ")
                .append(version)
                .append("\" \"User Commands\"\n");
        m.out.append(".\\\" Generated from README.md (").append(SECTION).append(") by ManPage: edit the README.\n");
        m.out.append(".SH NAME\nmonmux \\- QEMU monitor multiplexer: one QMP connection per VM, shared by many ")
                .append("telnet (HMP) and QMP clients\n");
        m.synopsis(doc);
        // DESCRIPTION: what the README says before its first section (what monmux is for).
        m.out.append(".SH DESCRIPTION\n");
        for (Node n = doc.getFirstChild();
                n != null && !(n instanceof Heading h && h.getLevel() == 2);
                n = n.getNext()) {
            if (!(n instanceof Heading)) {
                m.block(n);
            }
        }
        for (Node n = section(doc, SECTION).getNext();
                n != null && !(n instanceof Heading h && h.getLevel() <= 2);
                n = n.getNext()) {
            m.block(n);
        }
        for (String title : MORE) {
            m.out.append(".SH ").append(quoted(title.toUpperCase(Locale.ROOT))).append('\n');
            for (Node n = section(doc, title).getNext();
                    n != null && !(n instanceof Heading h && h.getLevel() <= 2);
                    n = n.getNext()) {
                m.block(n);
            }
        }
        m.out.append(".SH SEE ALSO\n")
                .append("README.md (installed in share/doc/monmux/) is the whole manual: the configuration, ")
                .append("TLS, users and roles, the audit log and metrics.\n");
        return m.out.toString();
    }

    /**
     * SYNOPSIS: the usage lines of {@code monmux --help}, as the README's {@link #SECTION} shows
     * them (its code block that starts {@code Usage: monmux}); none without such a block.
     */
    private void synopsis(Node doc) {
        for (Node n = section(doc, SECTION).getNext();
                n != null && !(n instanceof Heading h && h.getLevel() <= 2);
                n = n.getNext()) {
            if (n instanceof FencedCodeBlock c && c.getLiteral().startsWith("Usage: monmux")) {
                out.append(".SH SYNOPSIS\n.nf\n");
                for (String line : c.getLiteral().split("\n")) {
                    if (line.isBlank()) {
                        break;
                    }
                    out.append(lineStart(escape(line.replaceFirst("^(Usage:)?\\s+", ""))))
                            .append('\n');
                }
                out.append(".fi\n");
                return;
            }
        }
        // none: no SYNOPSIS (ManPageTest requires the README's)
    }

    /** The {@code ##} heading named {@code title}. */
    private static Node section(Node doc, String title) {
        Node n = doc.getFirstChild();
        while (n != null && !(n instanceof Heading h && h.getLevel() == 2 && title.equals(plain(h)))) {
            n = n.getNext();
        }
        if (n == null) {
            throw new IllegalArgumentException("README.md has no '## " + title + "' section");
        }
        return n;
    }

    private void block(Node n) {
        if (n instanceof Heading h) {
            out.append(h.getLevel() == 3 ? ".SH " : ".SS ")
                    .append(quoted(h.getLevel() == 3 ? plain(h).toUpperCase(Locale.ROOT) : plain(h)))
                    .append('\n');
        } else if (n instanceof Paragraph) {
            out.append(".PP\n");
            lines(inline(n));
        } else if (n instanceof FencedCodeBlock c) {
            code(c.getLiteral());
        } else if (n instanceof IndentedCodeBlock c) {
            code(c.getLiteral());
        } else if (n instanceof TableBlock) {
            table(n);
        } else if (n instanceof BulletList || n instanceof OrderedList) {
            int i = n instanceof OrderedList o ? o.getStartNumber() : 0;
            for (Node item = n.getFirstChild(); item != null; item = item.getNext()) {
                out.append(".IP ")
                        .append(n instanceof OrderedList ? (i++) + "." : "\\(bu")
                        .append(" 3\n");
                listItem((ListItem) item);
            }
        } else {
            throw new IllegalArgumentException("README.md's sections for the man page have a "
                    + n.getClass().getSimpleName() + ", which ManPage does not know");
        }
    }

    private void listItem(ListItem item) {
        boolean first = true;
        for (Node c = item.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof Paragraph) {
                if (!first) {
                    out.append(".IP \"\" 3\n");
                }
                lines(inline(c));
            } else {
                block(c);
            }
            first = false;
        }
    }

    /** A table as tagged paragraphs: the first cell the tag, the others its text. */
    private void table(Node table) {
        for (Node part = table.getFirstChild(); part != null; part = part.getNext()) {
            if (!(part instanceof TableBody)) {
                continue; // the head: its column names say nothing a tagged paragraph needs
            }
            for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                if (!(row instanceof TableRow)) {
                    continue;
                }
                Node cell = row.getFirstChild();
                out.append(".TP\n");
                lines(inline(cell));
                StringBuilder rest = new StringBuilder();
                for (Node c = cell.getNext(); c instanceof TableCell; c = c.getNext()) {
                    rest.append(rest.length() == 0 ? "" : "; ").append(inline(c));
                }
                lines(rest.toString());
            }
        }
    }

    private void code(String literal) {
        out.append(".PP\n.RS 4\n.nf\n");
        for (String line : literal.stripTrailing().split("\n", -1)) {
            out.append(line.isEmpty() ? "\\&" : lineStart(escape(line))).append('\n');
        }
        out.append(".fi\n.RE\n");
    }

    /** Text lines of a paragraph; none may begin with a control character or a space. */
    private void lines(String text) {
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.equals(".br")) {
                out.append(l).append('\n');
            } else if (!l.isEmpty()) {
                out.append(lineStart(l)).append('\n');
            }
        }
    }

    private static String lineStart(String line) {
        return line.startsWith(".") || line.startsWith("'") || line.startsWith(" ") ? "\\&" + line : line;
    }

    private static String inline(Node parent) {
        StringBuilder sb = new StringBuilder();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Text t) {
                sb.append(escape(t.getLiteral()));
            } else if (n instanceof Code c) {
                sb.append("\\fB").append(escape(c.getLiteral())).append("\\fR");
            } else if (n instanceof Emphasis) {
                sb.append("\\fI").append(inline(n)).append("\\fR");
            } else if (n instanceof StrongEmphasis) {
                sb.append("\\fB").append(inline(n)).append("\\fR");
            } else if (n instanceof SoftLineBreak) {
                sb.append('\n');
            } else if (n instanceof HardLineBreak) {
                sb.append("\n.br\n");
            } else if (n instanceof Link l && l.getDestination().startsWith("#")) {
                sb.append(inline(n)).append(" in README.md"); // a section of the README
            } else {
                sb.append(inline(n)); // a link: its text
            }
        }
        return sb.toString();
    }

    /** Text of a heading, without formatting. */
    private static String plain(Node parent) {
        StringBuilder sb = new StringBuilder();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            sb.append(n instanceof Text t ? t.getLiteral() : n instanceof Code c ? c.getLiteral() : plain(n));
        }
        return sb.toString();
    }

    /**
     * roff's escapes: a backslash is {@code \e}; every '-' a minus, so that options copy as typed;
     * a character beyond ASCII is named by its code point ({@code \[u2192]}), as troff reads bytes
     * as Latin-1 unless told otherwise.
     */
    private static String escape(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        StringBuilder sb = new StringBuilder(t.length());
        t.codePoints().forEach(cp -> {
            if (cp < 0x80) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format(Locale.ROOT, "\\[u%04X]", cp));
            }
        });
        return sb.toString();
    }

    private static String quoted(String s) {
        return "\"" + escape(s).replace("\"", "\\(dq") + "\"";
    }
}
