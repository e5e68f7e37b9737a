package dev.gdn.ruleset.eval;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A SemVer 2.0.0 version (an optional leading v/V accepted), ordered by SemVer precedence; build metadata ignored. */
record SemVer(BigInteger major, BigInteger minor, BigInteger patch, String[] preRelease) implements Comparable<SemVer> {
    private static final Pattern FORMAT = Pattern.compile(
            "[vV]?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    /** The version, or null when {@code text} is not SemVer 2.0.0. */
    static SemVer parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String pre = m.group(4);
        return new SemVer(new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)),
                pre == null ? new String[0] : pre.split("\\."));
    }

    @Override
    public int compareTo(SemVer o) {
        int c = major.compareTo(o.major);
        if (c == 0) {
            c = minor.compareTo(o.minor);
        }
        if (c == 0) {
            c = patch.compareTo(o.patch);
        }
        if (c != 0) {
            return c;
        }
        // A pre-release has lower precedence than the release itself.
        if (preRelease.length == 0 || o.preRelease.length == 0) {
            return Integer.compare(o.preRelease.length == 0 ? 0 : 1, preRelease.length == 0 ? 0 : 1);
        }
        int n = Math.min(preRelease.length, o.preRelease.length);
        for (int i = 0; i < n; i++) {
            c = compareIdentifier(preRelease[i], o.preRelease[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.length, o.preRelease.length);
    }

    private static int compareIdentifier(String a, String b) {
        boolean an = isNumeric(a);
        boolean bn = isNumeric(b);
        if (an && bn) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        if (an != bn) {
            return an ? -1 : 1; // numeric identifiers have lower precedence
        }
        return a.compareTo(b);
    }

    private static boolean isNumeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
