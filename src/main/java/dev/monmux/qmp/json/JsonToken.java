package dev.monmux.qmp.json;

/** One token of QEMU's JSON lexer (qobject/json-lexer.c); {@code text} is the raw token. */
record JsonToken(Type type, String text) {
    enum Type {
        LCURLY,
        RCURLY,
        LSQUARE,
        RSQUARE,
        COLON,
        COMMA,
        INTEGER,
        FLOAT,
        KEYWORD,
        STRING
    }
}
