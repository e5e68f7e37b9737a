package dev.gdn.ruleset.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Literals and data access: literal, array, var, missing, missing_some. */
final class DataNodes {
    private DataNodes() {
    }

    static final class Literal extends Node {
        private final Object value;

        Literal(Object value) {
            this.value = value;
        }

        @Override
        Object eval(Frame frame, Object data) {
            return value;
        }

        @Override
        Object constantValue() {
            return value;
        }
    }

    /** An array literal with operations inside: each item is evaluated. */
    static final class ArrayOf extends Node {
        private final Node[] items;

        ArrayOf(Node[] items) {
            this.items = items;
        }

        @Override
        Object eval(Frame frame, Object data) {
            List<Object> out = new ArrayList<>(items.length);
            for (Node item : items) {
                out.add(item.eval(frame, data));
            }
            return out;
        }
    }

    /**
     * A {@code $ref}: one shared evaluator, built once and named by every rule that refers to it. Read from
     * the request's root data it is evaluated once per request (once per flag when it reads the flag key)
     * and remembered in the frame; inside map/filter/reduce/all/none/some it is evaluated each time.
     */
    static final class Shared extends Node {
        final int slot;
        private final Node body;
        private final boolean perFlag;

        Shared(int slot, Node body, boolean perFlag) {
            this.slot = slot;
            this.body = body;
            this.perFlag = perFlag;
        }

        @Override
        Object eval(Frame frame, Object data) {
            return data == frame.context ? frame.shared(this) : body.eval(frame, data);
        }

        Object evalRoot(Frame frame) {
            return body.eval(frame, frame.context);
        }

        boolean perFlag() {
            return perFlag;
        }
    }

    /** Sentinel for "no such property" (JavaScript's undefined), distinct from a present null. */
    private static final Object UNDEFINED = new Object();

    static final String FLAGD = "$flagd";

    /** Resolves a dotted path the way json-logic-js does: {@code data[seg]} per segment. */
    static Object resolve(Frame frame, Object data, String[] segments, Object notFound) {
        return resolve(frame, data, segments, segments.length > 0 && FLAGD.equals(segments[0]), notFound);
    }

    /** @param flagdFirst whether the first segment is {@code $flagd} (known in advance for constant paths) */
    static Object resolve(Frame frame, Object data, String[] segments, boolean flagdFirst, Object notFound) {
        Object current = data;
        for (int i = 0; i < segments.length; i++) {
            if (current == null) {
                return notFound;
            }
            String seg = segments[i];
            if (i == 0 && flagdFirst && current == frame.context) {
                current = frame.flagdProperties();
                continue;
            }
            current = property(current, seg);
            if (current == UNDEFINED) {
                return notFound;
            }
        }
        return current;
    }

    static Object resolveDynamic(Frame frame, Object data, Object path, Object notFound) {
        if (path == null || (path instanceof String && ((String) path).isEmpty())) {
            return data == frame.context ? frame.rootWithFlagd() : data;
        }
        return resolve(frame, data, splitPath(JsSemantics.toJsString(path)), notFound);
    }

    static String[] splitPath(String path) {
        // String.split drops trailing empty strings; JavaScript's split does not.
        return path.split("\\.", -1);
    }

    @SuppressWarnings("unchecked")
    private static Object property(Object holder, String name) {
        if (holder instanceof Map) {
            Map<String, Object> map = (Map<String, Object>) holder;
            Object v = map.get(name);
            if (v == null && !map.containsKey(name)) {
                return UNDEFINED;
            }
            return v;
        }
        if (holder instanceof List) {
            List<Object> list = (List<Object>) holder;
            if ("length".equals(name)) {
                return (long) list.size();
            }
            int index = arrayIndex(name);
            return index >= 0 && index < list.size() ? list.get(index) : UNDEFINED;
        }
        if (holder instanceof String) {
            String s = (String) holder;
            if ("length".equals(name)) {
                return (long) s.length();
            }
            int index = arrayIndex(name);
            return index >= 0 && index < s.length() ? String.valueOf(s.charAt(index)) : UNDEFINED;
        }
        return UNDEFINED;
    }

