package dev.monmux.effect;

import java.util.Locale;

/**
 * What a command does, as the access control and the audit log see it; the classes of every
 * command are in {@code effects.txt} beside this class ({@link EffectTable}). Unknown commands are
 * admin-only: monmux cannot vouch for what it does not know.
 */
public enum Effect {
    /** Reads the VM's state ({@code info status}, {@code query-*}). Viewers and up. */
    QUERY,
    /** Changes the VM's state inside the VM ({@code stop}, {@code cont}, {@code sendkey}, {@code eject}). Operators and up. */
    CONTROL,
    /** Can destroy the VM, its disks or their data ({@code quit}, {@code savevm}, {@code drive_del}). Admins. */
    DANGEROUS,
    /**
     * Reaches outside the VM: writes or opens host files, runs programs, opens host sockets or
     * reveals host memory addresses ({@code screendump}, {@code change}, {@code migrate},
     * {@code device_add}). Admins, unless the deployment confines it ({@code acl.mediaPaths},
     * {@code acl.screendumpDir}).
     */
    HOST,
    /** Reveals secret data (a {@code secret} object's properties). Admins. */
    SECRET;

    /** {@code query}, {@code control}, {@code dangerous}, {@code host}, {@code secret}: the audit log's word. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether only admins may run it (unless confined). */
    public boolean adminOnly() {
        return this != QUERY && this != CONTROL;
    }

    /** The class named {@code s} ({@code query}, ...), or null. */
    public static Effect parse(String s) {
        for (Effect e : values()) {
            if (e.label().equals(s)) {
                return e;
            }
        }
        return null;
    }
}
