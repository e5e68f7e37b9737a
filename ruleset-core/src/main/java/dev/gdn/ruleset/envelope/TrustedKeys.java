package dev.gdn.ruleset.envelope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The Ed25519 public keys a reader accepts signatures from, by key id. Immutable. */
public final class TrustedKeys {
    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Map.copyOf(byId);
    }

    public static TrustedKeys of(Collection<PublicKey> keys) {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (PublicKey k : keys) {
            m.put(KeyIds.of(k), k);
        }
        return new TrustedKeys(m);
    }

    public static TrustedKeys of(PublicKey... keys) {
        return of(java.util.Arrays.asList(keys));
    }

    /** Loads public key files (a signing key file works too: its PUBLIC KEY block is used). */
    public static TrustedKeys load(Collection<Path> files) throws IOException {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (Path f : files) {
            PublicKey k = parsePublicKey(Files.readString(f, StandardCharsets.US_ASCII), f.toString());
            m.put(KeyIds.of(k), k);
        }
        return new TrustedKeys(m);
    }

    public static PublicKey parsePublicKey(String pem, String origin) throws IOException {
        byte[] der = Pem.decode(pem).get("PUBLIC KEY");
        if (der == null) {
            throw new IOException(origin + ": no PUBLIC KEY PEM block (expected a key written by `gdn keygen`)");
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(origin + ": not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    static String toPem(PublicKey key) {
        return "# GDN public key " + KeyIds.of(key) + "\n" + Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    public static String keyIdOf(PublicKey key) {
        return KeyIds.of(key);
    }

    public Collection<PublicKey> publicKeys() {
        return byId.values();
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }

    PublicKey get(String keyId) {
        return byId.get(keyId);
    }

    static boolean verifySignature(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a malformed signature is a bad signature
        }
    }
}
