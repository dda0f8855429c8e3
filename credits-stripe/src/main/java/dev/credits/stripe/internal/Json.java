package dev.credits.stripe.internal;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Lenient readers over Jackson trees: absent, null or mistyped fields read as null. Not API. */
final class Json {

    private Json() {
    }

    /** @return the field as text if it is a string (or a number/boolean), else null */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    /** @return the field as a long if it is an integral number, else null */
    static Long longValue(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : null;
    }

    /** @return the field as a long, or 0 if it is absent or null */
    static long longOrZero(JsonNode node, String field) {
        Long v = longValue(node, field);
        return v == null ? 0 : v;
    }

    /** @return the field if it is a boolean, else null */
    static Boolean bool(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isBoolean() ? v.booleanValue() : null;
    }

    /** @return the field (unix seconds) as an instant, or null */
    static Instant instant(JsonNode node, String field) {
        Long v = longValue(node, field);
        return v == null ? null : Instant.ofEpochSecond(v);
    }

    /**
     * An expandable field: a string id, or an expanded object with an {@code id}.
     *
     * @return the id, or null
     */
    static String id(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        return v.isObject() ? text(v, "id") : null;
    }

    /** @return a metadata object as a map of its string (or scalar) values; empty if absent */
    static Map<String, String> metadata(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v != null && v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            }
        }
        return out;
    }

    /** @return true if the field is present with an object value */
    static boolean hasObject(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isObject();
    }
}
