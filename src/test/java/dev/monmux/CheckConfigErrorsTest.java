package dev.monmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import dev.monmux.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invalid configs through {@code monmux check-config} (and {@code run}): each gives exactly the
 * one line README documents, {@code FILE: line L, column C: key.path: problem}, exit status 2,
 * and no Java in it (issue 17, item 3).
 */
class CheckConfigErrorsTest {
    private static final String HASH =
            PasswordHash.create("pw".toCharArray(), 1000).encoded();

    /** What a user must never see: Java types, packages, exception names, Jackson's vocabulary. */
    private static final Pattern JAVA = Pattern.compile("java\\.|dev\\.monmux|\\b(Integer|String|Boolean|Long|"
            + "Duration|LinkedHashMap|HashMap|ArrayList|List|Map|Object|Array|Exception|Cannot|deserialize|"
            + "instance|token|Creator|START_\\w+|VALUE_\\w+)\\b|[A-Z][a-z]+[A-Z][A-Za-z]*(Config|Exception|Address|"
            + "Mode|Kind)\\b|`");

    @TempDir
    Path dir;

    private String vm;

    @BeforeEach
    void setUp() {
        vm = "vms: [{name: a, qmp: 'unix:" + dir.resolve("a.qmp") + "'}]\n";
    }

    private static CliRun run(String... args) {
        return CliRun.monmux("info", args);
    }

