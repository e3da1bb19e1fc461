package dev.monmux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.monmux.testing.MonmuxProcess;
import dev.monmux.testing.OpensslClient;
import dev.monmux.testing.QemuProcess;
import dev.monmux.testing.TelnetTestClient;
import dev.monmux.testing.TestPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -HUP} to a monmux process re-reads its config file: a listener is added while an
 * operator stays connected, and renewed TLS certificates apply to new connections.
 */
class ReloadSignalTest {
    private static final String PROMPT = "(qemu) ";

    @Test
    void sighupAddsAListenerAndRenewsCertificatesWithoutDroppingTheOperator(@TempDir Path dir) throws Exception {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        TestPki first = TestPki.create(Files.createDirectories(dir.resolve("pki1")));
        copy(first, tls);
        int port = MonmuxProcess.freePort();
        int tlsPort = MonmuxProcess.freePort();
        int added = MonmuxProcess.freePort();
        try (QemuProcess qemu = QemuProcess.start()) {
            String vms = "vms:\n  - {name: vm1, qmp: 'unix:" + qemu.qmpSocket() + "'}\nmetrics: {enabled: false}\n";
            String listeners = "listeners:\n  telnet:\n    - {port: " + port + ", mode: raw}\n" + "    - {port: "
                    + tlsPort + ", mode: raw, tls: {cert: tls/server.crt, key: tls/server.key}}\n";
            try (MonmuxProcess child = MonmuxProcess.start(dir, port, listeners + vms);
                    TelnetTestClient operator = TelnetTestClient.raw(port)) {
                operator.await(PROMPT);
                MonmuxProcess.awaitVmUp(operator);
                try (OpensslClient s = OpensslClient.connect(tlsPort, first, null)) {
                    s.await(PROMPT);
                }

                // New certificates from another CA, and one more listener; then SIGHUP.
                TestPki second = TestPki.create(Files.createDirectories(dir.resolve("pki2")));
                copy(second, tls);
                Files.writeString(
                        dir.resolve("monmux.yaml"), listeners + "    - {port: " + added + ", mode: raw}\n" + vms);
                child.signal("HUP");
                awaitListening(added, child);

                try (TelnetTestClient fresh = TelnetTestClient.raw(added)) {
                    fresh.await(PROMPT);
                    fresh.line("info status");
                    assertEquals("VM status: running\r\n" + PROMPT, fresh.await(PROMPT));
                }
                try (OpensslClient s = OpensslClient.connect(tlsPort, second, null)) {
                    s.await(PROMPT);
                    s.line("info status");
                    s.await("VM status: running");
                }
                try (OpensslClient old = OpensslClient.connect(tlsPort, first, null)) {
                    assertTrue(old.awaitExit(15_000), "the old CA no longer verifies the server: " + old.all());
                    assertFalse(old.all().contains(PROMPT), old.all());
                }
                operator.line("info status");
                assertEquals("VM status: running\r\n" + PROMPT, operator.await(PROMPT));
                assertTrue(child.process().isAlive());
                assertTrue(
                        child.log().contains("configuration reloaded: listeners added: telnet 127.0.0.1:" + added),
                        child.log());
            }
        }
    }

    @Test
    void aTlsFileThatCannotBeReadRefusesTheReloadAndTheListenerKeepsServing(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        Path file = dir.resolve("monmux.yaml");
        // No QEMU needed: the VM's link stays down, the listener serves all the same.
        Files.writeString(
                file,
                "listeners: {telnet: {port: 0, mode: raw, tls: {cert: server.crt, key: server.key}}}\n"
                        + "metrics: {enabled: false}\nvms: [{name: vm1, qmp: 'unix:" + dir.resolve("absent.sock")
                        + "'}]\n");
        try (dev.monmux.testing.MonmuxFixture mx = dev.monmux.testing.MonmuxFixture.startFile(file)) {
            Files.move(dir.resolve("server.key"), dir.resolve("server.key.old"));
            dev.monmux.Reloader.Result r = mx.reload();
            assertFalse(r.ok());
            assertEquals(
                    file + ": listeners.telnet[0].tls.key: cannot read " + dir.resolve("server.key")
                            + " (no such file)",
                    r.detail());
            try (OpensslClient s = OpensslClient.connect(mx.telnetPort(), pki, null)) {
                s.await("(VM is down, reconnecting)");
                s.await(PROMPT);
            }
        }
    }

    private static void copy(TestPki pki, Path to) throws IOException {
        for (String f : new String[] {"server.crt", "server.key"}) {
            Files.copy(pki.file(f), to.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The reload runs on its own thread after the signal; wait (bounded) until the new port answers. */
    private static void awaitListening(int port, MonmuxProcess child) throws Exception {
        for (int i = 0; i < 1000; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError("no listener on " + port + " after SIGHUP: " + child.log());
    }
}
