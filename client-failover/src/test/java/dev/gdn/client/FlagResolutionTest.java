package dev.gdn.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping both modes share: typed coercion, reasons, error codes, STALE and NONE. */
class FlagResolutionTest {
    @Test
    void coercion() {
        assertEquals(3L, FlagType.INTEGER.coerce(3L));
        assertEquals(3L, FlagType.INTEGER.coerce(3.0));
        assertNull(FlagType.INTEGER.coerce(2.5), "a fractional float is never truncated");
        assertNull(FlagType.INTEGER.coerce(1e30), "beyond long");
        assertNull(FlagType.INTEGER.coerce(Double.NaN));
        assertNull(FlagType.INTEGER.coerce("3"));
        assertEquals(3.0, FlagType.DOUBLE.coerce(3L));
        assertEquals(0.0, FlagType.DOUBLE.coerce(0.0));
        assertNull(FlagType.DOUBLE.coerce(true));
        assertEquals(Map.of("a", 1L), FlagType.OBJECT.coerce(Map.of("a", 1L)));
        assertEquals(List.of(1L), FlagType.OBJECT.coerce(List.of(1L)));
        assertNull(FlagType.OBJECT.coerce("x"));
        assertNull(FlagType.BOOLEAN.coerce("true"));
        assertNull(FlagType.STRING.coerce(1L));
    }

    private static FlagResolution of(FlagType type, Object value, String variant, String reason, String code,
                                     Evaluations.Freshness freshness) {
        return FlagResolution.of("k", type, value, variant, reason, code, code == null ? null : "details", Map.of("team", "core"), 3,
                "gdn", freshness);
    }

    @Test
    void reasonsAndErrors() {
        FlagResolution ok = of(FlagType.BOOLEAN, true, "on", "TARGETING_MATCH", null, Evaluations.Freshness.FRESH);
        assertEquals(true, ok.value());
        assertEquals("TARGETING_MATCH", ok.reason());
        assertFalse(ok.isError());

        FlagResolution disabled = of(FlagType.BOOLEAN, null, null, "DISABLED", null, Evaluations.Freshness.FRESH);
        assertFalse(disabled.isError());
        assertFalse(disabled.hasValue());
        assertEquals("DISABLED", disabled.reason());

        for (String code : List.of("FLAG_NOT_FOUND", "PARSE_ERROR", "TYPE_MISMATCH", "TARGETING_KEY_MISSING", "INVALID_CONTEXT", "GENERAL")) {
            FlagResolution e = of(FlagType.STRING, null, null, "ERROR", code, Evaluations.Freshness.FRESH);
            assertEquals(code, e.errorCode());
            assertEquals("ERROR", e.reason());
            assertEquals(Map.of("team", "core"), e.metadata(), "errors keep the flag's metadata");
        }
        assertEquals("GENERAL", of(FlagType.STRING, null, null, "ERROR", "NEW_CODE", Evaluations.Freshness.FRESH).errorCode());

        FlagResolution mismatch = of(FlagType.STRING, true, "on", "STATIC", null, Evaluations.Freshness.FRESH);
        assertEquals("TYPE_MISMATCH", mismatch.errorCode());
        assertNull(mismatch.value());

        FlagResolution stale = of(FlagType.STRING, "v", "a", "TARGETING_MATCH", null, Evaluations.Freshness.STALE);
        assertEquals("STALE", stale.reason());
        assertEquals("v", stale.value());
        assertEquals("a", stale.variant());
        assertEquals("STALE", of(FlagType.STRING, null, null, "DISABLED", null, Evaluations.Freshness.STALE).reason());
        assertEquals("FLAG_NOT_FOUND", of(FlagType.STRING, null, null, "ERROR", "FLAG_NOT_FOUND", Evaluations.Freshness.STALE).errorCode(),
                "errors stay errors when stale");
    }

    @Test
    void fromBulkAnswers() {
        Evaluations all = new Evaluations(Map.of("k", new FlagEvaluation("k", 2.5, "x", "STATIC", null, null, Map.of())), Map.of(), 4,
                "r/n", "gdn", Evaluations.Freshness.FRESH, null, Instant.now());
        assertEquals(2.5, FlagResolution.of("k", FlagType.DOUBLE, all).value());
        assertEquals("TYPE_MISMATCH", FlagResolution.of("k", FlagType.INTEGER, all).errorCode());
        assertEquals("FLAG_NOT_FOUND", FlagResolution.of("other", FlagType.DOUBLE, all).errorCode());
        assertEquals(4, FlagResolution.of("k", FlagType.DOUBLE, all).version());

        FlagResolution none = FlagResolution.of("k", FlagType.DOUBLE, Evaluations.none("no tier answered"));
        assertTrue(none.isError());
        assertEquals("GENERAL", none.errorCode());
        assertEquals(Evaluations.Freshness.NONE, none.freshness());
        assertTrue(none.errorDetails().contains("no tier answered"));
    }
}
