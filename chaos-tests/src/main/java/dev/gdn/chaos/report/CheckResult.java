package dev.gdn.chaos.report;

/** One pass/fail check of a drill, with what it found in words. */
public record CheckResult(String name, boolean passed, String detail) {
    public static CheckResult pass(String name, String detail) {
        return new CheckResult(name, true, detail);
    }

    public static CheckResult fail(String name, String detail) {
        return new CheckResult(name, false, detail);
    }
}
