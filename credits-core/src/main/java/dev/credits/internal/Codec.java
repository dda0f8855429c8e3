package dev.credits.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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
        // Built by hand (this runs for every event and fingerprint): the same text as joining escape(k)=escape(v) over
        // the fields with a value, by key. The few fields are sorted in an array (insertion sort, the order of a
        // TreeMap: String.compareTo), not copied into a map.
        String[] keys = new String[fields.size()];
        String[] values = new String[fields.size()];
        int n = 0;
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String key = field.getKey();
            String value = field.getValue();
            if (value == null) {
                continue;
            }
            int i = n++;
            while (i > 0 && keys[i - 1].compareTo(key) > 0) {
                keys[i] = keys[i - 1];
                values[i] = values[i - 1];
                i--;
            }
            keys[i] = key;
            values[i] = value;
        }
        StringBuilder out = new StringBuilder(n * 32);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append('&');
            }
            escape(out, keys[i]);
            out.append('=');
            escape(out, values[i]);
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

    /**
     * Appends one field as {@link #encode} writes it, for an encoder that appends its fields in the order of their
     * keys itself: nothing for a null value, else {@code key=value}, after an {@code &} unless it is the first.
     */
    static void appendField(StringBuilder out, String key, String value) {
        if (value == null) {
            return;
        }
        if (!out.isEmpty()) {
            out.append('&');
        }
        escape(out, key);
        out.append('=');
        escape(out, value);
    }

    /** The characters URL encoding keeps as they are. */
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            PLAIN[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '-' || c == '*' || c == '_';
        }
    }

    /** Appends the text URL-encoded; text of characters URL encoding keeps as they are is appended as it is. */
    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 128 || !PLAIN[c]) {
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
