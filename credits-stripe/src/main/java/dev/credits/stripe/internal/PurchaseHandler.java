package dev.credits.stripe.internal;

import dev.credits.CreditLedger;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.Money;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.PurchaseStatus;
import dev.credits.UnknownAccountException;
import dev.credits.stripe.StripeCheckoutSession;
import dev.credits.stripe.StripeEvent;
import dev.credits.stripe.StripeEventRejectedException;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.WebhookOutcome;
import dev.credits.stripe.WebhookOutcome.PurchaseChanged;
import dev.credits.stripe.WebhookOutcome.Status;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static dev.credits.stripe.internal.Outcomes.outcome;
import static dev.credits.stripe.internal.Outcomes.reject;

/**
 * Payment-mode Checkout Sessions: {@code checkout.session.completed} (paid or unpaid) and
 * {@code async_payment_succeeded/failed} record, complete or fail the purchase of a credit package. Whether an
 * event is a duplicate is the ledger's answer: the purchase id (the payment intent) replays, and completing a
 * completed purchase (failing a failed one) replays. Immutable and thread-safe. Not API.
 */
final class PurchaseHandler {

    private final CreditLedger ledger;
    private final StripeSettings settings;
    private final Lookups lookups;

    PurchaseHandler(StripeSettings settings, Lookups lookups) {
        this.ledger = settings.ledger();
        this.settings = settings;
        this.lookups = lookups;
    }

    /** {@code checkout.session.completed} of a payment-mode session. */
    WebhookOutcome completed(StripeEvent event, StripeCheckoutSession session) {
        return session.isPaid() ? complete(event, session) : pending(event, session);
    }

    /** {@code checkout.session.async_payment_succeeded/failed} of a payment-mode session. */
    WebhookOutcome asyncPayment(StripeEvent event, StripeCheckoutSession session, boolean succeeded) {
        return succeeded ? complete(event, session) : fail(event, session);
    }

    /** The account, what was bought ("package starter", "custom amount of 500 credits") and purchase id, checked. */
    private record PurchaseTarget(String accountId, String item, String purchaseId, PurchaseRequest request) {
    }

