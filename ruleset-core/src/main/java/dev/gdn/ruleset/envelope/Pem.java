package dev.gdn.ruleset.envelope;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal PEM: {@code -----BEGIN X-----} base64 {@code -----END X-----} blocks. */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private Pem() {
    }

    static String encode(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    /** Every block, label → DER bytes. */
    static Map<String, byte[]> decode(String text) {
        Map<String, byte[]> blocks = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.put(m.group(1), Base64.getMimeDecoder().decode(m.group(2)));
        }
        return blocks;
    }
}
