package dev.gdn.ruleset.eval;

/** OpenFeature / OFREP error codes. */
public enum ErrorCode {
    FLAG_NOT_FOUND, PARSE_ERROR, TYPE_MISMATCH, TARGETING_KEY_MISSING, INVALID_CONTEXT, GENERAL
}
