package dev.gdn.ruleset.fuzz;

import java.util.List;

/** What a message a user reads must never contain: the parser library's internals. */
final class Messages {
    private static final List<String> LEAKS = List.of("Jackson", "fasterxml", "Feature", "`", "(code ", "[Source",
            "REDACTED", "StreamRead", "JsonToken", "Exception", "\tat ");

    private Messages() {
    }

    /**
     * @param input what the user sent: a message may repeat its text (a property name, a variant name, an
     *              unrecognized word), so only words the input does not contain count as leaks
     */
    static void assertClean(String message, byte[] input) {
        if (message == null || message.isBlank()) {
            throw new AssertionError("an empty message");
        }
        String sent = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        for (String leak : LEAKS) {
            if (message.contains(leak) && !sent.contains(leak)) {
                throw new AssertionError("message names internals (" + leak + "): " + message);
            }
        }
    }
}
