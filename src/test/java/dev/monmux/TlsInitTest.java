package dev.monmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import dev.monmux.testing.FakeQmpServer;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monmux tls init}: what it writes passes {@code openssl verify} and monmux's own TLS
 * listener with client certificates required (a client certificate logs its user in, a client
 * without one or with another CA's gets no connection); it never overwrites unasked, and bad
 * arguments get one line and exit 2.
 */
class TlsInitTest {
    private static final String PROMPT = "(qemu) ";

    private static CliRun monmux(String... args) {
        return CliRun.monmux(null, args);
    }

    private static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        assertTrue(Tools.installed("openssl"), "openssl is not installed (apt-get install -y openssl)");
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "openssl " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    void itsFilesPassOpensslVerifyAndMonmuxsListenerWithClientAuth(@TempDir Path dir) throws Exception {
        Path pki = dir.resolve("tls");
        CliRun init = monmux(
                "tls",
                "init",
                pki.toString(),
                "--host",
                "localhost",
                "--host",
                "127.0.0.1",
                "--host",
                "::1",
                "--client",
                "alice",
                "--client",
                "mallory");
        assertEquals(0, init.code(), init.err());
        assertEquals("", init.err());

        assertEquals("server.pem: OK\n", openssl(pki, "verify", "-CAfile", "ca.pem", "server.pem"));
        assertEquals(
                "server.pem: OK\n",
                openssl(
                        pki,
                        "verify",
                        "-CAfile",
                        "ca.pem",
                        "-purpose",
                        "sslserver",
                        "-verify_ip",
                        "127.0.0.1",
                        "server.pem"));
        assertEquals(
                "server.pem: OK\n",
                openssl(
                        pki,
                        "verify",
                        "-CAfile",
                        "ca.pem",
                        "-purpose",
                        "sslserver",
                        "-verify_hostname",
                        "localhost",
                        "server.pem"));
        assertEquals(
                "alice.pem: OK\n", openssl(pki, "verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "alice.pem"));
        assertTrue(openssl(pki, "x509", "-in", "server.pem", "-noout", "-ext", "subjectAltName")
                .contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n"));
        assertTrue(openssl(pki, "x509", "-in", "ca.pem", "-noout", "-ext", "basicConstraints")
                .contains("CA:TRUE"));
        assertTrue(
                openssl(pki, "x509", "-in", "alice.pem", "-noout", "-subject").contains("CN = alice"));
        // The keys are what ServerTls reads (unencrypted PKCS#8), readable by their owner only.
        for (String key : List.of("ca-key.pem", "server-key.pem", "alice-key.pem", "mallory-key.pem")) {
            assertTrue(Files.readString(pki.resolve(key)).startsWith("-----BEGIN PRIVATE KEY-----\n"), key);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve(key))));
        }
        Set<Object> serials = new HashSet<>();
        for (String cert : List.of("ca.pem", "server.pem", "alice.pem", "mallory.pem")) {
            serials.add(certificate(pki.resolve(cert)).getSerialNumber());
        }
        assertEquals(4, serials.size(), "random serial numbers");
        X509Certificate server = certificate(pki.resolve("server.pem"));
        long days = (server.getNotAfter().getTime() - System.currentTimeMillis()) / 86_400_000L;
        assertTrue(days >= 729 && days <= 730, "about two years: " + days);

        // The printed line, pasted as it is, is a working config.
        String tlsLine = init.out()
                .lines()
                .map(String::strip)
                .filter(l -> l.startsWith("tls: {"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(init.out()));
        assertEquals(
                "tls: {cert: " + pki.resolve("server.pem") + ", key: " + pki.resolve("server-key.pem") + ", clientCa: "
                        + pki.resolve("ca.pem") + ", clientAuth: require}",
                tlsLine);
        assertTrue(init.out().contains("  alice.pem        a client certificate, CN=alice"), init.out());
        try (FakeQmpServer vm = new FakeQmpServer(dir.resolve("vm.qmp"))) {
            Path config = dir.resolve("monmux.yaml");
            Files.writeString(
                    config,
                    "listeners: {telnet: {port: 0, mode: raw, " + tlsLine + "}}\n"
                            + "users: [{name: alice, password: '"
                            + PasswordHash.create("alice-pw".toCharArray(), 1000)
                                    .encoded() + "', role: operator}]\n"
                            + "vms: [{name: vm1, qmp: '" + vm.address() + "'}]\n"
                            + "metrics: {port: 0}\n");
            assertEquals(
                    config + ": OK (1 VM)\n",
                    monmux("check-config", config.toString()).out());
            try (MonmuxFixture mx = MonmuxFixture.startFile(config).awaitUp()) {
                int port = mx.telnetPort();
                // alice's certificate logs her in: no password asked. The client checks the
                // server's certificate against its SAN 127.0.0.1 too.
                try (SSLSocket alice = connect(port, pki, "alice")) {
                    String banner = await(alice, PROMPT);
                    assertFalse(banner.contains("login:"), banner);
                    assertTrue(banner.contains("monitor on VM 'vm1'"), banner);
                    alice.getOutputStream().write(".who\n".getBytes(StandardCharsets.UTF_8));
                    assertTrue(await(alice, PROMPT).contains("*  alice  "));
                }
                // Signed by the CA but no user: asked to log in with a password.
                try (SSLSocket mallory = connect(port, pki, "mallory")) {
                    assertTrue(await(mallory, "login: ").contains("client certificate 'mallory' names no user"));
                }
                // Without a client certificate, or with another CA's: no connection.
                assertRefused(port, pki, null);
                Path other = dir.resolve("other");
                assertEquals(
                        0,
                        monmux("tls", "init", other.toString(), "--host", "x.example", "--client", "alice")
                                .code());
                assertRefused(port, pki, other);
            }
        }
    }

    @Test
    void existingFilesAreKeptUnlessForced(@TempDir Path dir) throws Exception {
        Path pki = dir.resolve("tls");
        assertEquals(
                0,
                monmux("tls", "init", pki.toString(), "--host", "monmux.example")
                        .code());
        byte[] ca = Files.readAllBytes(pki.resolve("ca.pem"));

        CliRun again = monmux("tls", "init", pki.toString(), "--host", "monmux.example", "--client", "alice");
        assertEquals(2, again.code());
        assertEquals(
                "monmux: " + pki.resolve("ca.pem")
                        + " exists; give --force to replace it (and the other files tls init writes)\n",
                again.err());
        assertEquals("", again.out());
        assertTrue(Files.notExists(pki.resolve("alice.pem")), "nothing written");
        assertEquals(-1, Files.mismatch(pki.resolve("ca.pem"), writeTemp(dir, ca)));

        // Only the client's file exists: still nothing is written.
        Path fresh = dir.resolve("fresh");
        Files.createDirectories(fresh);
        Files.writeString(fresh.resolve("bob-key.pem"), "mine\n");
        CliRun clash = monmux("tls", "init", fresh.toString(), "--host", "h.example", "--client", "bob");
        assertEquals(2, clash.code());
        assertTrue(clash.err().contains(fresh.resolve("bob-key.pem") + " exists"), clash.err());
        assertTrue(Files.notExists(fresh.resolve("ca.pem")));
        assertEquals("mine\n", Files.readString(fresh.resolve("bob-key.pem")));

        CliRun forced =
                monmux("tls", "init", pki.toString(), "--host", "monmux.example", "--client", "alice", "--force");
        assertEquals(0, forced.code(), forced.err());
        assertNotEquals(-1, Files.mismatch(pki.resolve("ca.pem"), writeTemp(dir, ca)), "a new CA");
        assertTrue(Files.isRegularFile(pki.resolve("alice.pem")));
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("ca-key.pem"))));
        try (var s = Files.list(pki)) {
            assertEquals(6, s.count(), "no temporary files left");
        }
    }

    @Test
    void badArgumentsGetOneLineAndExit2(@TempDir Path dir) throws Exception {
        String d = dir.resolve("tls").toString();
        Path file = Files.writeString(dir.resolve("a-file"), "");
        String usage = "monmux tls init DIR --host NAME... [--client NAME]... [--days N] [--force]";
        List<List<String>> cases = List.of(
                List.of("tls"),
                List.of("tls", "issue"),
                List.of("tls", "init"),
                List.of("tls", "init", d),
                List.of("tls", "init", d, "--host"),
                List.of("tls", "init", d, "--host", "not a name"),
                List.of("tls", "init", d, "--host", "-x"),
                List.of("tls", "init", d, "--host", "a..example"),
                List.of("tls", "init", d, "--host", "h.example", "--client", "a/b"),
                List.of("tls", "init", d, "--host", "h.example", "--client", "ca"),
                List.of("tls", "init", d, "--host", "h.example", "--client", "ca-key"),
                List.of("tls", "init", d, "--host", "h.example", "--client", "server-key"),
                List.of("tls", "init", d, "--host", "h.example", "--client", "alice", "--client", "alice-key"),
                List.of("tls", "init", d, "--host", "h.example", "--client", "bob", "--client", "bob"),
                List.of("tls", "init", d, "--host", "h.example", "--days", "0"),
                List.of("tls", "init", d, "--host", "h.example", "--days=two"),
                List.of("tls", "init", d, "--host", "h.example", "--force=yes"),
                List.of("tls", "init", d, "--host", "h.example", "--verbose"),
                List.of("tls", "init", d, "other", "--host", "h.example"),
                List.of("tls", "init", file.toString(), "--host", "h.example"));
        List<String> expected = List.of(
                "usage: " + usage,
                "unknown command 'tls issue' (" + usage + ")",
                "tls init needs a DIR (usage: " + usage + ")",
                "give at least one --host (the name clients connect to)",
                "--host needs a NAME",
                "--host 'not a name' is neither a DNS name nor an IP address",
                "--host needs a NAME",
                "--host 'a..example' is neither a DNS name nor an IP address",
                "--client 'a/b' is no user name (1-64 letters, digits, '.', '_', '-' or '@', as users[].name)",
                "--client 'ca' would write ca.pem, which is the CA's certificate; pick another name",
                "--client 'ca-key' would write ca-key.pem, which is the CA's private key; pick another name",
                "--client 'server-key' would write server-key.pem, which is the server's private key; pick another name",
                "--client 'alice-key' would write alice-key.pem, which is the private key of --client 'alice'; pick another name",
                "--client 'bob' given twice",
                "--days must be a number of days from 1 to 36500, not '0'",
                "--days must be a number of days from 1 to 36500, not 'two'",
                "--force takes no value",
                "unknown option '--verbose' (usage: " + usage + ")",
                "unexpected argument 'other' (one DIR; give each host its own --host, each client its own --client)",
                file + " is not a directory");
        for (int i = 0; i < cases.size(); i++) {
            CliRun r = monmux(cases.get(i).toArray(new String[0]));
            assertEquals(2, r.code(), cases.get(i).toString());
            assertEquals(
                    "monmux: " + expected.get(i) + "\n", r.err(), cases.get(i).toString());
            assertEquals("", r.out());
        }
        assertTrue(Files.notExists(dir.resolve("tls")), "nothing written");
        // IP addresses in their usual spellings are accepted.
        CliRun ips = monmux("tls", "init", d, "--host", "[::1]", "--host", "192.0.2.7", "--host", "*.example.org");
        assertEquals(0, ips.code(), ips.err());
        assertTrue(openssl(dir.resolve("tls"), "x509", "-in", "server.pem", "-noout", "-ext", "subjectAltName")
                .contains("IP Address:0:0:0:0:0:0:0:1, IP Address:192.0.2.7, DNS:*.example.org\n"));
        // A server certificate longer than the CA's ten years: the CA lasts as long (else it would not be trusted).
        Path longLived = dir.resolve("long");
        assertEquals(
                0,
                monmux("tls", "init", longLived.toString(), "--host", "h.example", "--days", "36500")
                        .code());
        X509Certificate ca = certificate(longLived.resolve("ca.pem"));
        X509Certificate server = certificate(longLived.resolve("server.pem"));
        assertFalse(server.getNotAfter().after(ca.getNotAfter()), server.getNotAfter() + " after " + ca.getNotAfter());
        assertTrue(
                openssl(longLived, "verify", "-CAfile", "ca.pem", "server.pem").contains("server.pem: OK"));
    }

    private static Path writeTemp(Path dir, byte[] content) throws IOException {
        Path p = Files.createTempFile(dir, "copy", ".pem");
        Files.write(p, content);
        return p;
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /**
     * A TLS connection that trusts {@code pki}'s CA and checks the server's name, with
     * {@code client}'s certificate from {@code pki} (null: none).
     */
    private static SSLSocket connect(int port, Path pki, String client) throws Exception {
        return connect(port, pki, pki, client);
    }

    private static SSLSocket connect(int port, Path trusted, Path clientPki, String client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate(trusted.resolve("ca.pem")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (client != null) {
            keys.setKeyEntry(
                    client, privateKey(clientPki.resolve(client + "-key.pem")), new char[0], new Certificate[] {
                        certificate(clientPki.resolve(client + ".pem"))
                    });
        }
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String b64 = Files.readString(pem)
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }

    /** Reads until {@code marker}; fails after 10 s or at the end of the stream. */
    private static String await(SSLSocket s, String marker) throws IOException {
        StringBuilder sb = new StringBuilder();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (!sb.toString().contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("closed before '" + marker + "': " + sb);
            }
            sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    /**
     * The server refuses the client: the handshake fails or (TLS 1.3, where the client's side of
     * it ends first) the first read does; no monitor byte arrives either way.
     */
    private static void assertRefused(int port, Path pki, Path clientPki) throws Exception {
        StringBuilder got = new StringBuilder();
        try (SSLSocket s = clientPki == null ? connect(port, pki, null) : connect(port, pki, clientPki, "alice")) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException expected) {
            // javax.net.ssl.SSLHandshakeException or an alert on the first read: refused.
        }
        assertEquals("", got.toString(), "no monitor for a client without a certificate of the CA");
    }
}