    private PurchaseTarget target(StripeEvent event, StripeCheckoutSession s, boolean pending) {
        String accountId = lookups.accountOf(s);
        lookups.requireAccount(event, accountId);
        String packageId = s.metadata().get(settings.packageKey());
        if (packageId == null && s.metadata().containsKey(CustomAmounts.CREDITS_KEY)) {
            return customAmount(event, s, accountId, pending);
        }
        if (packageId == null) {
            throw reject(event, Reason.MISSING_PACKAGE, "session " + s.id() + " has no metadata '"
                    + settings.packageKey() + "'", null);
        }
        if (Lookups.lookup(() -> ledger.commerce().getPackage(packageId)).isEmpty()) {
            throw reject(event, Reason.UNKNOWN_PACKAGE, "no package '" + packageId + "'", null);
        }
        String purchaseId = s.paymentIntentId() != null ? s.paymentIntentId() : s.id();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("stripe_checkout_session_id", s.id());
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, packageId).withPurchaseId(purchaseId)
                .withPaymentReference(purchaseId).withPending(pending).withMetadata(metadata)
                // The policy was checked when the checkout was created; the customer has paid (or committed to).
                .withPolicyChecked(true);
        return new PurchaseTarget(accountId, "package " + packageId, purchaseId, request);
    }

    /** The purchase of a custom-amount session: what its metadata says was sold, at the price it was quoted. */
    private PurchaseTarget customAmount(StripeEvent event, StripeCheckoutSession s, String accountId,
                                        boolean pending) {
        Map<String, String> m = s.metadata();
        long credits;
        Money quoted;
        try {
            credits = Long.parseLong(m.get(CustomAmounts.CREDITS_KEY));
            quoted = m.get(CustomAmounts.QUOTED_PRICE_KEY) == null ? null
                    : CustomAmounts.decode(m.get(CustomAmounts.QUOTED_PRICE_KEY));
        } catch (IllegalArgumentException e) {
            throw reject(event, Reason.PURCHASE_REJECTED, "session " + s.id() + " has malformed custom-amount metadata: "
                    + e.getMessage(), e);
        }
        String purchaseId = s.paymentIntentId() != null ? s.paymentIntentId() : s.id();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("stripe_checkout_session_id", s.id());
        PurchaseRequest request = PurchaseRequest.ofCredits(accountId, credits, m.get(CustomAmounts.CREDIT_TYPE_KEY))
                .withPromotionCode(m.get(CustomAmounts.PROMOTION_KEY)).withPurchaseId(purchaseId)
                .withPaymentReference(purchaseId).withPending(pending).withMetadata(metadata).withPaidPrice(quoted)
                .withPolicyChecked(true);
        return new PurchaseTarget(accountId, "custom amount of " + credits + " " + request.creditType(), purchaseId,
                request);
    }

    /** Records the purchase, or replays it if its id was seen before. */
    private PurchaseResult record(StripeEvent event, PurchaseTarget t) {
        PurchaseResult r;
        try {
            r = ledger.commerce().purchase(t.request());
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        } catch (IdempotencyConflictException e) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, "purchase '" + t.purchaseId()
                    + "' exists for another account or another purchase", e);
        } catch (InvalidArgumentException e) {
            throw reject(event, Reason.PURCHASE_REJECTED, e.getMessage(), e);
        }
        if (!r.success()) {
            throw reject(event, Reason.PURCHASE_REJECTED, "the ledger rejected purchase '" + t.purchaseId()
                    + "' of " + t.item() + ": " + r.reason(), null);
        }
        return r;
    }

    private WebhookOutcome complete(StripeEvent event, StripeCheckoutSession s) {
        PurchaseTarget t = target(event, s, false);
        PurchaseResult r = record(event, t);
        if (!r.replayed()) {
            return changed(event, Status.APPLIED, t, "purchase " + t.purchaseId() + " of " + t.item()
                    + " completed: " + r.purchase().totalCredits() + " credits granted", r);
        }
        // A replay says where the purchase stands: only a pending one is still to be completed.
        PurchaseStatus status = r.purchase().status();
        if (status == PurchaseStatus.COMPLETED) {
            return changed(event, Status.DUPLICATE, t, "purchase " + t.purchaseId() + " already completed", r);
        }
        if (status == PurchaseStatus.FAILED) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, "payment succeeded but purchase '" + t.purchaseId()
                    + "' already failed", null);
        }
        PurchaseResult completed;
        try {
            completed = ledger.commerce().completePurchase(t.purchaseId());
        } catch (PurchaseStateException e) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, e.getMessage(), e);
        }
        return completed.replayed()
                ? changed(event, Status.DUPLICATE, t, "purchase " + t.purchaseId() + " already completed", completed)
                : changed(event, Status.APPLIED, t, "pending purchase " + t.purchaseId() + " completed: "
                + completed.purchase().totalCredits() + " credits granted", completed);
    }

    private WebhookOutcome pending(StripeEvent event, StripeCheckoutSession s) {
        PurchaseTarget t = target(event, s, true);
        PurchaseResult r = record(event, t);
        if (!r.replayed()) {
            return changed(event, Status.APPLIED, t, "purchase " + t.purchaseId() + " of " + t.item()
                    + " recorded pending (payment " + s.paymentStatus() + ")", r);
        }
        // Already pending, or the async result got here first: either way nothing to do.
        return changed(event, Status.DUPLICATE, t, "purchase " + t.purchaseId() + " already "
                + r.purchase().status().name().toLowerCase(Locale.ROOT), r);
    }

    private WebhookOutcome fail(StripeEvent event, StripeCheckoutSession s) {
        PurchaseTarget t = target(event, s, true);
        PurchaseResult r;
        try {
            r = record(event, t); // create pending if unknown (failed before completed arrived), then fail it
        } catch (StripeEventRejectedException e) {
            if (e.reason() == Reason.PURCHASE_REJECTED) {
                // No money was taken; nothing to record.
                return outcome(event, Status.IGNORED, t.accountId(), "payment failed; purchase not recordable: "
                        + e.getMessage());
            }
            throw e;
        }
        PurchaseStatus status = r.purchase().status();
        if (status == PurchaseStatus.FAILED) {
            return changed(event, Status.DUPLICATE, t, "purchase " + t.purchaseId() + " already failed", r);
        }
        if (status == PurchaseStatus.COMPLETED) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, "payment failed but purchase '" + t.purchaseId()
                    + "' already completed", null);
        }
        PurchaseResult failed;
        try {
            failed = ledger.commerce().failPurchase(t.purchaseId(), "Stripe " + event.type() + " (" + event.id() + ")");
        } catch (PurchaseStateException e) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, e.getMessage(), e);
        }
        return failed.replayed()
                ? changed(event, Status.DUPLICATE, t, "purchase " + t.purchaseId() + " already failed", failed)
                : changed(event, Status.APPLIED, t, "purchase " + t.purchaseId() + " failed: nothing granted", failed);
    }

    private static WebhookOutcome changed(StripeEvent event, Status status, PurchaseTarget t, String description,
                                          PurchaseResult result) {
        return outcome(event, status, t.accountId(), description, new PurchaseChanged(result));
    }
}
