package dev.monmux.qmp;

/**
 * A QEMU release by its major and minor number ({@code 7.2}, {@code 10.0}): what decides its HMP
 * table (micro releases do not change HMP).
 */
public record QemuVersion(int major, int minor) implements Comparable<QemuVersion> {
    /** {@code 7.2} (a micro part, {@code 7.2.22}, is ignored); null when it is not a version. */
    public static QemuVersion parse(String s) {
        String[] p = s.strip().split("\\.");
        if (p.length < 2) {
            return null;
        }
        try {
            return new QemuVersion(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int compareTo(QemuVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
