package dev.gdn.ruleset.fuzz;

import java.util.List;

/** What a message a user reads must never contain: the parser library's internals. */
final class Messages {
    private static final List<String> LEAKS = List.of("Jackson", "fasterxml", "Feature", "`", "(code ", "[Source",
            "REDACTED", "StreamRead", "JsonToken", "Exception", "\tat ");

    private Messages() {
    }

    /** Quoted text is the input's own (a property name, an unrecognized word): it may contain anything. */
    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("'[^']*'|\"[^\"]*\"");

    static void assertClean(String message) {
        if (message == null || message.isBlank()) {
            throw new AssertionError("an empty message");
        }
        String ours = QUOTED.matcher(message).replaceAll("''");
        for (String leak : LEAKS) {
            if (ours.contains(leak)) {
                throw new AssertionError("message names internals (" + leak + "): " + message);
            }
        }
    }
}
