package dev.gdn.client.openfeature;

import dev.gdn.client.Evaluations;
import dev.gdn.client.FlagResolution;
import dev.gdn.client.FlagType;
import dev.gdn.client.GdnClient;
import dev.gdn.client.ServingStatus;
import dev.gdn.client.local.LocalRulesets;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.GeneralError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The OpenFeature provider over a {@link GdnClient}, in the client's mode: remote (bulk answers
 * through the failover chain, per context) or local (a verified ruleset evaluated in-process).
 *
 * <p>Mapping (SPEC §2, the OpenFeature specification):
 * <ul>
 *   <li>a value: that value, its variant and reason (STATIC, TARGETING_MATCH, DEFAULT, ...);</li>
 *   <li>DISABLED, or DEFAULT with no default variant: the caller's default with reason DISABLED /
 *       DEFAULT, no variant, no error;</li>
 *   <li>FLAG_NOT_FOUND, TYPE_MISMATCH, PARSE_ERROR, GENERAL, ...: that error code, the caller's default;</li>
 *   <li>served from last-known-good (remote) or from a ruleset no tier has confirmed since the last
 *       attempt (local, including a cold start from disk): reason STALE;</li>
 *   <li>nothing to serve at all: the caller's default, reason ERROR, error GENERAL.</li>
 * </ul>
 * Integers: {@code getIntegerValue} takes a JSON integer that fits an {@code int}, or a float with no
 * fractional part (3.0); a fractional float or an out-of-range integer is TYPE_MISMATCH (never
 * truncated). {@code getDoubleValue} takes any number.
 *
 * <p>Events: READY after {@link #initialize} (emitted by the SDK), again when answers recover;
 * CONFIGURATION_CHANGED when a newer ruleset version is in use (with the changed flag keys in local
 * mode); STALE when serving stale data; ERROR when there is nothing to serve or the key is rejected.
 * {@link #shutdown} closes the client: no thread of it is left.
 */
public final class GdnProvider extends EventProvider {
    public static final Duration DEFAULT_INIT_TIMEOUT = Duration.ofSeconds(5);

    /** The provider's view of its health, to emit an event only on a change. */
    private enum Health { READY, STALE, ERROR }

    private final GdnClient client;
    private final Duration initTimeout;
    private final AtomicReference<Health> reported = new AtomicReference<>();
    private final AtomicLong highestVersion = new AtomicLong();
    private final Consumer<LocalRulesets.Change> localListener = this::onLocalChange;
    private final Consumer<Evaluations> answerListener = this::onAnswer;
    private volatile boolean initialized;

    public GdnProvider(GdnClient client) {
        this(client, DEFAULT_INIT_TIMEOUT);
    }

    /**
     * @param initTimeout how long {@link #initialize} waits for the first answer (remote) or the first
     *                    verified ruleset (local) before failing, which puts the provider in ERROR
     */
    public GdnProvider(GdnClient client, Duration initTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.initTimeout = Objects.requireNonNull(initTimeout, "initTimeout");
        if (client.localRulesets() != null) {
            client.localRulesets().addListener(localListener);
        } else {
            client.addAnswerListener(answerListener); // answers the event stream triggers, not only the app's
        }
    }

    @Override
    public Metadata getMetadata() {
        return () -> "gdn";
    }

    public GdnClient client() {
        return client;
    }

    /** Which tier served, the version in use, its age and freshness, and every breaker. */
    public ServingStatus status() {
        return client.servingStatus();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void initialize(EvaluationContext evaluationContext) throws Exception {
        long end = System.nanoTime() + initTimeout.toNanos();
        LocalRulesets local = client.localRulesets();
        if (local != null) {
            if (!local.awaitRuleset(initTimeout)) {
                throw new GeneralError(local.credentialsRejected()
                        ? "GDN rejected the server key: " + local.lastError()
                        : "no verified ruleset within " + initTimeout.toMillis() + " ms"
                        + (local.lastError() == null ? "" : ": " + local.lastError()));
            }
            highestVersion.accumulateAndGet(local.current().version(), Math::max);
        } else {
            Map<String, Object> ctx = Contexts.toMap(evaluationContext);
            String why = "no answer";
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new GeneralError("no answer from any tier within " + initTimeout.toMillis() + " ms: " + why);
                }
                Evaluations e;
                try {
                    e = client.evaluateAsync(ctx).get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException timedOut) {
                    continue;
                } catch (ExecutionException failed) {
                    why = String.valueOf(failed.getCause());
                    e = null;
                }
                if (e != null && e.freshness() != Evaluations.Freshness.NONE) {
                    highestVersion.accumulateAndGet(e.version(), Math::max);
                    break;
                }
                if (e != null) {
                    why = e.error();
                    if (why != null && why.startsWith("API key rejected")) {
                        throw new GeneralError(why);
                    }
                }
                Thread.sleep(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            }
        }
        // The SDK emits PROVIDER_READY when this returns; a STALE (cold start from disk) is emitted by the
        // next evaluation or refresh, so it cannot arrive before that READY.
        reported.set(Health.READY);
        initialized = true;
    }

    @Override
    public void shutdown() {
        initialized = false;
        if (client.localRulesets() != null) {
            client.localRulesets().removeListener(localListener);
        }
        client.removeAnswerListener(answerListener);
        client.close();
        super.shutdown();
    }

    // ---------------------------------------------------------------- evaluations

    @Override
    public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, FlagType.BOOLEAN, v -> (Boolean) v);
    }

    @Override
    public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, FlagType.STRING, v -> (String) v);
    }

    @Override
    public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, FlagType.INTEGER, v -> {
            long l = (Long) v;
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw new OutOfRange(l);
            }
            return (int) l;
        });
    }

    @Override
    public ProviderEvaluation<Long> getLongEvaluation(String key, Long defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, FlagType.INTEGER, v -> (Long) v);
    }

    @Override
    public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, FlagType.DOUBLE, v -> (Double) v);
    }

    @Override
    public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
        return evaluate(key, defaultValue, ctx, FlagType.OBJECT, Value::objectToValue);
    }

    private static final class OutOfRange extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfRange(long value) {
            super("value " + value + " does not fit an int: use getLongValue", null, false, false);
        }
    }

    private <T> ProviderEvaluation<T> evaluate(String key, T defaultValue, EvaluationContext ctx, FlagType type,
                                              Function<Object, T> convert) {
        FlagResolution r = client.resolve(key, type, Contexts.toMap(ctx));
        observe(r);
        ImmutableMetadata metadata = Contexts.metadata(r.metadata());
        if (r.isError()) {
            return error(defaultValue, toErrorCode(r.errorCode()), r.errorDetails(), metadata);
        }
        if (!r.hasValue()) {
            // DISABLED, or DEFAULT with no default variant: the code default, no variant, not an error.
            return ProviderEvaluation.<T>builder().value(defaultValue).reason(r.reason()).flagMetadata(metadata).build();
        }
        T value;
        try {
            value = convert.apply(r.value());
        } catch (OutOfRange e) {
            return error(defaultValue, ErrorCode.TYPE_MISMATCH, "flag '" + key + "': " + e.getMessage(), metadata);
        }
        return ProviderEvaluation.<T>builder().value(value).variant(r.variant()).reason(r.reason()).flagMetadata(metadata).build();
    }

    private static <T> ProviderEvaluation<T> error(T defaultValue, ErrorCode code, String message, ImmutableMetadata metadata) {
        return ProviderEvaluation.<T>builder().value(defaultValue).reason(FlagResolution.ERROR).errorCode(code)
                .errorMessage(message).flagMetadata(metadata).build();
    }

    private static ErrorCode toErrorCode(String code) {
        try {
            return ErrorCode.valueOf(code);
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return ErrorCode.GENERAL;
        }
    }

    // ---------------------------------------------------------------- events

    /** Remote mode learns of versions and outages from answers; local mode from its refresh thread too. */
    private void observe(FlagResolution r) {
        if (!initialized) {
            return;
        }
        if (client.localRulesets() == null && r.version() > 0) {
            long before = highestVersion.getAndAccumulate(r.version(), Math::max);
            if (before > 0 && r.version() > before) {
                emitProviderConfigurationChanged(ProviderEventDetails.builder()
                        .message("ruleset version " + r.version() + " (was " + before + ")").eventMetadata(versionMetadata(r.version()))
                        .build());
            }
        }
        reconcile();
    }

    /** Remote mode: every answer, including the re-fetch a change notification triggers before the app asks. */
    private void onAnswer(Evaluations e) {
        if (!initialized || e.version() <= 0 || e.freshness() != Evaluations.Freshness.FRESH) {
            return;
        }
        long before = highestVersion.getAndAccumulate(e.version(), Math::max);
        if (before > 0 && e.version() > before) {
            emitProviderConfigurationChanged(ProviderEventDetails.builder()
                    .message("ruleset version " + e.version() + " (was " + before + ")").eventMetadata(versionMetadata(e.version()))
                    .build());
        }
        reconcile();
    }

    private void onLocalChange(LocalRulesets.Change change) {
        if (!initialized) {
            return;
        }
        if (change.kind() == LocalRulesets.Change.Kind.NEW_VERSION || change.kind() == LocalRulesets.Change.Kind.LOADED) {
            long before = highestVersion.getAndAccumulate(change.version(), Math::max);
            if (change.version() > before) {
                emitProviderConfigurationChanged(ProviderEventDetails.builder().flagsChanged(new ArrayList<>(change.flagsChanged()))
                        .message(change.message()).eventMetadata(versionMetadata(change.version())).build());
            }
        }
        reconcile();
    }

    private static ImmutableMetadata versionMetadata(long version) {
        return ImmutableMetadata.builder().addLong("rulesetVersion", version).build();
    }

    /** Emits READY / STALE / ERROR when what the provider can serve changed since the last event. */
    private void reconcile() {
        if (!initialized) {
            return;
        }
        Health now;
        String message;
        LocalRulesets local = client.localRulesets();
        if (local != null) {
            if (local.current() == null || local.credentialsRejected()) {
                now = Health.ERROR;
            } else {
                now = local.isFresh() ? Health.READY : Health.STALE;
            }
            message = local.lastError();
        } else {
            Evaluations last = client.lastAnswer();
            if (last == null) {
                return;
            }
            now = switch (last.freshness()) {
                case FRESH -> Health.READY;
                case STALE -> Health.STALE;
                case NONE -> Health.ERROR;
            };
            message = last.error();
        }
        Health before = reported.get();
        if (before == now || !reported.compareAndSet(before, now)) {
            return;
        }
        ProviderEventDetails details = ProviderEventDetails.builder().message(message).build();
        switch (now) {
            case READY -> emitProviderReady(details);
            case STALE -> emitProviderStale(details);
            case ERROR -> emitProviderError(ProviderEventDetails.builder().message(message).errorCode(ErrorCode.GENERAL).build());
        }
    }

    // ---------------------------------------------------------------- conversions

    /** OpenFeature values to and from the plain JSON values of ruleset-core. */
    static final class Contexts {
        private Contexts() {
        }

        /** The evaluation context as a JSON object: integers as Long, floats as Double, instants as ISO-8601 strings. */
        static Map<String, Object> toMap(EvaluationContext ctx) {
            if (ctx == null || ctx.isEmpty() && ctx.getTargetingKey() == null) {
                return Map.of();
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (String k : ctx.keySet()) {
                out.put(k, plain(ctx.getValue(k)));
            }
            String tk = ctx.getTargetingKey();
            if (tk != null && !tk.isEmpty()) {
                out.put(EvaluationContext.TARGETING_KEY, tk);
            }
            return out;
        }

        static Object plain(Value v) {
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isBoolean()) {
                return v.asBoolean();
            }
            if (v.isString()) {
                return v.asString();
            }
            if (v.isNumber()) {
                Object n = v.asObject();
                return n instanceof Double || n instanceof Float ? (Object) ((Number) n).doubleValue() : (Object) ((Number) n).longValue();
            }
            if (v.isInstant()) {
                Instant i = v.asInstant();
                return i.toString();
            }
            if (v.isList()) {
                List<Object> list = new ArrayList<>();
                for (Value item : v.asList()) {
                    list.add(plain(item));
                }
                return list;
            }
            if (v.isStructure()) {
                Structure s = v.asStructure();
                Map<String, Object> m = new LinkedHashMap<>();
                for (String k : s.keySet()) {
                    m.put(k, plain(s.getValue(k)));
                }
                return m;
            }
            return String.valueOf(v.asObject());
        }

        /** Flag metadata: strings, booleans, integers (int when it fits, else long) and doubles. */
        static ImmutableMetadata metadata(Map<String, Object> md) {
            if (md == null || md.isEmpty()) {
                return EMPTY;
            }
            ImmutableMetadata.ImmutableMetadataBuilder b = ImmutableMetadata.builder();
            for (Map.Entry<String, Object> e : md.entrySet()) {
                Object v = e.getValue();
                if (v instanceof String s) {
                    b.addString(e.getKey(), s);
                } else if (v instanceof Boolean bool) {
                    b.addBoolean(e.getKey(), bool);
                } else if (v instanceof Double || v instanceof Float) {
                    b.addDouble(e.getKey(), ((Number) v).doubleValue());
                } else if (v instanceof Number n) {
                    long l = n.longValue();
                    if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                        b.addInteger(e.getKey(), (int) l);
                    } else {
                        b.addLong(e.getKey(), l);
                    }
                }
            }
            return b.build();
        }

        private static final ImmutableMetadata EMPTY = ImmutableMetadata.builder().build();
    }
}
