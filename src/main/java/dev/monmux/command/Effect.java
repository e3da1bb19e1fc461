package dev.monmux.command;

/**
 * What a command does to the VM, as the ACL and the audit log see it. Unknown commands count as
 * {@link #DANGEROUS}: monmux cannot vouch for what it does not know.
 */
public enum Effect {
    /** Reads state only ({@code info status}, {@code query-*}). */
    QUERY,
    /** Changes VM state ({@code stop}, {@code cont}, {@code sendkey}, {@code eject}, ...). */
    CONTROL,
    /** Can destroy the VM, its data or the host's ({@code quit}, {@code pmemsave}, {@code savevm}, ...). */
    DANGEROUS
}
