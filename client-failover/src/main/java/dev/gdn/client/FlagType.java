package dev.gdn.client;

import dev.gdn.ruleset.proto.VariantType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The type a caller asks a flag for (OpenFeature's typed evaluations), and how a flag's value is
 * checked against it. The same rules apply in remote and local mode:
 * <ul>
 *   <li>BOOLEAN, STRING: exactly that JSON type;</li>
 *   <li>INTEGER: a JSON integer, or a float with no fractional part ({@code 3.0} → 3); a fractional
 *       float ({@code 2.5}) is a TYPE_MISMATCH, never truncated (flagd's providers truncate);</li>
 *   <li>DOUBLE: any JSON number (integers widen);</li>
 *   <li>OBJECT: a JSON object (or array); a primitive is a TYPE_MISMATCH, as in local evaluation where
 *       object flags are a variant type of their own.</li>
 * </ul>
 */
public enum FlagType {
    BOOLEAN(VariantType.BOOLEAN),
    STRING(VariantType.STRING),
    /** Coerced to {@link Long}; narrowing to {@code int} is the caller's (the provider checks the range). */
    INTEGER(VariantType.NUMBER),
    /** Coerced to {@link Double}. */
    DOUBLE(VariantType.NUMBER),
    /** A {@link Map} (or {@link List}) of plain JSON values. */
    OBJECT(VariantType.OBJECT);

    private final VariantType variantType;

    FlagType(VariantType variantType) {
        this.variantType = variantType;
    }

    /** The ruleset's variant type that this request needs (INTEGER and DOUBLE are both NUMBER). */
    public VariantType variantType() {
        return variantType;
    }

    /** The value as this type, or null when it is not of this type. */
    public Object coerce(Object value) {
        switch (this) {
            case BOOLEAN:
                return value instanceof Boolean ? value : null;
            case STRING:
                return value instanceof String ? value : null;
            case DOUBLE:
                return value instanceof Number n && !(value instanceof BigInteger) ? n.doubleValue() : null;
            case INTEGER:
                return toLong(value);
            case OBJECT:
                return value instanceof Map || value instanceof List ? value : null;
            default:
                return null;
        }
    }

    private static Long toLong(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                return (long) d;
            }
            return null;
        }
        if (value instanceof BigDecimal b) {
            try {
                return b.longValueExact();
            } catch (ArithmeticException notIntegral) {
                return null;
            }
        }
        return null;
    }
}
