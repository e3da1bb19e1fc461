package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.auth.PasswordHash;
import dev.monmux.testing.MonmuxFixture;
import dev.monmux.testing.OpensslClient;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import dev.monmux.testing.TestPki;
import dev.monmux.testing.Tools;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with real tools against a real QEMU: {@code openssl s_client} on a telnet port and a QMP
 * port, client certificates that log users in, and {@code /metrics} over HTTPS. Certificates are
 * made by {@code openssl} for each test.
 */
class TlsEndToEndTest {
    private static final String PROMPT = "(qemu) ";
    private static final String SERVER_TLS = "{cert: server.crt, key: server.key}";

    private static String hash(String pw) {
        return PasswordHash.create(pw.toCharArray(), 1000).encoded();
    }

    private static MonmuxFixture start(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("monmux.yaml");
        Files.writeString(file, yaml.contains("metrics:") ? yaml : yaml + "metrics: {port: 0}\n");
        return MonmuxFixture.startFile(file).awaitUp();
    }

    @Test
    void telnetAndMetricsOverTls(@TempDir Path dir) throws Exception {
        Tools.require("socat", "socat");
        TestPki pki = TestPki.create(dir);
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = start(
                        dir,
                        "listeners: {telnet: {port: 0, tls: " + SERVER_TLS + "}}\n"
                                + "metrics: {port: 0, tls: " + SERVER_TLS + "}\n"
                                + "vms: [{name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}]\n");
                OpensslClient s = OpensslClient.connect(mx.telnetPort(), pki, null)) {
            s.await("monitor on VM 'vm1'");
            s.await(PROMPT);
            s.line("info status");
            assertEquals("VM status: running\r\n" + PROMPT, s.await(PROMPT).stripLeading());
            s.line("stop");
            s.line("info status");
            s.await("VM status: paused");
            s.line("cont");
            s.line("info status");
            s.await("VM status: running");

            // A script: printf 'info status\n' | socat - OPENSSL:... gets its answer, then monmux closes.
            Process script = new ProcessBuilder(
                            "socat", "-", "OPENSSL:127.0.0.1:" + mx.telnetPort() + ",cafile=" + pki.file("ca.crt"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("script.out").toFile())
                    .start();
            script.getOutputStream().write("info status\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            script.getOutputStream().close();
            assertTrue(script.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "monmux closes after the answer");
            // (mode: auto offered its telnet options first, as to nc; they are bytes, not text)
            String answered = Files.readString(dir.resolve("script.out"), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(answered.endsWith("VM status: running\r\n" + PROMPT), TelnetTestClient.show(answered));

            // Interactive telnet through a local socat forwarder: character mode and echo, as without TLS.
            int forward = dev.monmux.testing.MonmuxProcess.freePort();
            Process forwarder = new ProcessBuilder(
                            "socat",
                            "TCP-LISTEN:" + forward + ",bind=127.0.0.1,reuseaddr",
                            "OPENSSL:127.0.0.1:" + mx.telnetPort() + ",cafile=" + pki.file("ca.crt"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("forwarder.out").toFile())
                    .start();
            try {
                TelnetTestClient t = null;
                for (int i = 0; i < 500 && t == null; i++) {
                    try {
                        t = TelnetTestClient.interactive(forward);
                    } catch (java.io.IOException notYet) {
                        Thread.sleep(10);
                    }
                }
                assertTrue(t != null, "socat forwarder listens");
                try (TelnetTestClient tt = t) {
                    tt.await(PROMPT);
                    tt.type("info statu\t");
                    tt.await("info status");
                    tt.line("");
                    assertTrue(tt.await(PROMPT).contains("VM status: running"));
                }
            } finally {
                forwarder.destroy();
                forwarder.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }

            // A plain TCP client gets no monitor: the handshake fails and the connection closes.
            try (TelnetTestClient plain = TelnetTestClient.raw(mx.telnetPort())) {
                plain.line("info status");
                assertTrue(plain.awaitClosed(10_000), "plain text on a TLS port is refused");
                assertFalse(plain.all().contains("VM status"), plain.all());
            }

            HttpClient https = HttpClient.newBuilder()
                    .sslContext(trusting(pki.file("ca.crt")))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> r = https.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + mx.metricsPort() + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("monmux_qmp_link_up{vm=\"vm1\"} 1.0"), r.body());
            HttpResponse<String> h = https.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + mx.metricsPort() + "/healthz"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode(), h.body());
        }
    }

    @Test
    void aClientCertificateLogsItsUserInWithoutAPassword(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        String alice = pki.client("alice");
        String mallory = pki.client("mallory");
        String stranger = pki.strangerClient("alice");
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = start(
                        dir,
                        "listeners: {telnet: {port: 0, mode: raw, tls: {cert: server.crt, "
                                + "key: server.key, clientCa: ca.crt, clientAuth: optional}}}\n"
                                + "users:\n"
                                + "  - {name: alice, password: '" + hash("alice-pw") + "', role: operator}\n"
                                + "  - {name: vera, password: '" + hash("vera-pw") + "', role: viewer}\n"
                                + "vms: [{name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}]\n")) {
            try (OpensslClient a = OpensslClient.connect(mx.telnetPort(), pki, alice)) {
                String banner = a.await(PROMPT);
                assertFalse(banner.contains("login:"), banner);
                assertTrue(banner.contains("monitor on VM 'vm1'"), banner);
                a.line(".who");
                assertTrue(a.await(PROMPT).contains("*  alice  "), a.all());
                a.line("stop");
                a.line("info status");
                a.await("VM status: paused");
                a.line("cont");
                a.line("info status");
                a.await("VM status: running");
            }
            // Without a certificate (it is optional here): the usual login.
            try (OpensslClient v = OpensslClient.connect(mx.telnetPort(), pki, null)) {
                v.await("login: ");
                v.line("vera");
                v.await("Password: ");
                v.line("vera-pw");
                v.await(PROMPT);
                v.line("stop");
                assertTrue(v.await(PROMPT).contains("permission denied: 'stop' needs role operator on VM 'vm1'"));
            }
            // A certificate of the right CA for someone who is no user: told, then asked to log in.
            try (OpensslClient m = OpensslClient.connect(mx.telnetPort(), pki, mallory)) {
                m.await("[monmux] client certificate 'mallory' names no user; log in with a password");
                m.await("login: ");
            }
            // A certificate from a CA the listener does not trust: no connection at all.
            try (OpensslClient x = OpensslClient.connect(mx.telnetPort(), pki, stranger)) {
                assertTrue(x.awaitExit(15_000), "s_client gives up: " + x.all());
                assertFalse(x.all().contains("login:") || x.all().contains(PROMPT), x.all());
            }
        }
    }

