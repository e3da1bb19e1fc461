package dev.monmux.telnet;

/** User event: the client's terminal size from NAWS (RFC 1073); 0 means unknown. */
public record WindowSize(int width, int height) {}
