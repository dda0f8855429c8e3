package dev.credits.stripe;

import dev.credits.PeriodResult;
import dev.credits.PlanChange;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link StripeCredits#handleWebhook} did with one verified event. Every status means "acknowledged":
 * answer the webhook with HTTP 2xx. Failures are exceptions, not outcomes.
 *
 * @param eventId     the event id, {@code evt_...}
 * @param type        the event type, e.g. {@code invoice.paid}
 * @param status      what happened
 * @param accountId   the credits account the event concerns, or null (e.g. an ignored event)
 * @param description a short human-readable summary, for logs
 * @param result      the ledger's result, or null: a {@link dev.credits.PurchaseResult} (checkout events), a
 *                    {@link PlanChange} (subscription checkout, {@code customer.subscription.*}), or a
 *                    {@link PlanAndPeriod} ({@code invoice.paid})
 */
public record WebhookOutcome(String eventId, String type, Status status, String accountId, String description,
                             Object result) {

    public WebhookOutcome {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(description, "description");
    }

    /** What happened to an event. */
    public enum Status {
        /** The event changed the ledger (credits granted, a purchase recorded or resolved, a plan changed...). */
        APPLIED,
        /**
         * The event had already been applied (a redelivery, or another event got there first): nothing changed.
         * Detected through the ledger's own idempotency (purchase ids, purchase states, plan state, allowance
         * periods keyed by start), not by remembering event ids.
         */
        DUPLICATE,
        /** Nothing to do for this event (a type credits does not handle, or one that changes nothing). */
        IGNORED
    }

    /**
     * The result of an {@code invoice.paid} event: the plan made to match the invoice, then the period started.
     *
     * @param planChange what {@code assignPlan} did, or null if the account was already on the invoice's plan
     * @param period     what {@code startPeriod} did, or null if the invoice starts no period (it only carries
     *                   prorations of a mid-period plan change)
     */
    public record PlanAndPeriod(PlanChange planChange, PeriodResult period) {
    }

    /**
     * @param type the expected class, e.g. {@code PurchaseResult.class}
     * @return the result if it is of that class
     */
    public <T> Optional<T> result(Class<T> type) {
        return type.isInstance(result) ? Optional.of(type.cast(result)) : Optional.empty();
    }
}
