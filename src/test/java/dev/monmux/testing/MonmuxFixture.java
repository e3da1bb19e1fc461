package dev.monmux.testing;

import dev.monmux.Monmux;
import dev.monmux.config.ConfigLoader;
import dev.monmux.config.MonmuxConfig;
import java.util.List;

/** Starts monmux in-process from YAML text (use port 0 for listeners) and stops it. */
public final class MonmuxFixture implements AutoCloseable {
    private final Monmux monmux;

    private MonmuxFixture(Monmux monmux) {
        this.monmux = monmux;
    }

    public static MonmuxFixture start(String yaml) throws Exception {
        return start(yaml, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #start(String)}, with every command's observer (audit, metrics) wrapped. */
    public static MonmuxFixture start(
            String yaml, java.util.function.UnaryOperator<dev.monmux.command.CommandObserver> observers)
            throws Exception {
        if (!yaml.contains("metrics:")) {
            yaml += "\nmetrics: {port: 0}\n"; // never the default 9464: tests run side by side
        }
        MonmuxConfig c = requireNoDefaultPorts(new ConfigLoader().parse(yaml, "test.yaml"));
        return new MonmuxFixture(Monmux.start(c, null, observers));
    }

    /**
     * Starts monmux from a config FILE, as {@code monmux run --config FILE} does, so that
     * {@link #reload} (and SIGHUP) can read it again. Add {@code metrics: {port: 0}} to the file.
     */
    public static MonmuxFixture startFile(java.nio.file.Path file) throws Exception {
        MonmuxConfig c = requireNoDefaultPorts(new ConfigLoader().load(file));
        return new MonmuxFixture(Monmux.start(c, file));
    }

    /**
     * Fails a test whose config would bind monmux's default ports (4444, 9464): tests run beside
     * each other and beside a {@code make run}, so they bind port 0 or ports they pick.
     */
    static MonmuxConfig requireNoDefaultPorts(MonmuxConfig c) {
        List<Integer> ports = new java.util.ArrayList<>();
        c.listeners().telnet().forEach(l -> ports.add(l.port()));
        c.vms().forEach(vm -> {
            if (vm.telnet() != null) {
                ports.add(vm.telnet().port());
            }
        });
        if (c.metrics().enabled()) {
            ports.add(c.metrics().port());
        }
        for (int port : ports) {
            if (port == 4444 || port == 9464) {
                throw new AssertionError("the test's config binds monmux's default port " + port
                        + ": give it port 0 (listeners: {telnet: {port: 0}}, metrics: {port: 0})");
            }
        }
        return c;
    }

    /** Re-reads the config file, as SIGHUP does; returns the result. */
    public dev.monmux.Reloader.Result reload() throws Exception {
        return monmux.reload().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** One VM named {@code vm1} at {@code qmpAddress}, one shared telnet listener on a free port. */
    public static MonmuxFixture oneVm(String qmpAddress, String extraYaml) throws Exception {
        return start(
                "listeners: {telnet: {port: 0}}\n" + "vms:\n  - {name: vm1, qmp: '" + qmpAddress + "'}\n" + extraYaml);
    }

    public Monmux monmux() {
        return monmux;
    }

    public int telnetPort() {
        return monmux.telnetPort(0);
    }

    /** The metrics listener's port (-1 when it is off). */
    public int metricsPort() {
        return monmux.metricsPort();
    }

    /** Waits until every VM link is up. */
    public MonmuxFixture awaitUp() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        for (var vm : monmux.vms().all()) {
            while (vm.link().state() != dev.monmux.qmp.QmpEndpoint.State.UP) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("VM '" + vm.name() + "' did not come up: "
                            + vm.link().lastError());
                }
                Thread.sleep(10);
            }
        }
        return this;
    }

    public List<String> vmNames() {
        return monmux.vms().names();
    }

    @Override
    public void close() {
        monmux.close();
    }
}
