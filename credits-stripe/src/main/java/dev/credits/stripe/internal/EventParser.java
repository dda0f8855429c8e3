package dev.credits.stripe.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credits.stripe.StripeEvent;
import dev.credits.stripe.WebhookPayloadException;

import java.io.IOException;

/** Reads a Stripe event envelope with Jackson's tree model. Not API. */
public final class EventParser {

    /** Shared and thread-safe once configured. Only the tree model is used: no data binding, no reflection. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // "{...} junk" is not an event
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // an ambiguous payload is not an event

    private EventParser() {
    }

    /**
     * @param payload the event JSON (UTF-8)
     * @return the event
     * @throws WebhookPayloadException if it is not JSON, not an object, lacks id, type or data.object, or its
     *                                 envelope fields have the wrong type ({@code created} must be unix seconds of
     *                                 1970 to 9999)
     */
    public static StripeEvent parse(byte[] payload) {
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            // The location is enough; the parser's message may quote the payload.
            throw new WebhookPayloadException("malformed JSON at " + e.getLocation(), e);
        } catch (IOException e) {
            throw new WebhookPayloadException("unreadable payload", e);
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new WebhookPayloadException("not a JSON object");
        }
        String id = Json.text(root, "id");
        if (id == null || id.isBlank()) {
            throw new WebhookPayloadException("event without id");
        }
        String type = Json.text(root, "type");
        if (type == null || type.isBlank()) {
            throw new WebhookPayloadException("event " + id + " without type");
        }
        JsonNode data = root.get("data");
        JsonNode object = data == null ? null : data.get("object");
        if (object == null || !object.isObject()) {
            throw new WebhookPayloadException("event " + id + " (" + type + ") without data.object");
        }
        java.time.Instant created = Json.instant(root, "created"); // 1970-9999: StripeEvent.createdAt() never fails
        Boolean livemode = Json.bool(root, "livemode");
        return new StripeEvent(id, type, created == null ? 0 : created.getEpochSecond(),
                Json.text(root, "api_version"), livemode != null && livemode, Json.text(object, "object"), object,
                data.get("previous_attributes"));
    }
}
