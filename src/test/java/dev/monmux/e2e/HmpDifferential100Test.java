package dev.monmux.e2e;

import dev.monmux.testing.QemuBuild;

/** {@link HmpDifferentialCases} on QEMU 10.0 (Debian bookworm-backports, beside 7.2). */
class HmpDifferential100Test extends HmpDifferentialCases {
    @Override
    QemuBuild build() {
        return QemuBuild.v100();
    }
}
