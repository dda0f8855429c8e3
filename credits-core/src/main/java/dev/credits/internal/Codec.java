package dev.credits.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Encodes flat string maps canonically (sorted keys, URL-encoded {@code k=v&k=v}): the request
 * fingerprints and stored results of idempotency records. A store keeps the text as it is.
 */
final class Codec {
    private Codec() {
    }

    static String encode(Map<String, String> fields) {
        StringJoiner joiner = new StringJoiner("&");
        new TreeMap<>(fields).forEach((key, value) -> {
            if (value != null) {
                joiner.add(escape(key) + "=" + escape(value));
            }
        });
        return joiner.toString();
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

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String unescape(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
