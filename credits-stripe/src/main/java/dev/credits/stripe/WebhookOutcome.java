package dev.credits.stripe;

import dev.credits.AccountLink;
import dev.credits.PeriodResult;
import dev.credits.PlanChange;
import dev.credits.PurchaseResult;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link StripeCredits#handleWebhook} did with one verified event. Every status means "acknowledged":
 * answer the webhook with HTTP 2xx. Failures are exceptions, not outcomes. Immutable and thread-safe.
 *
 * <p>The ledger's answer is a {@link Result}, a closed set of records: one per kind of ledger call an event makes,
 * and {@link NoResult} when none answered. On Java 21 a {@code switch} over it is checked for exhaustiveness; on
 * Java 17 read it with {@code instanceof} or {@link #result(Class)}:
 *
 * <pre>{@code
 * String summary = switch (outcome.result()) {                      // Java 21
 *     case WebhookOutcome.PurchaseChanged p -> "purchase " + p.result().purchase().status();
 *     case WebhookOutcome.PlanChanged p -> "plan " + p.change().kind();
 *     case WebhookOutcome.PeriodPaid p -> "period " + p.period().status() + ", granted " + p.period().granted();
 *     case WebhookOutcome.ProrationPaid p -> "proration, plan change " + p.planChange();
 *     case WebhookOutcome.PaymentLinked p -> "invoice payment " + p.link().reference();
 *     case WebhookOutcome.NoResult n -> "nothing";
 * };
 * }</pre>
 *
 * @param eventId     the event id, {@code evt_...}
 * @param type        the event type, e.g. {@code invoice.paid}
 * @param status      what happened
 * @param accountId   the credits account the event concerns, or null (e.g. an ignored event)
 * @param description a short human-readable summary, for logs
 * @param result      the ledger's answer ({@link NoResult} if the event made no ledger call that answered)
 */
public record WebhookOutcome(String eventId, String type, Status status, String accountId, String description,
                             Result result) {

    public WebhookOutcome {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(result, "result");
    }

    /**
     * @param type the expected kind of result, e.g. {@code PurchaseChanged.class}
     * @return the result if it is of that kind
     */
    public <T extends Result> Optional<T> result(Class<T> type) {
        return type.isInstance(result) ? Optional.of(type.cast(result)) : Optional.empty();
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
     * The ledger's answer to an event: exactly one of {@link NoResult}, {@link PurchaseChanged},
     * {@link PlanChanged}, {@link PeriodPaid}, {@link ProrationPaid} or {@link PaymentLinked}.
     */
    public sealed interface Result
            permits NoResult, PurchaseChanged, PlanChanged, PeriodPaid, ProrationPaid, PaymentLinked {
    }

    /**
     * No ledger answer: an event type credits does not handle, or one it acknowledged without a ledger call that
     * answers (a stale invoice, a refund of a subscription invoice's payment, an account already on a plan...).
     */
    public record NoResult() implements Result {
        /** The one instance. */
        public static final NoResult INSTANCE = new NoResult();
    }

    /**
     * What the ledger did to a purchase: {@code checkout.session.*} (payment mode: recorded, completed or failed),
     * {@code charge.refunded} and {@code charge.dispute.*} (clawed back, frozen, resolved).
     *
     * @param result the ledger's purchase result
     */
    public record PurchaseChanged(PurchaseResult result) implements Result {
        public PurchaseChanged {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * What {@code assignPlan} or {@code endPlan} did: {@code checkout.session.completed} (subscription mode) and
     * {@code customer.subscription.updated/deleted}.
     *
     * @param change the ledger's plan change
     */
    public record PlanChanged(PlanChange change) implements Result {
        public PlanChanged {
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * An {@code invoice.paid} for a service period: the period started on the invoice's plan
     * ({@code Plans.startPeriod(account, plan, start, end)}: the plan moves only if the period really starts).
     *
     * @param period what {@code startPeriod} did; {@link PeriodResult#planId()} is the plan the period is on
     */
    public record PeriodPaid(PeriodResult period) implements Result {
        public PeriodPaid {
            Objects.requireNonNull(period, "period");
        }
    }

    /**
     * An {@code invoice.paid} carrying only prorations (a mid-period plan change billed at once): it starts no
     * period, it only makes sure the plan matches.
     *
     * @param planChange what {@code assignPlan} did, or empty if the plan was not assigned
     */
    public record ProrationPaid(Optional<PlanChange> planChange) implements Result {
        public ProrationPaid {
            Objects.requireNonNull(planChange, "planChange");
        }
    }

    /**
     * An {@code invoice_payment.paid}: the payment intent remembered (or already known) as a subscription
     * invoice's payment.
     *
     * @param link the account link {@code stripe:<pi id>} as stored
     */
    public record PaymentLinked(AccountLink link) implements Result {
        public PaymentLinked {
            Objects.requireNonNull(link, "link");
        }
    }
}
