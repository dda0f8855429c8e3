package dev.credits.stripe.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credits.stripe.StripeCharge;
import dev.credits.stripe.StripeCheckoutSession;
import dev.credits.stripe.StripeDispute;
import dev.credits.stripe.StripeInvoice;
import dev.credits.stripe.StripeInvoicePayment;
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
                Json.id(o, "customer"), Json.id(o, "invoice"), Json.amount(o, "amount_subtotal"),
                Json.amount(o, "amount_total"), Json.text(o, "currency"),
                Json.amount(Json.object(o, "total_details"), "amount_discount"));
    }

    public static StripeInvoice invoice(JsonNode o) {
        String id = requireId(o, "invoice");
        JsonNode subscriptionDetails = Json.object(Json.object(o, "parent"), "subscription_details");
        // New API (2025-03-31.basil and later): parent.subscription_details; old: top level.
        String subscriptionId = Json.id(subscriptionDetails, "subscription");
        if (subscriptionId == null) {
            subscriptionId = Json.id(o, "subscription");
        }
        Map<String, String> subscriptionMetadata = Json.hasObject(subscriptionDetails, "metadata")
                ? Json.metadata(subscriptionDetails, "metadata")
                : Json.metadata(Json.object(o, "subscription_details"), "metadata");

        JsonNode line = subscriptionLine(lines(o), subscriptionId);
        Instant periodStart;
        Instant periodEnd;
        String priceId = null;
        if (line != null) {
            periodStart = Json.instant(Json.object(line, "period"), "start");
            periodEnd = Json.instant(Json.object(line, "period"), "end");
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
                Json.amount(o, "amount_paid"), Json.text(o, "currency"), subscriptionId, subscriptionMetadata,
                periodStart, periodEnd, priceId, Json.metadata(o, "metadata"), Json.id(o, "payment_intent"));
    }

    /**
     * @param invoice an invoice object ({@code data.object} of an {@code invoice.*} event)
     * @return true if the line {@link #invoice} takes the period and price from is a proration (the invoice of a
     *         mid-period plan change, which pays for no new period), false otherwise or if it has no such line
     */
    public static boolean periodLineIsProration(JsonNode invoice) {
        String subscriptionId = invoice(invoice).subscriptionId();
        JsonNode line = subscriptionLine(lines(invoice), subscriptionId);
        return line != null && isProration(line);
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
            if (!line.isObject()) {
                throw new WebhookPayloadException("an invoice line is not an object");
            }
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
        return Json.hasObject(Json.object(line, "parent"), "subscription_item_details")
                || "subscription".equals(Json.text(line, "type"));
    }

    private static String lineSubscription(JsonNode line) {
        String s = Json.id(Json.object(Json.object(line, "parent"), "subscription_item_details"), "subscription");
        return s != null ? s : Json.id(line, "subscription"); // old API
    }

    private static boolean isProration(JsonNode line) {
        JsonNode parent = Json.object(line, "parent");
        for (String details : new String[] {"subscription_item_details", "invoice_item_details"}) {
            if (Json.hasObject(parent, details)) {
                return Boolean.TRUE.equals(Json.bool(Json.object(parent, details), "proration"));
            }
        }
        return Boolean.TRUE.equals(Json.bool(line, "proration")); // old API
    }

    private static String linePrice(JsonNode line) {
        String price = Json.id(Json.object(Json.object(line, "pricing"), "price_details"), "price"); // new API
        if (price == null) {
            price = Json.id(line, "price"); // old API: an expanded price object
        }
        return price != null ? price : Json.id(line, "plan"); // older still
    }

    public static StripeSubscription subscription(JsonNode o) {
        String id = requireId(o, "subscription");
        JsonNode items = Json.array(Json.object(o, "items"), "data");
        JsonNode item = items.path(0);
        if (!item.isMissingNode() && !item.isObject()) {
            throw new WebhookPayloadException("a subscription item is not an object");
        }
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
        String id = requireId(o, "charge");
        long amount = Json.amountOrZero(o, "amount");
        long refunded = Json.amountOrZero(o, "amount_refunded");
        if (refunded > amount) {
            throw new WebhookPayloadException("charge " + id + ": amount_refunded exceeds amount");
        }
        return new StripeCharge(id, Json.id(o, "payment_intent"), amount, refunded,
                Json.amountOrZero(o, "amount_captured"), Boolean.TRUE.equals(Json.bool(o, "refunded")),
                Json.text(o, "currency"), Json.metadata(o, "metadata"), Json.id(o, "customer"), Json.id(o, "invoice"));
    }

    public static StripeDispute dispute(JsonNode o) {
        return new StripeDispute(requireId(o, "dispute"), Json.id(o, "charge"), Json.id(o, "payment_intent"),
                Json.amountOrZero(o, "amount"), Json.text(o, "currency"), Json.text(o, "status"),
                Json.text(o, "reason"), Json.metadata(o, "metadata"));
    }

    public static StripePaymentIntent paymentIntent(JsonNode o) {
        return new StripePaymentIntent(requireId(o, "payment_intent"), Json.text(o, "status"),
                Json.amountOrZero(o, "amount"), Json.amountOrZero(o, "amount_received"), Json.text(o, "currency"),
                Json.id(o, "customer"), Json.id(o, "latest_charge"), Json.metadata(o, "metadata"));
    }

    public static StripeInvoicePayment invoicePayment(JsonNode o) {
        JsonNode payment = Json.object(o, "payment");
        return new StripeInvoicePayment(requireId(o, "invoice_payment"), Json.id(o, "invoice"),
                Json.text(payment, "type"), Json.id(payment, "payment_intent"), Json.id(payment, "charge"),
                Json.text(o, "status"), Json.amount(o, "amount_paid"), Json.text(o, "currency"));
    }

    private static JsonNode lines(JsonNode invoice) {
        return Json.array(Json.object(invoice, "lines"), "data");
    }

    private static String requireId(JsonNode o, String what) {
        String id = Json.text(o, "id");
        if (id == null || id.isBlank()) {
            throw new WebhookPayloadException(what + " without id");
        }
        return id;
    }
}
