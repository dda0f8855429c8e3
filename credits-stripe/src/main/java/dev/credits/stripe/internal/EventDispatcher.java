package dev.credits.stripe.internal;

import dev.credits.stripe.StripeCheckoutSession;
import dev.credits.stripe.StripeEvent;
import dev.credits.stripe.WebhookOutcome;
import dev.credits.stripe.WebhookOutcome.Status;

import java.util.Objects;

import static dev.credits.stripe.internal.Outcomes.LOG;
import static dev.credits.stripe.internal.Outcomes.outcome;

/**
 * Applies a verified event: picks the handler of its family by type (and, for Checkout Sessions, by mode) and
 * logs what it did. Calls go one way, dispatcher to handler to ledger. Immutable and thread-safe. Not API.
 */
public final class EventDispatcher {

    private final PurchaseHandler purchases;
    private final SubscriptionHandler subscriptions;
    private final RefundAndDisputeHandler reversals;

    /** @param settings what the builder configured */
    public EventDispatcher(StripeSettings settings) {
        Lookups lookups = new Lookups(settings);
        this.purchases = new PurchaseHandler(settings, lookups);
        this.subscriptions = new SubscriptionHandler(settings, lookups);
        this.reversals = new RefundAndDisputeHandler(settings, lookups);
    }

    /**
     * @param event an event whose origin is established
     * @return what was done
     */
    public WebhookOutcome dispatch(StripeEvent event) {
        Objects.requireNonNull(event, "event");
        WebhookOutcome outcome = switch (event.type()) {
            case "checkout.session.completed" -> checkoutCompleted(event);
            case "checkout.session.async_payment_succeeded" -> asyncPayment(event, true);
            case "checkout.session.async_payment_failed" -> asyncPayment(event, false);
            case "invoice.paid" -> subscriptions.invoicePaid(event);
            case "invoice_payment.paid" -> subscriptions.invoicePaymentPaid(event);
            case "customer.subscription.updated" -> subscriptions.subscriptionUpdated(event);
            case "customer.subscription.deleted" -> subscriptions.subscriptionDeleted(event);
            case "charge.refunded" -> reversals.chargeRefunded(event);
            case "charge.dispute.created" -> reversals.disputeCreated(event);
            case "charge.dispute.closed" -> reversals.disputeClosed(event);
            default -> outcome(event, Status.IGNORED, null, "event type not handled by credits");
        };
        if (outcome.status() == Status.APPLIED) {
            LOG.info("Stripe event {} ({}) applied: {}", event.id(), event.type(), outcome.description());
        } else {
            LOG.debug("Stripe event {} ({}) {}: {}", event.id(), event.type(), outcome.status(),
                    outcome.description());
        }
        return outcome;
    }

    private WebhookOutcome checkoutCompleted(StripeEvent event) {
        StripeCheckoutSession session = event.checkoutSession();
        if ("payment".equals(session.mode())) {
            return purchases.completed(event, session);
        }
        if ("subscription".equals(session.mode())) {
            return subscriptions.checkoutCompleted(event, session);
        }
        return outcome(event, Status.IGNORED, null, "checkout mode " + session.mode() + " not handled");
    }

    private WebhookOutcome asyncPayment(StripeEvent event, boolean succeeded) {
        StripeCheckoutSession session = event.checkoutSession();
        if (!"payment".equals(session.mode())) {
            return outcome(event, Status.IGNORED, null, "checkout mode " + session.mode()
                    + ": subscription allowances come with invoice.paid");
        }
        return purchases.asyncPayment(event, session, succeeded);
    }
}
