package dev.gdn.chaos.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users the load reads flags for: a fixed, reproducible pool of evaluation contexts whose
 * attributes cover what targeting rules look at (e-mail domains, countries, app versions with and
 * without a {@code v} prefix or pre-release, plans, spend, nested organisation ids). Several sessions
 * share contexts, so CDN caches get hits as they would from real users.
 */
public final class ContextPool {
    private static final String[] COUNTRIES = {"NL", "SE", "NZ", "US", "DE", "JP", "BR"};
    private static final String[] VERSIONS = {"2.3.9", "2.4.0", "v2.5.1", "3.0.0-beta.1", "1.9.12", "2.4.0+build.7"};
    private static final String[] PLANS = {"free", "pro", "enterprise"};

    private final List<Map<String, Object>> contexts;

    public ContextPool(int size) {
        List<Map<String, Object>> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("targetingKey", "user-" + i);
            c.put("email", "user" + i + (i % 4 == 0 ? "@example.com" : "@mail.test"));
            c.put("country", COUNTRIES[i % COUNTRIES.length]);
            c.put("appVersion", VERSIONS[(i / 3) % VERSIONS.length]);
            c.put("plan", PLANS[(i / 2) % PLANS.length]);
            c.put("lifetimeSpend", (long) ((i * 7919L) % 20_000));
            c.put("user", Map.of("orgId", "org-" + (i % 11)));
            out.add(java.util.Collections.unmodifiableMap(c));
        }
        this.contexts = List.copyOf(out);
    }

    public int size() {
        return contexts.size();
    }

    public Map<String, Object> get(int i) {
        return contexts.get(Math.floorMod(i, contexts.size()));
    }
}
