package dev.gdn.node.conformance;

import java.util.Map;

/**
 * One way of asking GDN for a flag: what "a flagd provider" is in the testbed's steps. Two implementations,
 * so every scenario runs twice: in process through the evaluator every server uses, and over HTTP through
 * OFREP against a real node.
 */
public interface TestbedResolver extends AutoCloseable {
    /**
     * @param selector the flag set the scenario selects ({@link FlagdTestbed#MERGED} when it names none)
     */
    Answer resolve(String selector, String flagKey, Map<String, Object> context);

    /** What this way of asking is called in reports. */
    String name();

    @Override
    default void close() {
    }

    /**
     * What GDN answered, before an OpenFeature client applies the caller's default.
     *
     * @param variant   null when no variant applies (DISABLED, DEFAULT without a default variant, errors)
     * @param errorCode null on success
     */
    record Answer(Object value, String variant, String reason, String errorCode, Map<String, Object> metadata) {
    }
}
