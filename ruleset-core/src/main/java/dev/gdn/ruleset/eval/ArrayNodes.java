package dev.gdn.ruleset.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** map, filter, reduce, all, none, some (which evaluate their rule with each item as the data), merge, in. */
final class ArrayNodes {
    private ArrayNodes() {
    }

    private static List<?> asList(Object v) {
        return v instanceof List ? (List<?>) v : null;
    }

    static final class MapOver extends Node {
        private final Node array;
        private final Node rule;

        MapOver(Node array, Node rule) {
            this.array = array;
            this.rule = rule;
        }

        @Override
        Object eval(Frame frame, Object data) {
            List<?> items = asList(array.eval(frame, data));
            if (items == null) {
                return List.of();
            }
            List<Object> out = new ArrayList<>(items.size());
            for (Object item : items) {
                out.add(rule.eval(frame, item));
            }
            return out;
        }
    }

    static final class Filter extends Node {
        private final Node array;
        private final Node rule;

        Filter(Node array, Node rule) {
            this.array = array;
            this.rule = rule;
        }

        @Override
        Object eval(Frame frame, Object data) {
            List<?> items = asList(array.eval(frame, data));
            if (items == null) {
                return List.of();
            }
            List<Object> out = new ArrayList<>();
            for (Object item : items) {
                if (JsSemantics.truthy(rule.eval(frame, item))) {
                    out.add(item);
                }
            }
            return out;
        }
    }

    /** {@code reduce [array, rule, initial]}: the rule sees {@code {"current": item, "accumulator": acc}}. */
    static final class Reduce extends Node {
        private final Node array;
        private final Node rule;
        private final Node initial;

        Reduce(Node array, Node rule, Node initial) {
            this.array = array;
            this.rule = rule;
            this.initial = initial;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object acc = initial == null ? null : initial.eval(frame, data);
            List<?> items = asList(array.eval(frame, data));
            if (items == null) {
                return acc;
            }
            Map<String, Object> scope = new HashMap<>(4);
            for (Object item : items) {
                scope.put("current", item);
                scope.put("accumulator", acc);
                acc = rule.eval(frame, scope);
            }
            return acc;
        }
    }

    enum Quantifier { ALL, NONE, SOME }

    /** {@code all} (false for an empty or non-array), {@code none}, {@code some}. */
    static final class Quantified extends Node {
        private final Node array;
        private final Node rule;
        private final Quantifier quantifier;

        Quantified(Node array, Node rule, Quantifier quantifier) {
            this.array = array;
            this.rule = rule;
            this.quantifier = quantifier;
        }

        @Override
        Object eval(Frame frame, Object data) {
            List<?> items = asList(array.eval(frame, data));
            if (items == null || items.isEmpty()) {
                return quantifier == Quantifier.NONE;
            }
            for (Object item : items) {
                boolean t = JsSemantics.truthy(rule.eval(frame, item));
                if (quantifier == Quantifier.ALL && !t) {
                    return false;
                }
                if (quantifier != Quantifier.ALL && t) {
                    return quantifier == Quantifier.SOME;
                }
            }
            return quantifier != Quantifier.SOME;
        }
    }

    /** {@code merge}: arrays flattened one level into one array. */
    static final class Merge extends Node {
        private final Node[] args;

        Merge(Node[] args) {
            this.args = args;
        }

        @Override
        Object eval(Frame frame, Object data) {
            List<Object> out = new ArrayList<>();
            for (Node arg : args) {
                Object v = arg.eval(frame, data);
                if (v instanceof List) {
                    out.addAll((List<?>) v);
                } else {
                    out.add(v);
                }
            }
            return out;
        }
    }

    /** {@code in [a, b]}: substring test when b is a string, strict membership when b is an array, else false. */
    static final class In extends Node {
        private final Node needle;
        private final Node haystack;
        // A literal list of strings (an allow-list of emails, countries, ...): one hash lookup, not a scan.
        private final Set<String> stringSet;

        In(Node needle, Node haystack) {
            this.needle = needle;
            this.haystack = haystack;
            this.stringSet = stringSet(haystack.constantValue());
        }

        private static Set<String> stringSet(Object constant) {
            if (!(constant instanceof List) || ((List<?>) constant).size() < 4) {
                return null;
            }
            Set<String> set = new HashSet<>();
            for (Object item : (List<?>) constant) {
                if (!(item instanceof String)) {
                    return null;
                }
                set.add((String) item);
            }
            return set;
        }

        @Override
        Object eval(Frame frame, Object data) {
            Object a = needle.eval(frame, data);
            if (stringSet != null) {
                // strict equality: only a string can equal a string
                return a instanceof String && stringSet.contains(a);
            }
            Object b = haystack.eval(frame, data);
            if (b instanceof String) {
                return ((String) b).contains(JsSemantics.toJsString(a));
            }
            if (b instanceof List) {
                for (Object item : (List<?>) b) {
                    if (JsSemantics.strictEquals(item, a)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
