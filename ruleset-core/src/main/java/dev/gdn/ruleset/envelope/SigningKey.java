package dev.gdn.ruleset.envelope;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;

/**
 * An Ed25519 signing key with its public half and key id. Stored as one PEM file holding a
 * {@code PRIVATE KEY} (PKCS#8) and a {@code PUBLIC KEY} (X.509) block, since the JDK cannot derive an
 * Ed25519 public key from a private one. The public key alone goes in its own file for readers.
 */
public final class SigningKey {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = KeyIds.of(publicKey);
    }

    public static SigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new SigningKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is required by Java 15+", e);
        }
    }

    public static SigningKey load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    public static SigningKey parse(String pem, String origin) throws IOException {
        Map<String, byte[]> blocks = Pem.decode(pem);
        byte[] priv = blocks.get("PRIVATE KEY");
        byte[] pub = blocks.get("PUBLIC KEY");
        if (priv == null || pub == null) {
            throw new IOException(origin + ": not a GDN signing key (expected PEM blocks PRIVATE KEY and PUBLIC KEY; "
                    + "create one with `gdn keygen`)");
        }
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(priv));
            PublicKey publicKey = kf.generatePublic(new X509EncodedKeySpec(pub));
            SigningKey key = new SigningKey(privateKey, publicKey);
            // A private and public key that do not belong together would sign envelopes nobody can verify.
            byte[] probe = "gdn-key-check".getBytes(StandardCharsets.US_ASCII);
            if (!TrustedKeys.verifySignature(publicKey, probe, key.sign(probe))) {
                throw new IOException(origin + ": the PUBLIC KEY block does not match the PRIVATE KEY block");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(origin + ": not a valid Ed25519 key: " + e.getMessage(), e);
        }
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** The signing key file: private and public blocks. Keep it secret. */
    public String toPem() {
        return "# GDN signing key " + keyId + " (secret: only signers need it)\n"
                + Pem.encode("PRIVATE KEY", privateKey.getEncoded())
                + Pem.encode("PUBLIC KEY", publicKey.getEncoded());
    }

    /** The public key file readers trust. */
    public String publicKeyPem() {
        return TrustedKeys.toPem(publicKey);
    }
}