    @Test
    void qmpOverTlsWithARequiredClientCertificate(@TempDir Path dir) throws Exception {
        Tools.require("socat", "socat");
        TestPki pki = TestPki.create(dir);
        String alice = pki.client("alice");
        String vera = pki.client("vera");
        try (QemuProcess qemu = QemuProcess.start();
                MonmuxFixture mx = start(
                        dir,
                        "listeners: {telnet: {port: 0}}\n"
                                + "users:\n"
                                + "  - {name: alice, password: '" + hash("alice-pw") + "', role: operator}\n"
                                + "  - {name: vera, password: '" + hash("vera-pw") + "', role: viewer}\n"
                                + "vms:\n  - name: vm1\n    qmp: 'unix:" + qemu.qmpSocket() + "'\n"
                                + "    qmpListen: {tcp: '127.0.0.1:0', role: operator, tls: {cert: server.crt, key: server.key, "
                                + "clientCa: ca.crt, clientAuth: require}}\n")) {
            int port = mx.monmux().qmpListeners().bound().get(0).port();
            try (OpensslClient a = OpensslClient.connect(port, pki, alice)) {
                // s_client reports the server's verified chain first (on stderr, collected too).
                assertTrue(a.await("]}}\r\n").contains("\n{\"QMP\": {\"version\": {\"qemu\": {\"micro\": "), a.all());
                a.line("{\"execute\": \"qmp_capabilities\"}");
                assertEquals("{\"return\": {}}\r\n", a.await("\n"));
                a.line("{\"execute\": \"stop\", \"id\": 1}");
                a.await("\"event\": \"STOP\"");
                a.await("{\"return\": {}, \"id\": 1}");
                a.line("{\"execute\": \"query-status\", \"id\": 2}");
                assertTrue(a.await("\"id\": 2}").contains("\"status\": \"paused\""), a.all());
                a.line("{\"execute\": \"cont\", \"id\": 3}");
                a.await("{\"return\": {}, \"id\": 3}");
            }
            // vera's certificate makes her vera: a viewer, whatever the listener's role.
            try (OpensslClient v = OpensslClient.connect(port, pki, vera)) {
                v.await("\"QMP\"");
                v.line("{\"execute\": \"qmp_capabilities\"}");
                v.await("{\"return\": {}}");
                v.line("{\"execute\": \"stop\", \"id\": \"v\"}");
                String denied = v.await("}}\r\n");
                assertTrue(denied.contains("{\"id\": \"v\", \"error\": {\"class\": \"GenericError\""), denied);
                assertTrue(denied.contains("permission denied: 'stop' needs role operator on VM 'vm1'"), denied);
                v.line("{\"execute\": \"query-status\", \"id\": \"q\"}");
                assertTrue(v.await("\"id\": \"q\"}").contains("\"status\": \"running\""));
            }
            // socat, as the README shows it: a QMP script over TLS.
            Process socat = new ProcessBuilder(
                            "socat",
                            "-t",
                            "2",
                            "-",
                            "OPENSSL:127.0.0.1:" + port + ",cafile=" + pki.file("ca.crt") + ",cert="
                                    + pki.file(alice + ".crt") + ",key=" + pki.file(alice + ".key"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("socat.out").toFile())
                    .start();
            socat.getOutputStream()
                    .write(("{\"execute\": \"qmp_capabilities\"}\n"
                                    + "{\"execute\": \"query-status\", \"id\": \"s\"}\n")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socat.getOutputStream().close();
            if (!socat.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                socat.destroy();
                socat.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                throw new AssertionError("socat hangs: " + Files.readString(dir.resolve("socat.out")));
            }
            String out = Files.readString(dir.resolve("socat.out"));
            assertTrue(out.contains("\"status\": \"running\"") && out.contains("\"id\": \"s\""), out);

            // No certificate: the handshake fails, no greeting.
            try (OpensslClient n = OpensslClient.connect(port, pki, null)) {
                assertTrue(n.awaitExit(15_000), n.all());
                assertFalse(n.all().contains("\"QMP\""), n.all());
            }
        }
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
