package dev.gdn.regions.link;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a link does to the traffic on its path. The modelled delay and jitter of the path always
 * apply; a state changes what happens on top of them, at run time, to existing and new connections.
 */
public sealed interface LinkState {
    /** The wire name: {@code up}, {@code down}, {@code blackhole}, {@code reset}, {@code slow}, {@code limited}. */
    String name();

    /** The modelled path, nothing more. */
    record Up() implements LinkState {
        @Override
        public String name() {
            return "up";
        }
    }

    /** Nothing listens: new connections are refused, open ones are reset. */
    record Down() implements LinkState {
        @Override
        public String name() {
            return "down";
        }
    }

    /**
     * Connections are accepted and nothing answers: every byte is held, both ways, as a network that drops
     * packets while TCP keeps retransmitting. On a later {@code up} the held bytes go through, as TCP's would.
     */
    record Blackhole() implements LinkState {
        @Override
        public String name() {
            return "blackhole";
        }
    }

    /** New connections are accepted and reset at once; open ones are reset. */
    record Reset() implements LinkState {
        @Override
        public String name() {
            return "reset";
        }
    }

    /** Every round trip takes {@code added} longer (half of it each way), on top of the modelled delay. */
    record Slow(Duration added) implements LinkState {
        public Slow {
            if (added.isNegative()) {
                throw new IllegalArgumentException("slow: added delay must not be negative, not " + added.toMillis() + " ms");
            }
        }

        @Override
        public String name() {
            return "slow";
        }
    }

    /** The path carries at most {@code bytesPerSecond} in each direction, shared by all its connections. */
    record Limited(long bytesPerSecond) implements LinkState {
        public Limited {
            if (bytesPerSecond <= 0) {
                throw new IllegalArgumentException("limited: bytes_per_second must be positive, not " + bytesPerSecond);
            }
        }

        @Override
        public String name() {
            return "limited";
        }
    }

    /** The JSON form: {@code {"state":"slow","added_ms":300}}, {@code {"state":"limited","bytes_per_second":10000}}. */
    default Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", name());
        if (this instanceof Slow s) {
            m.put("added_ms", s.added().toMillis());
        } else if (this instanceof Limited l) {
            m.put("bytes_per_second", l.bytesPerSecond());
        }
        return m;
    }

    /** Reads the JSON form; a bad one is an {@link IllegalArgumentException} saying what is wrong. */
    static LinkState fromJson(Object json) {
        if (!(json instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("expected a JSON object like {\"state\":\"down\"}");
        }
        Object state = m.get("state");
        if (!(state instanceof String s)) {
            throw new IllegalArgumentException("\"state\" must be one of up, down, blackhole, reset, slow, limited");
        }
        return switch (s) {
            case "up" -> new Up();
            case "down" -> new Down();
            case "blackhole" -> new Blackhole();
            case "reset" -> new Reset();
            case "slow" -> new Slow(Duration.ofMillis(number(m, "added_ms")));
            case "limited" -> new Limited(number(m, "bytes_per_second"));
            default -> throw new IllegalArgumentException("unknown state '" + s + "' (one of up, down, blackhole, reset, slow, limited)");
        };
    }

    private static long number(Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("state '" + m.get("state") + "' needs an integer \"" + field + "\"");
        }
        return n.longValue();
    }
}
