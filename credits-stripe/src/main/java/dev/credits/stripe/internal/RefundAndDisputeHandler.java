package dev.credits.stripe.internal;

import dev.credits.AccountLink;
import dev.credits.CreditLedger;
import dev.credits.Purchase;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.stripe.StripeCharge;
import dev.credits.stripe.StripeDispute;
import dev.credits.stripe.StripeEvent;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.WebhookOutcome;
import dev.credits.stripe.WebhookOutcome.PurchaseChanged;
import dev.credits.stripe.WebhookOutcome.Status;
import dev.credits.stripe.WebhookPayloadException;

import java.util.Optional;
import java.util.function.Supplier;

import static dev.credits.stripe.internal.Outcomes.outcome;
import static dev.credits.stripe.internal.Outcomes.reject;

/**
 * Refunds and disputes of a package purchase: {@code charge.refunded}, {@code charge.dispute.created} and
 * {@code charge.dispute.closed}. Stripe's amounts are turned into credits here; netting refunds against disputes,
 * capping at what the payment granted and telling a redelivery apart are the ledger's (its purchase totals).
 * Immutable and thread-safe. Not API.
 */
final class RefundAndDisputeHandler {

    private final CreditLedger ledger;
    private final Lookups lookups;

    RefundAndDisputeHandler(StripeSettings settings, Lookups lookups) {
        this.ledger = settings.ledger();
        this.lookups = lookups;
    }

    /** {@code charge.refunded}: claws back the cumulative refunded share of the purchase. */
    WebhookOutcome chargeRefunded(StripeEvent event) {
        StripeCharge charge = event.charge();
        Optional<Purchase> purchase = purchaseOf(charge.paymentIntentId());
        if (purchase.isEmpty()) {
            return unknownPayment(event, "refund of charge " + charge.id(), charge.paymentIntentId(),
                    charge.invoiceId());
        }
        Purchase p = purchase.get();
        if (charge.amount() <= 0) {
            throw new WebhookPayloadException("event " + event.id() + ": refunded charge " + charge.id()
                    + " has no amount");
        }
        long credits = p.creditsFor(charge.amountRefunded(), charge.amount());
        PurchaseResult r = reverse(event, () -> ledger.commerce().clawBackPurchase(p.purchaseId(), credits,
                "stripe " + event.type() + " " + event.id() + ": " + charge.amountRefunded() + " of "
                        + charge.amount() + " " + charge.currency() + " refunded"));
        return reversed(event, r, "refund of " + charge.amountRefunded() + "/" + charge.amount() + " = " + credits
                + " credits; clawed back " + r.purchase().clawedBack() + " in total");
    }

    /** {@code charge.dispute.created}: freezes the disputed share of the purchase's unspent credits. */
    WebhookOutcome disputeCreated(StripeEvent event) {
        StripeDispute dispute = event.dispute();
        Optional<Purchase> purchase = purchaseOf(dispute.paymentIntentId());
        if (purchase.isEmpty()) {
            return unknownPayment(event, "dispute " + dispute.id(), dispute.paymentIntentId(), null);
        }
        Purchase p = purchase.get();
        long credits = disputedCredits(p, dispute);
        PurchaseResult r = reverse(event, () -> ledger.commerce().disputePurchase(p.purchaseId(), credits,
                "stripe " + event.type() + " " + event.id() + " (" + dispute.reason() + ")"));
        return reversed(event, r, "dispute " + dispute.id() + " opened: " + r.purchase().frozenCredits()
                + " credits frozen");
    }

