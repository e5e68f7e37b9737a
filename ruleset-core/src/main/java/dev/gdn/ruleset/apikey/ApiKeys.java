package dev.gdn.ruleset.apikey;

import com.google.protobuf.ByteString;
import dev.gdn.ruleset.proto.ApiKeyHash;
import dev.gdn.ruleset.proto.ApiKeyKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * API key secrets and their hashes. Only the SHA-256 of a secret is ever stored or shipped in a
 * ruleset; a server checks a presented key by hashing it and comparing in constant time.
 * Secrets carry their kind in a prefix ({@code gdn_client_…}, {@code gdn_server_…}) so a leaked one
 * is recognisable, but the kind that counts is the one recorded with the hash.
 */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new secret: the kind prefix and 32 base64url characters (192 random bits). */
    public static String newSecret(ApiKeyKind kind) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "gdn_" + kind.name().toLowerCase() + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ApiKeyHash hashOf(String secret, ApiKeyKind kind, String name) {
        return ApiKeyHash.newBuilder().setSha256(ByteString.copyFrom(sha256(secret))).setKind(kind).setName(name).build();
    }

    /**
     * The kind of a presented secret among a ruleset's keys, or null when it matches none. Every hash
     * is compared (constant time each, no early exit), so timing says nothing about which key is close.
     */
    public static ApiKeyKind kindOf(String secret, List<ApiKeyHash> keys) {
        byte[] presented = sha256(secret);
        ApiKeyKind found = null;
        for (ApiKeyHash k : keys) {
            if (MessageDigest.isEqual(presented, k.getSha256().toByteArray())) {
                found = k.getKind();
            }
        }
        return found;
    }
}
