package dev.credits.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes flat string maps canonically (sorted keys, URL-encoded {@code k=v&k=v}): the request
 * fingerprints and stored results of idempotency records. A store keeps the text as it is.
 */
final class Codec {
    private Codec() {
    }

    static String encode(Map<String, String> fields) {
        if (fields.isEmpty()) {
            return "";
        }
        // Built by hand (this runs for every event and fingerprint): the same text as joining escape(k)=escape(v).
        StringBuilder out = new StringBuilder(fields.size() * 32);
        for (Map.Entry<String, String> field : (fields.size() == 1 ? fields : new TreeMap<>(fields)).entrySet()) {
            if (field.getValue() != null) {
                if (!out.isEmpty()) {
                    out.append('&');
                }
                escape(out, field.getKey());
                out.append('=');
                escape(out, field.getValue());
            }
        }
        return out.toString();
    }

    static Map<String, String> decode(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return fields;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(unescape(pair.substring(0, eq)), unescape(pair.substring(eq + 1)));
        }
        return fields;
    }

    /** @return the metadata as one canonical string (for fingerprints) */
    static String metadata(Map<String, String> metadata) {
        return encode(metadata);
    }

    /** Appends the text URL-encoded; text of characters URL encoding keeps as they are is appended as it is. */
    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '*' || c == '_')) {
                out.append(URLEncoder.encode(text, StandardCharsets.UTF_8));
                return;
            }
        }
        out.append(text);
    }

    private static String unescape(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
