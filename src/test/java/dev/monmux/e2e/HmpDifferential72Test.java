package dev.monmux.e2e;

import dev.monmux.testing.QemuBuild;

/** {@link HmpDifferentialCases} on QEMU 7.2 (Debian bookworm). */
class HmpDifferential72Test extends HmpDifferentialCases {
    @Override
    QemuBuild build() {
        return QemuBuild.v72();
    }
}
