package dev.gdn.sync.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Small helpers the bucket stores share: reading {@code scheme://bucket/prefix?k=v} URIs and checking
 * keys, so that every backend accepts and rejects the same keys as {@code FileObjectStore}.
 */
public final class StoreUris {
    private StoreUris() {
    }

    /** The bucket: the URI's authority. Rejects user info, so a name built from it never holds a secret. */
    public static String bucket(URI uri, String display) throws StoreException {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new InvalidStoreUriException(display, "no bucket in URI (expected "
                    + uri.getScheme() + "://bucket/optional/prefix)", null);
        }
        if (authority.contains("@")) {
            throw new InvalidStoreUriException(display,
                    "credentials do not belong in a store URI; use the provider's credential chain", null);
        }
        return authority;
    }

    /** The key prefix from the URI path: "" or "a/b/" (always ending in '/'). */
    public static String prefix(URI uri) {
        return normalizePrefix(uri.getPath() == null ? "" : uri.getPath());
    }

    /** "/a/b/" or "a/b" → "a/b/"; "" or "/" → "". */
    public static String normalizePrefix(String path) {
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.isEmpty() ? "" : path + "/";
    }

    /** {@code scheme://bucket} or {@code scheme://bucket/prefix}: no query, no credentials. */
    public static String name(String scheme, String bucket, String prefix) {
        return scheme + "://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1));
    }

    /**
     * The query parameters, decoded. Unknown names are an error, so a typo such as {@code regoin=}
     * fails at startup instead of silently talking to the wrong place.
     */
    public static Map<String, String> params(URI uri, String display, Set<String> allowed) throws StoreException {
        Map<String, String> params = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!allowed.contains(k)) {
                throw new InvalidStoreUriException(display,
                        "unknown URI parameter '" + k + "' (allowed: " + String.join(", ", allowed) + ")", null);
            }
            params.put(k, v);
        }
        return params;
    }

    /** Rejects keys that would not mean the same on every backend: empty, absolute, '.', '..' or '//'. */
    public static void checkKey(String store, String operation, String key) throws StoreException {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
            throw new StoreException(store, operation, key, "invalid key", null);
        }
        for (String seg : key.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new StoreException(store, operation, key, "invalid key segment '" + seg + "'", null);
            }
        }
    }
}
