package dev.monmux.auth;

import java.util.regex.Pattern;

/**
 * A VM name pattern in a grant: {@code *} matches any run of characters, {@code ?} one
 * character, everything else itself (case-sensitive, as VM names are).
 */
public record VmGlob(String text, Pattern pattern) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._*?-]{1,64}");

    public static VmGlob of(String text) {
        if (text == null || !VALID.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "VM pattern '" + text + "' must be 1-64 letters, digits, '.', '_', '-', '*' or '?'");
        }
        return new VmGlob(text, Pattern.compile(regex(text)));
    }

    /** A glob as a regular expression: {@code *} any run of characters, {@code ?} one, the rest itself. */
    public static String regex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }

    public boolean matches(String vm) {
        return pattern.matcher(vm).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
