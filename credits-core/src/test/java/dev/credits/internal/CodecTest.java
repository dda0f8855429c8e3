package dev.credits.internal;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The codec's text is stored (fingerprints, results, event payloads): a faster encoder must write the same text. */
class CodecTest {

    @Test
    void encodesExactlyAsSortedUrlEncodedPairs() {
        Random random = new Random(17);
        String alphabet = "abcXYZ09.-*_ =&%+/é€\u0001😀";
        for (int n = 0; n < 5_000; n++) {
            Map<String, String> fields = new HashMap<>();
            int size = random.nextInt(5);
            for (int i = 0; i < size; i++) {
                fields.put(text(random, alphabet), random.nextInt(6) == 0 ? null : text(random, alphabet));
            }
            assertEquals(reference(fields), Codec.encode(fields));
            assertEquals(withoutNulls(fields), Codec.decode(Codec.encode(fields)));
        }
    }

    private static String text(Random random, String alphabet) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(6);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(alphabet.codePoints().toArray()[random.nextInt((int) alphabet.codePoints().count())]);
        }
        return text.toString();
    }

    /** The encoding as first written: sorted keys, URL-encoded, nulls left out. */
    private static String reference(Map<String, String> fields) {
        StringJoiner joiner = new StringJoiner("&");
        new TreeMap<>(fields).forEach((key, value) -> {
            if (value != null) {
                joiner.add(URLEncoder.encode(key, StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return joiner.toString();
    }

    private static Map<String, String> withoutNulls(Map<String, String> fields) {
        Map<String, String> kept = new HashMap<>(fields);
        kept.values().removeIf(value -> value == null);
        return kept;
    }
}
