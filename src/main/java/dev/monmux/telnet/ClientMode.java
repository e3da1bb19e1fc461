package dev.monmux.telnet;

/**
 * User event fired once per connection when it is known how to talk to the client: an
 * interactive telnet client (character mode, echo, line editing) or a raw one ({@code nc}, scripts).
 */
public record ClientMode(boolean interactive) {}
