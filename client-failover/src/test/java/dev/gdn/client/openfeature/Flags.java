package dev.gdn.client.openfeature;

/** The flag file every provider test publishes (SPEC §1 flagd format). */
final class Flags {
    private Flags() {
    }

    static String file(String bannerGreeting) {
        return """
                {
                  "metadata": { "team": "core", "tier": 1 },
                  "flags": {
                    "static-bool": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "on" },
                    "banner": {
                      "state": "ENABLED",
                      "variants": { "welcome": "%s", "plain": "Hello" },
                      "defaultVariant": "plain",
                      "targeting": { "if": [{ "==": [{ "var": "plan" }, "enterprise"] }, "welcome", null] },
                      "metadata": { "owner": "web" }
                    },
                    "max-items": {
                      "state": "ENABLED",
                      "variants": { "small": 10, "large": 250 },
                      "defaultVariant": "small",
                      "targeting": { "if": [{ "in": [{ "var": "plan" }, ["enterprise", "team"]] }, "large", "small"] }
                    },
                    "ratio": {
                      "state": "ENABLED",
                      "variants": { "low": 0.25, "high": 2.5 },
                      "defaultVariant": "low",
                      "targeting": { "if": [{ "var": "vip" }, "high", null] }
                    },
                    "whole-float": { "state": "ENABLED", "variants": { "three": 3.0 }, "defaultVariant": "three" },
                    "big-number": { "state": "ENABLED", "variants": { "big": 10000000000 }, "defaultVariant": "big" },
                    "theme": {
                      "state": "ENABLED",
                      "variants": {
                        "classic": { "primary": "#2980b9", "dense": false, "radius": 4, "scale": 1.5, "fonts": ["Inter", "system-ui"] }
                      },
                      "defaultVariant": "classic"
                    },
                    "retired": { "state": "DISABLED", "variants": { "on": true, "off": false }, "defaultVariant": "on" },
                    "no-default": {
                      "state": "ENABLED",
                      "variants": { "on": true, "off": false },
                      "targeting": { "if": [{ "ends_with": [{ "var": "email" }, "@example.com"] }, "on", null] }
                    },
                    "bad-target": {
                      "state": "ENABLED",
                      "variants": { "a": "A", "b": "B" },
                      "defaultVariant": "a",
                      "targeting": { "var": "pick" }
                    },
                    "split": {
                      "state": "ENABLED",
                      "variants": { "red": "red", "blue": "blue" },
                      "defaultVariant": "red",
                      "targeting": { "fractional": [["red", 50], ["blue", 50]] }
                    }
                  }
                }
                """.formatted(bannerGreeting);
    }

    static final String FLAGS = file("Welcome back!");
}
