package dev.gdn.ruleset.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A SemVer 2.0.0 version (an optional leading v/V accepted, and flagd's shorthands {@code 1} and
 * {@code 1.2} for 1.0.0 and 1.2.0), ordered by SemVer precedence; build metadata is ignored. Numeric parts are kept as their digits (SemVer sets no size limit, and without
 * leading zeros a longer number is larger), so any size compares exactly.
 */
record SemVer(String major, String minor, String patch, String[] preRelease) implements Comparable<SemVer> {
    private static final String[] NO_PRE_RELEASE = new String[0];

    /** The version, or null when {@code text} is neither SemVer 2.0.0 nor a shorthand. Hand-written: this runs on the hot path. */
    static SemVer parse(String text) {
        int n = text.length();
        int i = 0;
        if (n > 0 && (text.charAt(0) == 'v' || text.charAt(0) == 'V')) {
            i = 1;
        }
        String[] core = new String[3];
        for (int part = 0; part < 3; part++) {
            int start = i;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            int len = i - start;
            if (len == 0 || (len > 1 && text.charAt(start) == '0')) {
                return null; // empty, or a leading zero
            }
            core[part] = text.substring(start, i);
            if (part < 2) {
                if (i == n) {
                    // "1" and "1.2" are 1.0.0 and 1.2.0 (flagd's Go semver shorthand), with nothing after them
                    return new SemVer(core[0], part == 0 ? "0" : core[1], "0", NO_PRE_RELEASE);
                }
                if (text.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        String[] pre = NO_PRE_RELEASE;
        if (i < n && text.charAt(i) == '-') {
            int end = text.indexOf('+', i + 1);
            if (end < 0) {
                end = n;
            }
            pre = identifiers(text, i + 1, end, true);
            if (pre == null) {
                return null;
            }
            i = end;
        }
        if (i < n && text.charAt(i) == '+') {
            if (identifiers(text, i + 1, n, false) == null) {
                return null;
            }
            i = n;
        }
        return i == n ? new SemVer(core[0], core[1], core[2], pre) : null;
    }

    /** Dot-separated identifiers of [0-9A-Za-z-]; pre-release numeric identifiers have no leading zeros. */
    private static String[] identifiers(String text, int from, int to, boolean preRelease) {
        if (from >= to) {
            return null;
        }
        List<String> ids = new ArrayList<>(2);
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || text.charAt(i) == '.') {
                if (i == start) {
                    return null;
                }
                String id = text.substring(start, i);
                if (preRelease && id.length() > 1 && id.charAt(0) == '0' && isNumeric(id)) {
                    return null;
                }
                ids.add(id);
                start = i + 1;
            } else {
                char c = text.charAt(i);
                boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
                if (!ok) {
                    return null;
                }
            }
        }
        return ids.toArray(NO_PRE_RELEASE);
    }

    @Override
    public int compareTo(SemVer o) {
        int c = compareNumbers(major, o.major);
        if (c == 0) {
            c = compareNumbers(minor, o.minor);
        }
        if (c == 0) {
            c = compareNumbers(patch, o.patch);
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
            return compareNumbers(a, b);
        }
        if (an != bn) {
            return an ? -1 : 1; // numeric identifiers have lower precedence
        }
        return a.compareTo(b);
    }

    /** Digit strings without leading zeros: a longer number is larger, equal lengths compare as text. */
    private static int compareNumbers(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : Integer.signum(a.compareTo(b));
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
