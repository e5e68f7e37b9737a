package dev.gdn.ruleset.compile;

/**
 * Flag files built to make a compiler copy, recurse or loop (issue 11), generated rather than committed:
 * the fuzz tests' seed script and the hostile-compile benchmark write the same shapes.
 */
public final class HostileFlagFiles {
    private HostileFlagFiles() {
    }

    /**
     * "Billion laughs": {@code levels} evaluators, each naming the next {@code fanOut} times ({@code or} over
     * $refs); a flag names the first. Copying $refs would make fanOut^levels nodes.
     */
    public static String billionLaughs(int levels, int fanOut) {
        StringBuilder sb = new StringBuilder("{\"$evaluators\": {");
        for (int i = 0; i < levels; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("\"e").append(i).append("\": ");
            if (i == levels - 1) {
                sb.append("{\"==\": [{\"var\": \"x\"}, 1]}");
            } else {
                sb.append("{\"or\": [");
                for (int k = 0; k < fanOut; k++) {
                    sb.append(k > 0 ? ", " : "").append("{\"$ref\": \"e").append(i + 1).append("\"}");
                }
                sb.append("]}");
            }
        }
        return sb.append("}, ").append(flagNaming("e0")).append("}").toString();
    }

    /** A chain of {@code length} evaluators, {@code {"!": {"$ref": next}}}: nesting that only $refs make deep. */
    public static String refChain(int length) {
        StringBuilder sb = new StringBuilder("{\"$evaluators\": {");
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("\"c").append(i).append("\": ");
            sb.append(i == length - 1 ? "{\"var\": \"x\"}" : "{\"!\": {\"$ref\": \"c" + (i + 1) + "\"}}");
        }
        return sb.append("}, ").append(flagNaming("c0")).append("}").toString();
    }

    private static String flagNaming(String evaluator) {
        return "\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"on\": true, \"off\": false}, \"defaultVariant\": \"off\","
                + " \"targeting\": {\"if\": [{\"$ref\": \"" + evaluator + "\"}, \"on\", \"off\"]}}}";
    }
}
