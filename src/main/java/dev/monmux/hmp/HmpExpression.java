package dev.monmux.hmp;

import java.math.BigInteger;

/**
 * QEMU's HMP integer expressions (monitor/hmp.c get_expr): {@code + - * / % & | ^ ~ ( )},
 * numbers as strtoull reads them (decimal, {@code 0x} hex, {@code 0} octal) and {@code 'c'}
 * characters. Precedence as QEMU's: sum below logic below product. CPU registers ({@code $eax})
 * need the VM, so they end the evaluation with {@link NeedsVm}.
 */
final class HmpExpression {
    /** An error QEMU prints (the message, without line end). */
    static final class ExprError extends Exception {
        ExprError(String message) {
            super(message, null, false, false);
        }
    }

    /** The expression reads a CPU register: only QEMU can evaluate it. */
    static final class NeedsVm extends Exception {
        NeedsVm() {
            super(null, null, false, false);
        }
    }

    private final byte[] b;
    private int p;

    private HmpExpression(byte[] b, int p) {
        this.b = b;
        this.p = p;
    }

    /** Evaluates from {@code start}; returns the value and the end position, in that order. */
    static long[] evaluate(byte[] b, int start) throws ExprError, NeedsVm {
        HmpExpression e = new HmpExpression(b, start);
        while (HmpParser.isSpace(e.at(e.p))) {
            e.p++;
        }
        long v = e.sum();
        return new long[] {v, e.p};
    }

    private int at(int i) {
        return i < b.length ? b[i] & 0xff : 0;
    }

    private void next() {
        if (at(p) != 0) {
            p++;
            while (HmpParser.isSpace(at(p))) {
                p++;
            }
        }
    }

    private long sum() throws ExprError, NeedsVm {
        long val = logic();
        for (; ; ) {
            int op = at(p);
            if (op != '+' && op != '-') {
                return val;
            }
            next();
            long v2 = logic();
            val = op == '+' ? val + v2 : val - v2;
        }
    }

    private long logic() throws ExprError, NeedsVm {
        long val = prod();
        for (; ; ) {
            int op = at(p);
            if (op != '&' && op != '|' && op != '^') {
                return val;
            }
            next();
            long v2 = prod();
            val = op == '&' ? val & v2 : op == '|' ? val | v2 : val ^ v2;
        }
    }

    private long prod() throws ExprError, NeedsVm {
        long val = unary();
        for (; ; ) {
            int op = at(p);
            if (op != '*' && op != '/' && op != '%') {
                return val;
            }
            next();
            long v2 = unary();
            if (op == '*') {
                val *= v2;
            } else {
                if (v2 == 0) {
                    throw new ExprError("division by zero");
                }
                // int64 division; Long.MIN_VALUE / -1 traps in C, wraps here (QEMU would crash)
                val = op == '/' ? val / v2 : val % v2;
            }
        }
    }

    private long unary() throws ExprError, NeedsVm {
        int c = at(p);
        switch (c) {
            case '+' -> {
                next();
                return unary();
            }
            case '-' -> {
                next();
                return -unary();
            }
            case '~' -> {
                next();
                return ~unary();
            }
            case '(' -> {
                next();
                long n = sum();
                if (at(p) != ')') {
                    throw new ExprError("')' expected");
                }
                next();
                return n;
            }
            case '\'' -> {
                p++;
                if (at(p) == 0) {
                    throw new ExprError("character constant expected");
                }
                long n = (byte) at(p); // C char is signed on x86
                p++;
                if (at(p) != '\'') {
                    throw new ExprError("missing terminating ' character");
                }
                next();
                return n;
            }
            case '$' -> throw new NeedsVm();
            case 0 -> throw new ExprError("unexpected end of expression");
            default -> {
                return number();
            }
        }
    }

    /** strtoull(p, &end, 0) with ERANGE and no-digits checks, as expr_unary does. */
    private long number() throws ExprError {
        int q = p;
        while (HmpParser.isSpace(at(q))) {
            q++;
        }
        boolean negative = false;
        if (at(q) == '+' || at(q) == '-') {
            negative = at(q) == '-';
            q++;
        }
        int radix = 10;
        if (at(q) == '0' && (at(q + 1) == 'x' || at(q + 1) == 'X') && Character.digit(at(q + 2), 16) >= 0) {
            radix = 16;
            q += 2;
        } else if (at(q) == '0') {
            radix = 8;
        }
        int digitsStart = q;
        BigInteger v = BigInteger.ZERO;
        BigInteger r = BigInteger.valueOf(radix);
        while (at(q) < 128 && Character.digit(at(q), radix) >= 0) {
            v = v.multiply(r).add(BigInteger.valueOf(Character.digit(at(q), radix)));
            q++;
        }
        if (q == digitsStart) {
            int bad = at(p);
            throw new ExprError("invalid char '" + (bad < 128 ? (char) bad : '\uFFFD') + "' in expression");
        }
        if (v.bitLength() > 64) {
            throw new ExprError("number too large");
        }
        long n = v.longValue();
        p = q;
        while (HmpParser.isSpace(at(p))) {
            p++;
        }
        return negative ? -n : n;
    }
}