    /** {@code charge.dispute.closed}: won unfreezes, lost unfreezes and claws back the disputed share. */
    WebhookOutcome disputeClosed(StripeEvent event) {
        StripeDispute dispute = event.dispute();
        boolean won;
        switch (dispute.status() == null ? "" : dispute.status()) {
            case "won", "warning_closed" -> won = true;
            case "lost" -> won = false;
            default -> {
                return outcome(event, Status.IGNORED, null, "dispute " + dispute.id() + " closed with status "
                        + dispute.status());
            }
        }
        Optional<Purchase> purchase = purchaseOf(dispute.paymentIntentId());
        if (purchase.isEmpty()) {
            return unknownPayment(event, "dispute " + dispute.id(), dispute.paymentIntentId(), null);
        }
        Purchase p = purchase.get();
        long credits = disputedCredits(p, dispute);
        PurchaseResult r = reverse(event, () -> ledger.commerce().resolveDispute(p.purchaseId(), credits, won,
                "stripe " + event.type() + " " + event.id() + " (" + dispute.status() + ")"));
        return reversed(event, r, "dispute " + dispute.id() + " " + dispute.status() + "; clawed back "
                + r.purchase().clawedBack() + " in total");
    }

    /**
     * A refund or dispute of a payment that paid no purchase the ledger knows. Acknowledged (IGNORED) only when the
     * ledger can tell the payment is no credits purchase: it has no payment intent (Checkout always has one), or
     * its payment intent or invoice is remembered as a subscription invoice's. Otherwise it may be a purchase whose
     * checkout event is late: refused, so Stripe redelivers it, and never acknowledged and forgotten.
     */
    private WebhookOutcome unknownPayment(StripeEvent event, String what, String paymentIntentId, String invoiceId) {
        if (paymentIntentId == null) {
            return outcome(event, Status.IGNORED, null, what + " has no payment intent: no Checkout payment, so no"
                    + " credits purchase");
        }
        Optional<AccountLink> invoicePayment = lookups.linkOf(paymentIntentId);
        if (invoicePayment.isPresent()) {
            return outcome(event, Status.IGNORED, invoicePayment.get().accountId(), what + " is of payment intent "
                    + paymentIntentId + ", which paid subscription invoice " + invoicePayment.get().detail()
                    + ": no credits purchase (allowances are not taken back)");
        }
        Optional<AccountLink> invoice = lookups.linkOf(invoiceId);
        if (invoice.isPresent()) {
            return outcome(event, Status.IGNORED, invoice.get().accountId(), what + " is of subscription invoice "
                    + invoiceId + ": no credits purchase (allowances are not taken back)");
        }
        throw reject(event, Reason.UNKNOWN_PURCHASE, what + ": no purchase is recorded for payment intent "
                + paymentIntentId + " (its checkout event may not have arrived yet); answer non-2xx so Stripe"
                + " redelivers it", null);
    }

    /** @return the purchase paid by this payment intent (package purchases use it as their purchase id) */
    private Optional<Purchase> purchaseOf(String paymentIntentId) {
        if (paymentIntentId == null || paymentIntentId.isBlank()) {
            return Optional.empty();
        }
        return Lookups.lookup(() -> ledger.commerce().getPurchase(paymentIntentId));
    }

    /** @return the disputed share of the purchase's credits: the dispute's amount against the price paid */
    private static long disputedCredits(Purchase p, StripeDispute dispute) {
        // Stripe's amounts are in the currency's smallest unit; the purchase keeps its price as money.
        long paid = p.price().amount().movePointRight(Math.max(0, p.price().currency().getDefaultFractionDigits()))
                .longValue();
        return paid <= 0 ? p.totalCredits() : p.creditsFor(Math.min(dispute.amount(), paid), paid);
    }

    private static PurchaseResult reverse(StripeEvent event, Supplier<PurchaseResult> call) {
        try {
            return call.get();
        } catch (PurchaseStateException e) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, e.getMessage(), e);
        }
    }

    /** A replay is the ledger saying the purchase's totals already include this event. */
    private static WebhookOutcome reversed(StripeEvent event, PurchaseResult r, String description) {
        return outcome(event, r.replayed() ? Status.DUPLICATE : Status.APPLIED, r.purchase().accountId(),
                "purchase " + r.purchase().purchaseId() + ": " + description, new PurchaseChanged(r));
    }
}
