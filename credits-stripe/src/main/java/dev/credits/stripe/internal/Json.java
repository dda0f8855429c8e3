package dev.credits.stripe.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.credits.stripe.WebhookPayloadException;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Strict readers over Jackson trees. A field that is absent or JSON {@code null} reads as null (or empty); a field
 * that is present with another JSON type than Stripe sends, or with a number out of range, is a
 * {@link WebhookPayloadException}: a validly signed payload is still checked before anything is applied. Messages
 * name the field, never its value. Not API.
 */
final class Json {

    /**
     * The latest instant a Stripe timestamp may carry: 9999-12-31T23:59:59Z. Stripe sends unix seconds; anything
     * beyond (or before 1970) is not a timestamp of a real event.
     */
    static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private Json() {
    }

    private static JsonNode field(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static WebhookPayloadException wrong(String field, String expected) {
        return new WebhookPayloadException("field '" + field + "' is not " + expected);
    }

    /** @return the field if it is a string, null if absent or null */
    static String text(JsonNode node, String field) {
        JsonNode v = field(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrong(field, "a string");
        }
        return v.textValue();
    }

    /** @return the field if it is an integer in the range of a long, null if absent or null */
    static Long longValue(JsonNode node, String field) {
        JsonNode v = field(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw wrong(field, "an integer");
        }
        if (!v.canConvertToLong()) {
            throw wrong(field, "an integer in range");
        }
        return v.longValue();
    }

    /** @return the field if it is an amount (an integer, zero or more, in the currency's smallest unit), else null */
    static Long amount(JsonNode node, String field) {
        Long v = longValue(node, field);
        if (v != null && v < 0) {
            throw wrong(field, "an amount (zero or more)");
        }
        return v;
    }

    /** @return the field as an amount, or 0 if it is absent or null */
    static long amountOrZero(JsonNode node, String field) {
        Long v = amount(node, field);
        return v == null ? 0 : v;
    }

    /** @return the field if it is a boolean, null if absent or null */
    static Boolean bool(JsonNode node, String field) {
        JsonNode v = field(node, field);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw wrong(field, "a boolean");
        }
        return v.booleanValue();
    }

    /**
     * @return the field (unix seconds, 1970 to 9999) as an instant, null if absent or null
     * @throws WebhookPayloadException if it is not an integer in that range
     */
    static Instant instant(JsonNode node, String field) {
        Long v = longValue(node, field);
        if (v == null) {
            return null;
        }
        if (v < 0 || v > MAX_EPOCH_SECOND) {
            throw wrong(field, "a timestamp (unix seconds, 1970 to 9999)");
        }
        return Instant.ofEpochSecond(v);
    }

    /**
     * An expandable field: a string id, or an expanded object whose {@code id} is a string. Anything else (a number,
     * an object without a string id, a blank id) is a {@link WebhookPayloadException}: reading it as "absent" could
     * make one payment look like another.
     *
     * @return the id, or null if the field is absent or null
     */
    static String id(JsonNode node, String field) {
        JsonNode v = field(node, field);
        if (v == null) {
            return null;
        }
        String id;
        if (v.isTextual()) {
            id = v.textValue();
        } else if (v.isObject()) {
            JsonNode inner = v.get("id");
            if (inner == null || !inner.isTextual()) {
                throw wrong(field, "an id or an expanded object with a string id");
            }
            id = inner.textValue();
        } else {
            throw wrong(field, "an id or an expanded object");
        }
        if (id.isBlank()) {
            throw wrong(field, "a non-blank id");
        }
        return id;
    }

    /**
     * @return a metadata object as a map; empty if absent or null
     * @throws WebhookPayloadException if it is not an object of strings
     */
    static Map<String, String> metadata(JsonNode node, String field) {
        JsonNode v = field(node, field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            throw wrong(field, "an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                continue;
            }
            if (!e.getValue().isTextual()) {
                throw wrong(field, "an object of strings");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** @return true if the field is present with an object value, false if absent or null; else throws */
    static boolean hasObject(JsonNode node, String field) {
        return !object(node, field).isMissingNode();
    }

    /**
     * @return the field if it is an object, a missing node if it is absent or null (so paths below it read as
     *         absent)
     * @throws WebhookPayloadException if it is present with another type
     */
    static JsonNode object(JsonNode node, String field) {
        JsonNode v = field(node, field);
        if (v == null) {
            return MissingNode.getInstance();
        }
        if (!v.isObject()) {
            throw wrong(field, "an object");
        }
        return v;
    }

    /**
     * @return the field if it is an array, a missing node if it is absent or null
     * @throws WebhookPayloadException if it is present with another type
     */
    static JsonNode array(JsonNode node, String field) {
        JsonNode v = field(node, field);
        if (v == null) {
            return MissingNode.getInstance();
        }
        if (!v.isArray()) {
            throw wrong(field, "an array");
        }
        return v;
    }
}
