package dev.gdn.client.openfeature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gdn.client.GdnClient;
import dev.gdn.client.ServingStatus;
import dev.gdn.client.TestNode;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.NoOpProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Typed evaluations through the OpenFeature Java SDK against a real node, in both modes, with the
 * same expectations: the modes must not differ in any value, variant, reason or error code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GdnProviderTest {
    @TempDir
    static Path dir;
    private TestNode node;
    private final OpenFeatureAPI api = OpenFeatureAPI.getInstance();

    @BeforeAll
    void startNode() throws Exception {
        node = new TestNode(dir).publish(Flags.FLAGS, 1).start();
    }

    @AfterAll
    void stopNode() {
        node.close();
    }

    private Client client(ServingStatus.Mode mode) throws Exception {
        GdnClient.Builder b = GdnClient.builder()
                .tier(Tier.of("belt-cdn", TierKind.CDN, TestNode.deadUrl()))
                .tier(Tier.of("gdn", TierKind.GDN, node.url()));
        if (mode == ServingStatus.Mode.LOCAL) {
            b.localEvaluation(TestNode.SERVER_KEY, node.trusted, dir.resolve("cache-" + UUID.randomUUID()), Duration.ofSeconds(30));
        } else {
            b.clientKey(TestNode.CLIENT_KEY);
        }
        String domain = "provider-" + mode + "-" + UUID.randomUUID();
        api.setProviderAndWait(domain, new GdnProvider(b.build(), Duration.ofSeconds(10)));
        Client c = api.getClient(domain);
        assertEquals(ProviderState.READY, c.getProviderState());
        return c;
    }

    private void release(Client c) {
        api.setProviderAndWait(c.getMetadata().getDomain(), new NoOpProvider());
    }

    private static ImmutableContext ctx(String targetingKey, Map<String, Value> attrs) {
        return new ImmutableContext(targetingKey, attrs);
    }

    private static <T> void assertDetails(FlagEvaluationDetails<T> d, T value, String variant, String reason, ErrorCode error) {
        assertEquals(value, d.getValue(), () -> "value of " + d);
        assertEquals(variant, d.getVariant(), () -> "variant of " + d);
        assertEquals(reason, d.getReason(), () -> "reason of " + d);
        assertEquals(error, d.getErrorCode(), () -> "error code of " + d);
    }

    @ParameterizedTest
    @EnumSource(ServingStatus.Mode.class)
    void typedEvaluationsAndReasons(ServingStatus.Mode mode) throws Exception {
        Client c = client(mode);
        try {
            ImmutableContext none = ctx("user-1", Map.of());
            ImmutableContext enterprise = ctx("user-2", Map.of("plan", new Value("enterprise"), "vip", new Value(true),
                    "email", new Value("ada@example.com")));

            // boolean, STATIC
            assertDetails(c.getBooleanDetails("static-bool", false, none), true, "on", "STATIC", null);
            // string, TARGETING_MATCH vs DEFAULT (targeting returned null → default variant)
            assertDetails(c.getStringDetails("banner", "x", enterprise), "Welcome back!", "welcome", "TARGETING_MATCH", null);
            assertDetails(c.getStringDetails("banner", "x", none), "Hello", "plain", "DEFAULT", null);
            // integer with `in`; the same number as a double widens
            assertDetails(c.getIntegerDetails("max-items", 0, ctx("u", Map.of("plan", new Value("team")))), 250, "large",
                    "TARGETING_MATCH", null);
            assertDetails(c.getIntegerDetails("max-items", 0, none), 10, "small", "TARGETING_MATCH", null);
            assertDetails(c.getDoubleDetails("max-items", 0.0, none), 10.0, "small", "TARGETING_MATCH", null);
            assertDetails(c.getLongDetails("max-items", 0L, none), 10L, "small", "TARGETING_MATCH", null);
            // double
            assertDetails(c.getDoubleDetails("ratio", 9.0, none), 0.25, "low", "DEFAULT", null);
            assertDetails(c.getDoubleDetails("ratio", 9.0, enterprise), 2.5, "high", "TARGETING_MATCH", null);
            // integer on floats: integral float accepted, fractional float is a type mismatch (never truncated)
            assertDetails(c.getIntegerDetails("whole-float", 0, none), 3, "three", "STATIC", null);
            assertDetails(c.getIntegerDetails("ratio", 7, none), 7, null, "ERROR", ErrorCode.TYPE_MISMATCH);
            // an integer that does not fit an int: TYPE_MISMATCH as int, fine as long
            assertDetails(c.getIntegerDetails("big-number", 7, none), 7, null, "ERROR", ErrorCode.TYPE_MISMATCH);
            assertDetails(c.getLongDetails("big-number", 7L, none), 10_000_000_000L, "big", "STATIC", null);
            // type mismatches across kinds
            assertDetails(c.getStringDetails("static-bool", "dflt", none), "dflt", null, "ERROR", ErrorCode.TYPE_MISMATCH);
            assertDetails(c.getBooleanDetails("banner", true, none), true, null, "ERROR", ErrorCode.TYPE_MISMATCH);
            assertDetails(c.getBooleanDetails("theme", true, none), true, null, "ERROR", ErrorCode.TYPE_MISMATCH);
            Value objDefault = new Value("object default");
            assertDetails(c.getObjectDetails("static-bool", objDefault, none), objDefault, null, "ERROR", ErrorCode.TYPE_MISMATCH);

            // object
            FlagEvaluationDetails<Value> theme = c.getObjectDetails("theme", new Value(), none);
            assertEquals("STATIC", theme.getReason());
            assertEquals("classic", theme.getVariant());
            Structure s = theme.getValue().asStructure();
            assertEquals("#2980b9", s.getValue("primary").asString());
            assertEquals(false, s.getValue("dense").asBoolean());
            assertEquals(4, s.getValue("radius").asInteger());
            assertEquals(1.5, s.getValue("scale").asDouble());
            assertEquals(List.of("Inter", "system-ui"), s.getValue("fonts").asList().stream().map(Value::asString).toList());

            // DISABLED: the caller's default, reason DISABLED, no variant, no error
            assertDetails(c.getBooleanDetails("retired", false, none), false, null, "DISABLED", null);
            assertDetails(c.getBooleanDetails("retired", true, none), true, null, "DISABLED", null);
            // DEFAULT with no default variant: the caller's default, reason DEFAULT, no error
            assertDetails(c.getBooleanDetails("no-default", false, none), false, null, "DEFAULT", null);
            assertDetails(c.getBooleanDetails("no-default", true, none), true, null, "DEFAULT", null);
            assertDetails(c.getBooleanDetails("no-default", false, enterprise), true, "on", "TARGETING_MATCH", null);
            // targeting names no variant → GENERAL; names one → that one
            assertDetails(c.getStringDetails("bad-target", "d", ctx("u", Map.of("pick", new Value("zzz")))), "d", null, "ERROR",
                    ErrorCode.GENERAL);
            assertDetails(c.getStringDetails("bad-target", "d", ctx("u", Map.of("pick", new Value("b")))), "B", "b",
                    "TARGETING_MATCH", null);
            // unknown flag
            assertDetails(c.getStringDetails("no-such-flag", "d", none), "d", null, "ERROR", ErrorCode.FLAG_NOT_FOUND);

            // metadata: flag-set merged with the flag's own
            FlagEvaluationDetails<String> banner = c.getStringDetails("banner", "x", none);
            assertEquals("web", banner.getFlagMetadata().getString("owner"));
            assertEquals("core", banner.getFlagMetadata().getString("team"));
            assertEquals(1, banner.getFlagMetadata().getInteger("tier"));

            // fractional: the same bucket as ruleset-core for each targeting key (SPEC §2), in both modes
            CompiledRuleset expected = CompiledRuleset.of(FlagdCompiler.compile(Flags.FLAGS).toRuleset("prod", 1, 0, List.of()));
            for (int i = 0; i < 20; i++) {
                String tk = "user-" + i;
                Object want = expected.evaluate("split", EvaluationContext.of(Map.of("targetingKey", tk))).value();
                assertEquals(want, c.getStringValue("split", "none", new ImmutableContext(tk)), tk);
            }
            // context built with a mutable context and nested structures reaches targeting
            MutableContext mc = new MutableContext("user-9");
            mc.add("plan", "enterprise");
            assertEquals("Welcome back!", c.getStringValue("banner", "x", mc));

            // status: the tier that served, the version in use, breakers
            ServingStatus st = ((GdnProvider) api.getProvider(c.getMetadata().getDomain())).status();
            assertEquals(mode, st.mode());
            assertEquals(1, st.version());
            assertEquals("gdn", st.tier());
            assertEquals(ServingStatus.Mode.LOCAL == mode ? 1 : 2, st.endpoints().size(),
                    "local mode leaves CDN tiers out of its chain: " + st.endpoints());
            assertTrue(st.age().toMillis() < 60_000, String.valueOf(st));
            assertNull(st.lastError());
        } finally {
            release(c);
        }
    }
}
