package dev.monmux.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** A config section under test, parsed after one VM (every config needs one). */
final class OneVmConfig {
    private static final String VMS = "vms:\n  - {name: web1, qmp: unix:/run/qemu/web1.qmp}\n";

    private OneVmConfig() {}

    static MonmuxConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader().parse(VMS + yaml, "test.yaml");
    }

    /** The message of the error {@code yaml} is refused with. */
    static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }
}
