package dev.monmux.session;

import java.util.concurrent.CompletableFuture;

import dev.monmux.qmp.QmpCaller;

/** Runs one HMP line against a VM and yields the text QEMU's monitor would print. */
@FunctionalInterface
public interface HmpRunner {
    /**
     * @param cpuIndex the session's selected CPU ({@code cpu N}), or null
     * @return the output; fails with {@code VmLinkException} when the VM did not answer
     */
    CompletableFuture<String> run(String line, QmpCaller qmp, Integer cpuIndex);
}
