package dev.credits.stripe.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credits.stripe.StripeCharge;
import dev.credits.stripe.StripeCheckoutSession;
import dev.credits.stripe.StripeDispute;
import dev.credits.stripe.StripeInvoice;
import dev.credits.stripe.StripePaymentIntent;
import dev.credits.stripe.StripeSubscription;
import dev.credits.stripe.WebhookPayloadException;

import java.time.Instant;
import java.util.Map;

/**
 * Builds the typed views from {@code data.object}, reading only the fields credits uses, in both newer and
 * older API shapes. Not API.
 */
public final class StripeObjects {

    private StripeObjects() {
    }

    public static StripeCheckoutSession checkoutSession(JsonNode o) {
        return new StripeCheckoutSession(requireId(o, "checkout.session"), Json.text(o, "mode"),
                Json.text(o, "payment_status"), Json.text(o, "status"), Json.text(o, "client_reference_id"),
                Json.metadata(o, "metadata"), Json.id(o, "payment_intent"), Json.id(o, "subscription"),
                Json.id(o, "customer"), Json.id(o, "invoice"), Json.longValue(o, "amount_subtotal"),
                Json.longValue(o, "amount_total"), Json.text(o, "currency"),
                Json.longValue(o.path("total_details"), "amount_discount"));
    }

    public static StripeInvoice invoice(JsonNode o) {
        String id = requireId(o, "invoice");
        JsonNode subscriptionDetails = o.path("parent").path("subscription_details");
        // New API (2025-03-31.basil and later): parent.subscription_details; old: top level.
        String subscriptionId = Json.id(subscriptionDetails, "subscription");
        if (subscriptionId == null) {
            subscriptionId = Json.id(o, "subscription");
        }
        Map<String, String> subscriptionMetadata = Json.hasObject(subscriptionDetails, "metadata")
                ? Json.metadata(subscriptionDetails, "metadata")
                : Json.metadata(o.path("subscription_details"), "metadata");

        JsonNode line = subscriptionLine(o.path("lines").path("data"), subscriptionId);
        Instant periodStart;
        Instant periodEnd;
        String priceId = null;
        if (line != null) {
            periodStart = Json.instant(line.path("period"), "start");
            periodEnd = Json.instant(line.path("period"), "end");
            priceId = linePrice(line);
            if (subscriptionId == null) {
                subscriptionId = lineSubscription(line);
            }
        } else {
            // No line with a period (lines absent or truncated): the invoice's own period is the best we have.
            periodStart = Json.instant(o, "period_start");
            periodEnd = Json.instant(o, "period_end");
        }
        return new StripeInvoice(id, Json.id(o, "customer"), Json.text(o, "status"), Json.text(o, "billing_reason"),
                Json.longValue(o, "amount_paid"), Json.text(o, "currency"), subscriptionId, subscriptionMetadata,
                periodStart, periodEnd, priceId, Json.metadata(o, "metadata"));
    }

    /**
     * The line an invoice pays the subscription's period with: among lines with a period, the best by
     * (a subscription line, of this subscription, not a proration), the first on a tie.
     *
     * @return the line, or null if no line has a period
     */
    static JsonNode subscriptionLine(JsonNode lines, String subscriptionId) {
        JsonNode best = null;
        int bestScore = -1;
        if (!lines.isArray()) {
            return null;
        }
        for (JsonNode line : lines) {
            if (!Json.hasObject(line, "period")) {
                continue;
            }
            String lineSubscription = lineSubscription(line);
            int score = 0;
            if (isSubscriptionLine(line)) {
                score += 4;
            }
            if (subscriptionId != null && subscriptionId.equals(lineSubscription)) {
                score += 2;
            }
            if (!isProration(line)) {
                score += 1;
            }
            if (score > bestScore) {
                best = line;
                bestScore = score;
            }
        }
        return best;
    }

    private static boolean isSubscriptionLine(JsonNode line) {
        // New API: parent.type = subscription_item_details; old API: type = subscription.
        return Json.hasObject(line.path("parent"), "subscription_item_details")
                || "subscription".equals(Json.text(line, "type"));
    }

    private static String lineSubscription(JsonNode line) {
        String s = Json.id(line.path("parent").path("subscription_item_details"), "subscription");
        return s != null ? s : Json.id(line, "subscription"); // old API
    }

    private static boolean isProration(JsonNode line) {
        JsonNode parent = line.path("parent");
        for (String details : new String[] {"subscription_item_details", "invoice_item_details"}) {
            if (Json.hasObject(parent, details)) {
                return Boolean.TRUE.equals(Json.bool(parent.path(details), "proration"));
            }
        }
        return Boolean.TRUE.equals(Json.bool(line, "proration")); // old API
    }

    private static String linePrice(JsonNode line) {
        String price = Json.id(line.path("pricing").path("price_details"), "price"); // new API
        if (price == null) {
            price = Json.id(line, "price"); // old API: an expanded price object
        }
        return price != null ? price : Json.id(line, "plan"); // older still
    }

    public static StripeSubscription subscription(JsonNode o) {
        String id = requireId(o, "subscription");
        JsonNode item = o.path("items").path("data").path(0);
        String priceId = Json.id(item, "price");
        if (priceId == null) {
            priceId = Json.id(item, "plan");
        }
        if (priceId == null) {
            priceId = Json.id(o, "plan"); // old single-plan subscriptions
        }
        // New API (2025-03-31.basil and later): the period is per item; old: top level.
        Instant start = Json.instant(item, "current_period_start");
        Instant end = Json.instant(item, "current_period_end");
        if (start == null && end == null) {
            start = Json.instant(o, "current_period_start");
            end = Json.instant(o, "current_period_end");
        }
        return new StripeSubscription(id, Json.id(o, "customer"), Json.text(o, "status"),
                Json.metadata(o, "metadata"), Boolean.TRUE.equals(Json.bool(o, "cancel_at_period_end")),
                Json.instant(o, "cancel_at"), Json.instant(o, "canceled_at"), Json.instant(o, "ended_at"), priceId,
                start, end);
    }

    public static StripeCharge charge(JsonNode o) {
        return new StripeCharge(requireId(o, "charge"), Json.id(o, "payment_intent"), Json.longOrZero(o, "amount"),
                Json.longOrZero(o, "amount_refunded"), Json.longOrZero(o, "amount_captured"),
                Boolean.TRUE.equals(Json.bool(o, "refunded")), Json.text(o, "currency"), Json.metadata(o, "metadata"),
                Json.id(o, "customer"));
    }

    public static StripeDispute dispute(JsonNode o) {
        return new StripeDispute(requireId(o, "dispute"), Json.id(o, "charge"), Json.id(o, "payment_intent"),
                Json.longOrZero(o, "amount"), Json.text(o, "currency"), Json.text(o, "status"),
                Json.text(o, "reason"), Json.metadata(o, "metadata"));
    }

    public static StripePaymentIntent paymentIntent(JsonNode o) {
        return new StripePaymentIntent(requireId(o, "payment_intent"), Json.text(o, "status"),
                Json.longOrZero(o, "amount"), Json.longOrZero(o, "amount_received"), Json.text(o, "currency"),
                Json.id(o, "customer"), Json.id(o, "latest_charge"), Json.metadata(o, "metadata"));
    }

    private static String requireId(JsonNode o, String what) {
        String id = Json.text(o, "id");
        if (id == null || id.isBlank()) {
            throw new WebhookPayloadException(what + " without id");
        }
        return id;
    }
}