    /** Each invalid config (its file name, its text) and the line check-config prints after "monmux: FILE: ". */
    private Map<String, String[]> cases() throws IOException {
        Files.writeString(dir.resolve("server.key"), "not read: the certificate is missing first\n");
        Map<String, String[]> c = new LinkedHashMap<>();
        c.put("port-abc", new String[] {
            "listeners:\n  telnet:\n    port: abc\n" + vm,
            "line 3, column 11: listeners.telnet.port: expected a port number 0-65535, found \"abc\""
        });
        c.put("tab-indent", new String[] {
            "vms:\n\t- {name: a, qmp: 'unix:/x'}\n",
            "line 2, column 1: tabs are not allowed for indentation; use spaces"
        });
        c.put("unknown-key", new String[] {
            vm + "listner:\n  telnet: {port: 4444}\n",
            "line 2, column 1: listner: unknown key (known keys: acl, audit, auth, confirmDangerous, control, hmp, "
                    + "limits, listeners, log, login, metrics, qmp, shutdownGrace, transport, users, usersFile, vms)"
        });
        c.put("wrong-enum", new String[] {
            vm + "transport: foo\n", "line 2, column 12: transport: expected one of auto, epoll, nio, found \"foo\""
        });
        c.put("duplicate-vm", new String[] {
            "vms:\n  - {name: a, qmp: 'unix:/a.qmp'}\n  - {name: a, qmp: 'unix:/b.qmp'}\n",
            "line 3, column 12: vms[1].name: duplicate VM name \"a\" (vms[0] has it too)"
        });
        c.put("telnet-port-is-metrics-port", new String[] {
            "listeners:\n  telnet: {port: 5000}\nmetrics:\n  port: 5000\n" + vm,
            "line 4, column 9: metrics.port: port 5000 on 127.0.0.1 is already taken by listeners.telnet.port "
                    + "(line 2) on 127.0.0.1; each listener needs a port of its own"
        });
        c.put("telnet-port-is-default-metrics-port", new String[] {
            "listeners:\n  telnet: {bind: 0.0.0.0, port: 9464}\nauth: password\nusers: [{name: bob, password: '" + HASH
                    + "', role: admin}]\n" + vm,
            "line 2, column 33: listeners.telnet.port: port 9464 on 0.0.0.0 is already taken by metrics.port "
                    + "(default) on 127.0.0.1; each listener needs a port of its own"
        });
        c.put("qmp-listener-on-a-telnet-port", new String[] {
            "vms:\n  - name: a\n    qmp: unix:/a.qmp\n    telnet: {port: 4501}\n"
                    + "    qmpListen: [{tcp: '127.0.0.1:4501', role: viewer}]\n",
            "line 5, column 23: vms[0].qmpListen[0].tcp: port 4501 on 127.0.0.1 is already taken by "
                    + "vms[0].telnet.port (line 4) on 127.0.0.1; each listener needs a port of its own"
        });
        c.put("control-socket-is-a-qmp-listener", new String[] {
            "vms:\n  - name: a\n    qmp: unix:/a.qmp\n    qmpListen: {unix: " + dir.resolve("m.sock")
                    + ", role: admin}\ncontrol:\n  socket: m.sock\n",
            "line 6, column 11: control.socket: " + dir.resolve("m.sock") + " is already the socket of "
                    + "vms[0].qmpListen.unix (line 4); each listener needs a socket of its own"
        });
        c.put("control-socket-needs-epoll", new String[] {
            vm + "transport: nio\ncontrol:\n  socket: c.sock\n",
            "line 4, column 11: control.socket: needs the epoll transport to know who connects (its peer "
                    + "credentials), but transport is nio; set transport: epoll or auto, or leave control.socket out"
        });
        c.put("control-group-missing", new String[] {
            vm + "control:\n  socket: c.sock\n  group: no-such-group-here\n",
            "line 4, column 10: control.group: there is no Unix group 'no-such-group-here' on this host"
        });
        String deep = "d".repeat(100);
        c.put("socket-path-too-long", new String[] {
            vm + "control:\n  socket: " + deep + "/c.sock\n",
            "line 3, column 11: control.socket: " + dir.resolve(deep + "/c.sock") + " is too long for a unix socket ("
                    + dir.resolve(deep + "/c.sock").toString().length() + " bytes; at most 107)"
        });
        c.put("indented-one-short-after-a-wrong-value", new String[] {
            "vms:\n  - name: a\n    qmp: unix:/a.qmp\n  - name: b\n   qmp: unix:/b.qmp\n",
            "line 5, column 4: not valid YAML: this line's indentation does not fit the lines above it (while "
                    + "parsing a block collection; expected <block end>, but found '<block mapping start>')"
        });
        c.put("misspelt-required-key", new String[] {
            "vms:\n  - name: a\n    qmp: unix:/a.qmp\n    qmpListen: {unix: /tmp/x.sock, roel: admin}\n",
            "line 4, column 5: vms[0].qmpListen.role: expected viewer, operator or admin, found nothing "
                    + "(is 'roel' (line 4) meant as 'role'?)"
        });
        c.put("complex-key", new String[] {
            vm + "? [a, b]\n: 1\n", "line 2, column 4: not valid YAML: a key must be a name, not a list or a mapping"
        });
        c.put("two-documents", new String[] {
            vm + "---\nmetrics: {port: 1}\n",
            "line 3, column 1: a second YAML document (after ---); a config file is one document"
        });
        c.put("number-too-large", new String[] {
            vm + "limits:\n  lineBytes: 99999999999999\n",
            "line 3, column 14: limits.lineBytes: expected a whole number no larger than 2147483647, found "
                    + "\"99999999999999\""
        });
        c.put("control-users-key-no-name", new String[] {
            vm + "control:\n  socket: c.sock\n  users: {\"bad name!\": u}\n",
            "line 4, column 3: control.users: expected a Unix user name or '@' and a Unix group name as each key, "
                    + "found \"bad name!\""
        });
        c.put("unquoted-at", new String[] {
            vm + "control:\n  socket: c.sock\n  users: {@ops: a}\n",
            "line 4, column 11: not valid YAML: a key or value starting with @ must be quoted (\"@ops\")"
        });
        c.put("audit-directory-missing", new String[] {
            vm + "audit:\n  path: " + dir.resolve("no/such/dir/audit.jsonl") + "\n",
            "line 3, column 9: audit.path: the directory " + dir.resolve("no/such/dir") + " does not exist"
        });
        c.put("tls-file-unreadable", new String[] {
            vm + "listeners:\n  telnet:\n    port: 0\n    tls: {cert: server.crt, key: server.key}\n",
            "line 5, column 17: listeners.telnet.tls.cert: cannot read " + dir.resolve("server.crt") + " (no such file)"
        });
        c.put("qmp-listener-directory-missing", new String[] {
            "vms:\n  - name: a\n    qmp: unix:/a.qmp\n    qmpListen:\n      - unix: /dev/null/dir/a.sock\n"
                    + "        role: viewer\n",
            "line 5, column 15: vms[0].qmpListen[0].unix: the directory /dev/null/dir does not exist and cannot be "
                    + "created (/dev/null is not a directory)"
        });
        c.put("user-with-no-vm", new String[] {
            vm + "users:\n  - name: bob\n    password: '" + HASH + "'\n    role: operator\n    vms: [web-*, db1]\n",
            "line 6, column 5: users[0].vms: expected a name or pattern that matches one of the VMs (a), "
                    + "found \"web-*\", \"db1\""
        });
        c.put("bad-password-hash", new String[] {
            "users:\n  - {name: bob, password: hunter2, role: admin}\n" + vm,
            "line 2, column 27: users[0].password: a password hash looks like "
                    + "'pbkdf2-sha256$ITERATIONS$SALT$HASH' (make one with: monmux hash-password)"
        });
        c.put("negative-duration", new String[] {
            vm + "qmp:\n  commandTimeout: -5s\n",
            "line 3, column 19: qmp.commandTimeout: expected a duration that is not negative "
                    + "(250ms, 30s, 5m, 1h or off), found \"-5s\""
        });
        c.put("zero-duration", new String[] {
            vm + "login:\n  timeout: 0s\n",
            "line 3, column 12: login.timeout: expected a duration longer than zero (this one cannot be off), found \"0s\""
        });
        c.put("list-for-a-mapping", new String[] {
            vm + "listeners:\n  - telnet: {port: 4444}\n",
            "line 2, column 1: listeners: expected a mapping (key: value), found a list"
        });
        c.put("mapping-for-a-value", new String[] {
            "vms:\n  - name: {first: a}\n    qmp: unix:/a.qmp\n",
            "line 2, column 5: vms[0].name: expected a single value, found a mapping"
        });
        c.put("not-true-or-false", new String[] {
            vm + "confirmDangerous: maybe\n",
            "line 2, column 19: confirmDangerous: expected true or false, found \"maybe\""
        });
        c.put("fraction-for-a-number", new String[] {
            vm + "limits:\n  lineBytes: 1.5\n",
            "line 3, column 14: limits.lineBytes: expected a whole number, found \"1.5\""
        });
        c.put("number-too-small", new String[] {
            vm + "limits:\n  lineBytes: 10\n",
            "line 3, column 14: limits.lineBytes: expected a whole number, at least 64, found \"10\""
        });
        c.put("port-out-of-range", new String[] {
            vm + "metrics: {port: 70000}\n",
            "line 2, column 17: metrics.port: expected a port number 0-65535, found \"70000\""
        });
        c.put("missing-required-key", new String[] {
            "vms:\n  - name: a\n    telnet: {port: 4501}\n",
            "line 2, column 5: vms[0].qmp: expected unix:/path or tcp:host:port, found nothing"
        });
        c.put("duplicate-key", new String[] {
            vm + "transport: nio\ntransport: epoll\n", "line 3, column 1: transport: given twice (first on line 2)"
        });
        c.put(
                "not-a-mapping",
                new String[] {"hello\n", "line 1, column 1: expected a mapping (key: value), found \"hello\""});
        return c;
    }

