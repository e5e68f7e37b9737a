package dev.gdn.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.gdn.client.GdnClient;
import dev.gdn.client.Tier;
import dev.gdn.client.TierKind;
import dev.gdn.client.policy.FailoverPolicy;
import dev.gdn.ruleset.compile.FlagdCompiler;
import dev.gdn.ruleset.eval.CompiledRuleset;
import dev.gdn.ruleset.eval.EvaluationContext;
import dev.gdn.ruleset.ofrep.OfrepJson;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three WireMock tiers on 127.0.0.1 (belt CDN → GDN → classic), each serving a real OFREP bulk body
 * (4 flags, made with ruleset-core) with ETag, GDN-Ruleset-Version and GDN-Served-By; faults are
 * stubbed over the healthy answer and cleared by {@link #serveAll}.
 */
final class WireMockTiers implements AutoCloseable {
    static final String KEY = "bench-client-key";
    static final Map<String, Object> CONTEXT = Map.of("targetingKey", "user-42", "email", "ann@example.com", "plan", "enterprise");
    /** Resilience4j caps the minimum calls at the window size: a window longer than any run keeps the breakers closed. */
    static final FailoverPolicy.BreakerSettings NEVER_OPEN = new FailoverPolicy.BreakerSettings(100, 100_000, 100_000, Duration.ofSeconds(5));
    private static final String FLAGS = """
            {"flags": {
              "dark-mode": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                "targeting": {"if": [{"ends_with": [{"var": "email"}, "@example.com"]}, "on", null]}},
              "banner-text": {"state": "ENABLED", "variants": {"welcome": "Welcome back!", "plain": "Hello"},
                "defaultVariant": "plain", "targeting": {"if": [{"==": [{"var": "plan"}, "enterprise"]}, "welcome", null]}},
              "max-items": {"state": "ENABLED", "variants": {"small": 10, "large": 250}, "defaultVariant": "small"},
              "discount-rate": {"state": "ENABLED", "variants": {"none": 0.0, "some": 0.15, "lots": 0.35},
                "defaultVariant": "none", "targeting": {"fractional": [["some", 50], ["lots", 50]]}}
            }}
            """;
    static final int FLAG_COUNT = 4;
    private static final String[] SERVED_BY = {"cdn-edge", "iad/n1", "classic"};

    private final WireMockServer[] servers = new WireMockServer[3];
    private final StubMapping[] faults = new StubMapping[3];
    private final byte[] body;

    WireMockTiers() throws dev.gdn.ruleset.compile.FlagFileException {
        CompiledRuleset rs = CompiledRuleset.of(FlagdCompiler.compile(FLAGS).toRuleset("default", 1, 0, List.of()));
        Map<String, Object> md = new LinkedHashMap<>(rs.metadata());
        md.put("rulesetVersion", 1L);
        body = OfrepJson.bulk(rs.evaluateAll(EvaluationContext.of(CONTEXT)), md);
        for (int i = 0; i < servers.length; i++) {
            servers[i] = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(40)
                    .asynchronousResponseEnabled(true).asynchronousResponseThreads(8).notifier(new ConsoleNotifier(false)));
            servers[i].start();
        }
        serveAll();
    }

    /** Every tier healthy. */
    void serveAll() {
        for (int i = 0; i < servers.length; i++) {
            servers[i].resetAll();
            servers[i].stubFor(any(anyUrl()).willReturn(ok(SERVED_BY[i])));
        }
    }

    /** Tier {@code i} (0: belt CDN) answers every request with {@code response} instead. */
    void fault(int i, ResponseDefinitionBuilder response) {
        faults[i] = servers[i].stubFor(any(anyUrl()).atPriority(1).willReturn(response));
    }

    /** Tier {@code i} healthy again, without a moment of no stubs (as {@link #serveAll} has) under load. */
    void heal(int i) {
        if (faults[i] != null) {
            servers[i].removeStub(faults[i]);
            faults[i] = null;
        }
    }

    ResponseDefinitionBuilder ok(String servedBy) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withHeader("ETag", "\"" + servedBy + "-v1\"")
                .withHeader("GDN-Ruleset-Version", "1").withHeader("GDN-Served-By", servedBy).withBody(body);
    }

    /** Accepts the request and never answers within the tiers' 2 s timeout. */
    ResponseDefinitionBuilder hang() {
        return ok("hung").withFixedDelay(10_000);
    }

    /** A client over the three tiers with the default tier settings (timeout 2 s, hedge delay 75 ms). */
    GdnClient client(FailoverPolicy.BreakerSettings breakers) {
        return GdnClient.builder().clientKey(KEY).breaker(breakers)
                .tier(Tier.of("belt-cdn", TierKind.CDN, "http://127.0.0.1:" + servers[0].port()))
                .tier(Tier.of("gdn", TierKind.GDN, "http://127.0.0.1:" + servers[1].port()))
                .tier(Tier.of("classic", TierKind.CLASSIC, "http://127.0.0.1:" + servers[2].port()))
                .build();
    }

    @Override
    public void close() {
        for (WireMockServer s : servers) {
            s.stop();
        }
    }
}
