package dev.gdn.bench;

import java.util.Random;

/**
 * Builds a flagd flag-definition file in memory, deterministically (fixed seed): the same
 * {@code (flagCount, seed)} always gives the same text, so runs are comparable without committing
 * large data files.
 *
 * <p>The mix, per flag (weights in {@link #KINDS}): static flags of every variant type, DISABLED
 * flags, {@code if} with {@code ==}, {@code in} (list and substring), {@code <}, {@code starts_with},
 * {@code ends_with}, {@code sem_ver}; {@code and}/{@code or} combinations; multi-branch {@code if};
 * {@code fractional} with and without a {@code bucketBy} expression; nested {@code var} paths
 * ({@code user.org.tier}) with defaults; and {@code $ref}s to shared {@code $evaluators}. The
 * attribute values it tests are the ones {@link ContextGenerator} produces, so rules both match and
 * miss.
 */
public final class FlagdGenerator {
    static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
    static final String[] COUNTRIES = {"US", "DE", "FR", "GB", "IN", "BR", "JP", "NL", "ES", "CA", "SE", "PL"};
    static final String[] DOMAINS = {"gmail.com", "acme.com", "gdn.dev", "example.org", "corp.acme.com", "mail.fr"};
    static final String[] TIERS = {"bronze", "silver", "gold", "platinum"};
    static final String[] VERSIONS = {"1.9.3", "2.0.0", "2.4.1", "3.0.0-beta.2", "3.0.0", "3.1.7", "3.2.0", "4.0.1"};
    static final String[] SEMVER_OPS = {">=", "<", "^", "~", "=", ">"};

    private enum Kind {
        STATIC, DISABLED, EQ, IN_LIST, IN_SUBSTRING, LT, STARTS_WITH, ENDS_WITH, SEM_VER,
        AND_OR, MULTI_IF, FRACTIONAL, FRACTIONAL_BUCKET_BY, NESTED_VAR, REF
    }

    /** Relative frequency of each kind (roughly: a third static/disabled, the rest targeted). */
    private static final int[] KINDS = {
        /* STATIC */ 22, /* DISABLED */ 6, /* EQ */ 8, /* IN_LIST */ 6, /* IN_SUBSTRING */ 4, /* LT */ 5,
        /* STARTS_WITH */ 4, /* ENDS_WITH */ 5, /* SEM_VER */ 7, /* AND_OR */ 8, /* MULTI_IF */ 5,
        /* FRACTIONAL */ 6, /* FRACTIONAL_BUCKET_BY */ 4, /* NESTED_VAR */ 5, /* REF */ 5,
    };

    private static final String EVALUATORS = """
            "$evaluators": {
              "isPaid": {"in": [{"var": "plan"}, ["pro", "enterprise"]]},
              "isInternal": {"ends_with": [{"var": "email"}, "@gdn.dev"]},
              "isEU": {"in": [{"var": "country"}, ["DE", "FR", "NL", "ES", "SE", "PL"]]},
              "modernApp": {"sem_ver": [{"var": "appVersion"}, ">=", "3.0.0"]},
              "bigOrg": {"in": [{"var": "user.org.tier"}, ["gold", "platinum"]]}
            }""";
    private static final String[] REFS = {"isPaid", "isInternal", "isEU", "modernApp", "bigOrg"};

    private FlagdGenerator() {
    }

    public static String generate(int flagCount, long seed) {
        Random rnd = new Random(seed);
        int totalWeight = 0;
        for (int w : KINDS) {
            totalWeight += w;
        }
        StringBuilder sb = new StringBuilder(flagCount * 260 + 1024);
        sb.append("{\n  \"$schema\": \"https://flagd.dev/schema/v0/flags.json\",\n");
        sb.append("  \"metadata\": {\"team\": \"bench\", \"generatedBy\": \"gdn-benchmarks\"},\n");
        sb.append("  ").append(EVALUATORS).append(",\n  \"flags\": {\n");
        for (int i = 0; i < flagCount; i++) {
            int pick = rnd.nextInt(totalWeight);
            int k = 0;
            while (pick >= KINDS[k]) {
                pick -= KINDS[k++];
            }
            Kind kind = Kind.values()[k];
            String key = String.format("flag-%05d-%s", i, kind.name().toLowerCase().replace('_', '-'));
            sb.append("    \"").append(key).append("\": ");
            appendFlag(sb, kind, rnd);
            sb.append(i + 1 < flagCount ? ",\n" : "\n");
        }
        sb.append("  }\n}\n");
        return sb.toString();
    }