    /** A canonical array index ("0", "17"; not "01" or "-1"), else -1. */
    private static int arrayIndex(String s) {
        int n = s.length();
        if (n == 0 || n > 9 || (n > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@code var} with a path known at compile time (the common case): pre-split, no allocation. */
    static final class ConstantVar extends Node {
        private final String[] segments;
        private final boolean flagdFirst;
        private final Node fallback;

        ConstantVar(String path, Node fallback) {
            String[] split = splitPath(path);
            // Interned like the parser's object keys (Jackson interns field names), so a context lookup
            // usually matches by identity instead of comparing the characters.
            for (int i = 0; i < split.length; i++) {
                split[i] = split[i].intern();
            }
            this.segments = split;
            this.flagdFirst = split.length > 0 && FLAGD.equals(split[0]);
            this.fallback = fallback;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object v = resolve(frame, data, segments, flagdFirst, UNDEFINED);
            if (v == UNDEFINED) {
                return fallback == null ? null : fallback.eval(frame, data);
            }
            return v;
        }
    }

    /** {@code var} of the whole current data ({@code {"var": ""}} or no path). */
    static final class WholeData extends Node {
        @Override
        Object eval(Frame frame, Object data) {
            return data == frame.context ? frame.rootWithFlagd() : data;
        }
    }

    /** {@code var} whose path is itself computed. */
    static final class DynamicVar extends Node {
        private final Node path;
        private final Node fallback;

        DynamicVar(Node path, Node fallback) {
            this.path = path;
            this.fallback = fallback;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object v = resolveDynamic(frame, data, path.eval(frame, data), UNDEFINED);
            if (v == UNDEFINED) {
                return fallback == null ? null : fallback.eval(frame, data);
            }
            return v;
        }
    }

    /** {@code $flagd.flagKey}: resolved without touching the context. */
    static final class FlagKey extends Node {
        @Override
        Object eval(Frame frame, Object data) {
            return data == frame.context ? frame.flagKey : resolve(frame, data, new String[] {"$flagd", "flagKey"}, null);
        }
    }

    /** {@code $flagd.timestamp}: Unix seconds of this evaluation. */
    static final class Timestamp extends Node {
        @Override
        Object eval(Frame frame, Object data) {
            return data == frame.context ? (Object) frame.timestamp : resolve(frame, data, new String[] {"$flagd", "timestamp"}, null);
        }
    }

    static List<Object> missingKeys(Frame frame, Object data, List<?> keys) {
        List<Object> missing = null;
        for (Object key : keys) {
            Object v = resolveDynamic(frame, data, key, null);
            if (v == null || (v instanceof String && ((String) v).isEmpty())) {
                if (missing == null) {
                    missing = new ArrayList<>();
                }
                missing.add(key);
            }
        }
        return missing == null ? Collections.emptyList() : missing;
    }

    /** {@code missing}: the keys whose value is null, absent or "". An array first argument is the key list. */
    static final class Missing extends Node {
        private final Node[] args;

        Missing(Node[] args) {
            this.args = args;
        }

        @Override
        Object eval(Frame frame, Object data) {
            if (args.length == 0) {
                return Collections.emptyList();
            }
            Object first = args[0].eval(frame, data);
            if (first instanceof List) {
                return missingKeys(frame, data, (List<?>) first);
            }
            List<Object> keys = new ArrayList<>(args.length);
            keys.add(first);
            for (int i = 1; i < args.length; i++) {
                keys.add(args[i].eval(frame, data));
            }
            return missingKeys(frame, data, keys);
        }
    }

    /** {@code missing_some [need, keys]}: [] when at least {@code need} keys are present, else the missing ones. */
    static final class MissingSome extends Node {
        private final Node need;
        private final Node keys;

        MissingSome(Node need, Node keys) {
            this.need = need;
            this.keys = keys;
        }

        @Override
        Object eval(Frame frame, Object data) {
            double needed = JsSemantics.toNumber(need.eval(frame, data));
            Object k = keys.eval(frame, data);
            List<?> keyList = k instanceof List ? (List<?>) k : List.of();
            List<Object> missing = missingKeys(frame, data, keyList);
            if (keyList.size() - missing.size() >= needed) {
                return Collections.emptyList();
            }
            return missing;
        }
    }
}