    @Test
    void everyInvalidConfigGivesItsDocumentedLineAndExitsTwo() throws IOException {
        for (Map.Entry<String, String[]> c : cases().entrySet()) {
            Path file = dir.resolve(c.getKey() + ".yaml");
            Files.writeString(file, c.getValue()[0]);
            CliRun r = run("check-config", file.toString());
            String expected = "monmux: " + file + ": " + c.getValue()[1] + "\n";
            assertEquals(expected, r.err(), c.getKey());
            assertEquals("", r.out(), c.getKey());
            assertEquals(2, r.code(), c.getKey());
            Matcher java = JAVA.matcher(r.err().replace(dir.toString(), "DIR"));
            assertFalse(
                    java.find(),
                    c.getKey() + ": no Java in what the user sees, found '" + (java.find(0) ? java.group() : "")
                            + "' in " + r.err());
        }
        assertTrue(cases().size() >= 12);
    }

    /** run validates as check-config does, before binding anything: the same line, exit 2. */
    @Test
    void runRefusesWhatCheckConfigRefuses() throws IOException {
        Path file = dir.resolve("clash.yaml");
        Files.writeString(file, "listeners:\n  telnet: {port: 5000}\nmetrics:\n  port: 5000\n" + vm);
        CliRun r = run("run", "--config", file.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(run("check-config", file.toString()).err(), r.err());
    }

    /** A user whose patterns match no VM: check-config fails; run starts (a reload may add the VM) and says so. */
    @Test
    void aUserWithNoVmIsACheckConfigErrorAndARunWarning() throws Exception {
        Path file = dir.resolve("nobody.yaml");
        Files.writeString(
                file,
                vm + "users: [{name: bob, password: '" + HASH + "', role: operator, vms: [web-*]}]\n"
                        + "listeners: {telnet: {port: 0}}\nmetrics: {port: 0}\n");
        assertEquals(2, run("check-config", file.toString()).code());
        ConfigLoader.Checked checked = new ConfigLoader().loadAndCheck(file);
        assertEquals(List.of(), checked.errors(), "run does not refuse it");
        assertEquals(1, checked.warnings().size(), "run logs it");
    }

    @Test
    void aFileThatIsNotUtf8IsSaidSo() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, ("vms: [{name: caf\u00e9, qmp: 'unix:/a.qmp'}]\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(
                new CliRun(2, "", "monmux: " + file + ": cannot read: the file is not UTF-8 text\n"),
                run("check-config", file.toString()));
    }

    @Test
    void listenersThatDoNotOverlapAreAccepted() throws IOException {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(
                file,
                "listeners:\n  telnet:\n    - {bind: 127.0.0.2, port: 5000}\n    - {port: 0}\n    - {port: 0}\n"
                        + "vms:\n  - name: a\n    qmp: unix:" + dir.resolve("a.qmp") + "\n    telnet: {port: 5000}\n"
                        + "    qmpListen:\n      - {tcp: '127.0.0.1:0', role: admin}\n"
                        + "      - {unix: " + dir.resolve("a.sock") + ", role: admin}\n"
                        + "metrics: {port: 0}\ncontrol: {socket: control.sock, users: {}}\n");
        CliRun r = run("check-config", file.toString());
        assertEquals("", r.err());
        assertEquals(0, r.code());
    }
}