    private static void appendFlag(StringBuilder sb, Kind kind, Random rnd) {
        switch (kind) {
            case STATIC -> {
                switch (rnd.nextInt(4)) {
                    case 0 -> flag(sb, "ENABLED", BOOL, rnd.nextBoolean() ? "true" : "false", null);
                    case 1 -> flag(sb, "ENABLED", "{\"red\": \"#d00\", \"green\": \"#0a0\", \"blue\": \"#00d\"}", "green", null);
                    case 2 -> flag(sb, "ENABLED", "{\"low\": 10, \"mid\": 50, \"high\": 250.5}", "mid", null);
                    default -> flag(sb, "ENABLED",
                            "{\"compact\": {\"rows\": 20, \"dense\": true}, \"comfy\": {\"rows\": 10, \"dense\": false}}",
                            "comfy", null);
                }
            }
            case DISABLED -> flag(sb, "DISABLED", BOOL, "false",
                    "{\"if\": [{\"==\": [{\"var\": \"plan\"}, \"pro\"]}, \"true\", \"false\"]}");
            case EQ -> flag(sb, "ENABLED", ON_OFF, "off",
                    "{\"if\": [{\"==\": [{\"var\": \"plan\"}, \"" + pick(rnd, PLANS) + "\"]}, \"on\", \"off\"]}");
            case IN_LIST -> flag(sb, "ENABLED", BOOL, "false",
                    "{\"if\": [{\"in\": [{\"var\": \"country\"}, [\"" + pick(rnd, COUNTRIES) + "\", \""
                            + pick(rnd, COUNTRIES) + "\", \"" + pick(rnd, COUNTRIES) + "\"]]}, \"true\", \"false\"]}");
            case IN_SUBSTRING -> flag(sb, "ENABLED", BOOL, "false",
                    "{\"if\": [{\"in\": [\"" + pick(rnd, new String[] {"acme", "gdn", "mail"}) + "\", {\"var\": \"email\"}]}, true, false]}");
            case LT -> flag(sb, "ENABLED", "{\"minor\": \"restricted\", \"adult\": \"full\"}", "adult",
                    "{\"if\": [{\"<\": [{\"var\": \"age\"}, " + (16 + rnd.nextInt(10)) + "]}, \"minor\", \"adult\"]}");
            case STARTS_WITH -> flag(sb, "ENABLED", ON_OFF, "off",
                    "{\"if\": [{\"starts_with\": [{\"var\": \"targetingKey\"}, \"user-" + Integer.toHexString(rnd.nextInt(16))
                            + "\"]}, \"on\", \"off\"]}");
            case ENDS_WITH -> flag(sb, "ENABLED", ON_OFF, "off",
                    "{\"if\": [{\"ends_with\": [{\"var\": \"email\"}, \"@" + pick(rnd, DOMAINS) + "\"]}, \"on\", \"off\"]}");
            case SEM_VER -> flag(sb, "ENABLED", BOOL, "false",
                    "{\"if\": [{\"sem_ver\": [{\"var\": \"appVersion\"}, \"" + pick(rnd, SEMVER_OPS) + "\", \""
                            + pick(rnd, VERSIONS) + "\"]}, \"true\", \"false\"]}");
            case AND_OR -> flag(sb, "ENABLED", BOOL, "false",
                    "{\"if\": [{\"and\": [{\"$ref\": \"" + pick(rnd, REFS) + "\"}, {\"or\": ["
                            + "{\"==\": [{\"var\": \"user.org.tier\"}, \"" + pick(rnd, TIERS) + "\"]}, "
                            + "{\">=\": [{\"var\": \"age\"}, " + (20 + rnd.nextInt(40)) + "]}, "
                            + "{\"starts_with\": [{\"var\": \"email\"}, \"a\"]}]}]}, \"true\", \"false\"]}");
            case MULTI_IF -> flag(sb, "ENABLED", "{\"v1\": 1, \"v2\": 2, \"v3\": 3, \"v4\": 4}", "v1",
                    "{\"if\": [{\"==\": [{\"var\": \"plan\"}, \"enterprise\"]}, \"v4\", "
                            + "{\"and\": [{\"==\": [{\"var\": \"plan\"}, \"pro\"]}, {\"$ref\": \"isEU\"}]}, \"v3\", "
                            + "{\"sem_ver\": [{\"var\": \"appVersion\"}, \"^\", \"" + (2 + rnd.nextInt(2)) + ".0.0\"]}, \"v2\", null]}");
            case FRACTIONAL -> flag(sb, "ENABLED", "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\"}", "a",
                    "{\"fractional\": [[\"a\", " + (10 + rnd.nextInt(40)) + "], [\"b\", " + (10 + rnd.nextInt(40))
                            + "], [\"c\", 50]]}");
            case FRACTIONAL_BUCKET_BY -> flag(sb, "ENABLED", "{\"control\": false, \"treatment\": true}", "control",
                    "{\"if\": [{\"$ref\": \"isPaid\"}, {\"fractional\": [{\"cat\": [{\"var\": \"$flagd.flagKey\"}, "
                            + "{\"var\": \"user.org.id\"}]}, [\"control\", 50], [\"treatment\", 50]]}, \"control\"]}");
            case NESTED_VAR -> flag(sb, "ENABLED", "{\"basic\": \"basic\", \"premium\": \"premium\"}", "basic",
                    "{\"if\": [{\"==\": [{\"var\": [\"user.org.tier\", \"bronze\"]}, \"" + pick(rnd, TIERS)
                            + "\"]}, \"premium\", null]}");
            case REF -> flag(sb, "ENABLED", BOOL, "false",
                    "{\"if\": [{\"$ref\": \"" + pick(rnd, REFS) + "\"}, \"true\", \"false\"]}");
            default -> throw new AssertionError(kind);
        }
    }

    private static final String BOOL = "{\"true\": true, \"false\": false}";
    private static final String ON_OFF = "{\"on\": \"on\", \"off\": \"off\"}";

    private static void flag(StringBuilder sb, String state, String variants, String defaultVariant, String targeting) {
        sb.append("{\"state\": \"").append(state).append("\", \"variants\": ").append(variants)
                .append(", \"defaultVariant\": \"").append(defaultVariant).append('"');
        if (targeting != null) {
            sb.append(", \"targeting\": ").append(targeting);
        }
        sb.append('}');
    }

    static String pick(Random rnd, String[] from) {
        return from[rnd.nextInt(from.length)];
    }
}
