package dev.gdn.ruleset.eval;

/** OpenFeature resolution reasons GDN's evaluator produces (SPEC §2). */
public enum Reason {
    STATIC, DEFAULT, TARGETING_MATCH, DISABLED, ERROR
}
