package dev.monmux.hmp;

import dev.monmux.qmp.QemuVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which native mappings were verified, per QEMU version, to print what that QEMU's own HMP prints
 * ({@code natives.txt}, kept true by HmpDifferentialCases). Only those run natively on a VM of
 * that version; the rest of its lines go through {@code human-monitor-command}.
 */
public final class NativeCertificates {
    private static final String RESOURCE = "/dev/monmux/hmp/natives.txt";
    private static volatile NativeCertificates shipped;

    private final Map<QemuVersion, Set<String>> byVersion;

    NativeCertificates(Map<QemuVersion, Set<String>> byVersion) {
        this.byVersion = Map.copyOf(byVersion);
    }

    public static NativeCertificates shipped() {
        NativeCertificates c = shipped;
        if (c == null) {
            try (InputStream in = NativeCertificates.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                Map<QemuVersion, Set<String>> m = new HashMap<>();
                int n = 0;
                for (String line : new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        .lines()
                        .toList()) {
                    n++;
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    // the name may have a space (info status): the versions are the words that parse as versions
                    String[] w = line.strip().split("\\s+");
                    int first = w.length;
                    while (first > 0 && QemuVersion.parse(w[first - 1]) != null) {
                        first--;
                    }
                    if (first == 0 || first == w.length) {
                        throw new IllegalStateException(RESOURCE + " line " + n + ": expected 'command versions...'");
                    }
                    String name = String.join(" ", Arrays.copyOfRange(w, 0, first));
                    for (int i = first; i < w.length; i++) {
                        m.computeIfAbsent(QemuVersion.parse(w[i]), v -> new HashSet<>())
                                .add(name);
                    }
                }
                c = new NativeCertificates(m);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            shipped = c;
        }
        return c;
    }

    /** The mappings certified for {@code version} (empty when none). */
    public Set<String> forVersion(QemuVersion version) {
        return byVersion.getOrDefault(version, Set.of());
    }

    /** Every version something is certified for. */
    public Set<QemuVersion> versions() {
        return byVersion.keySet();
    }
}
