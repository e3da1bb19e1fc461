package dev.monmux.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Whether operators log in ({@code auth:} key). */
public enum AuthMode {
    /** No login; everyone is admin on every VM. Allowed only when every client listener is on loopback. */
    NONE,
    /** Users log in with a name and password from {@code users}. */
    PASSWORD;

    @JsonCreator
    public static AuthMode parse(String s) {
        for (AuthMode m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected none or password, found " + ConfigException.quote(s));
    }
}
