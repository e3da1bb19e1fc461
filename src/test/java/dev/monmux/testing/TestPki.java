package dev.monmux.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throw-away certificates made at test time with the {@code openssl} command line tool: a CA, a
 * server certificate for 127.0.0.1/localhost and client certificates (CN = a user name), all
 * EC P-256, valid for a day, in a temporary directory. No private key is committed.
 */
public final class TestPki {
    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA and the server certificate in {@code dir}. */
    public static TestPki create(Path dir) throws IOException, InterruptedException {
        requireOpenssl();
        TestPki pki = new TestPki(dir);
        pki.openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-subj",
                "/CN=monmux test CA",
                "-days",
                "1");
        pki.signed("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        return pki;
    }

    /** A client certificate with {@code CN=name}, signed by the CA; returns its base name in the directory. */
    public String client(String name) throws IOException, InterruptedException {
        signed("client-" + name, name, "extendedKeyUsage=clientAuth\n");
        return "client-" + name;
    }

    /** A client certificate signed by a CA the server does not trust. */
    public String strangerClient(String name) throws IOException, InterruptedException {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "stranger-" + name + ".key",
                "-out",
                "stranger-" + name + ".crt",
                "-subj",
                "/CN=" + name,
                "-days",
                "1");
        return "stranger-" + name;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    private void signed(String base, String cn, String extensions) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(base + ".ext"), extensions);
        openssl(
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                base + ".key",
                "-out",
                base + ".csr",
                "-subj",
                "/CN=" + cn);
        openssl(
                "x509",
                "-req",
                "-in",
                base + ".csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                base + ".crt",
                "-days",
                "1",
                "-extfile",
                base + ".ext");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Skips the calling test without openssl, or fails it when MONMUX_REQUIRE_QEMU=1 (CI has every tool). */
    public static void requireOpenssl() {
        Tools.require("openssl", "openssl");
    }
}
