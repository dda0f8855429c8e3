package dev.credits.stripe.internal;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.CreditLedger;
import dev.credits.InvalidArgumentException;
import dev.credits.PeriodResult;
import dev.credits.PlanChange;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownPlanException;
import dev.credits.stripe.StripeCheckoutSession;
import dev.credits.stripe.StripeEvent;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.StripeInvoice;
import dev.credits.stripe.StripeInvoicePayment;
import dev.credits.stripe.StripeSubscription;
import dev.credits.stripe.WebhookOutcome;
import dev.credits.stripe.WebhookOutcome.PaymentLinked;
import dev.credits.stripe.WebhookOutcome.PeriodPaid;
import dev.credits.stripe.WebhookOutcome.PlanChanged;
import dev.credits.stripe.WebhookOutcome.ProrationPaid;
import dev.credits.stripe.WebhookOutcome.Status;
import dev.credits.stripe.internal.Lookups.SubscriptionOwner;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static dev.credits.stripe.internal.Outcomes.outcome;
import static dev.credits.stripe.internal.Outcomes.reject;

/**
 * Subscriptions and their invoices: the subscription checkout, {@code invoice.paid},
 * {@code invoice_payment.paid} and {@code customer.subscription.updated/deleted}. The ledger decides plans and
 * periods ({@code assignPlan}: upgrade now, downgrade next period; {@code startPeriod}: once per period, stale or
 * already started); what is decided here is only what the ledger cannot know: which Stripe object speaks for which
 * period, and which subscription is the account's. Immutable and thread-safe. Not API.
 */
final class SubscriptionHandler {

    /** Subscription statuses that end the plan as {@code customer.subscription.deleted} does. */
    private static final Set<String> ENDED_STATUSES = Set.of("canceled", "unpaid", "incomplete_expired");

    private final CreditLedger ledger;
    private final StripeSettings settings;
    private final Lookups lookups;

    SubscriptionHandler(StripeSettings settings, Lookups lookups) {
        this.ledger = settings.ledger();
        this.settings = settings;
        this.lookups = lookups;
    }

    /** {@code checkout.session.completed} of a subscription-mode session. */
    WebhookOutcome checkoutCompleted(StripeEvent event, StripeCheckoutSession s) {
        String accountId = lookups.accountOf(s);
        Account account = lookups.requireAccount(event, accountId);
        String planId = s.metadata().get(settings.planKey());
        if (planId == null) {
            throw reject(event, Reason.MISSING_PLAN, "session " + s.id() + " has no metadata '" + settings.planKey()
                    + "'", null);
        }
        lookups.requirePlan(event, planId);
        // A checkout seen before (remembered with its plan) of a subscription the account no longer records: a
        // redelivery of an older subscription's checkout, which must not take the account back.
        Optional<AccountLink> seen = lookups.linkOf(s.subscriptionId());
        if (seen.isPresent() && seen.get().detail() != null && account.subscriptionId() != null
                && !s.subscriptionId().equals(account.subscriptionId())) {
            return anotherSubscription(event, accountId, s.subscriptionId(), account);
        }
        // Remembered first, whatever happens to the plan: later invoices and subscription events of this
        // subscription resolve their account (and plan) through it even without subscription metadata.
        lookups.remember(event, s.subscriptionId(), accountId, planId);
        // Stays: session metadata goes stale after an upgrade, so only an account without a plan takes it;
        // the invoices and subscription updates are the authority for changes.
        String current = headedFor(account);
        if (current != null && planId.equals(current) && s.subscriptionId() != null
                && !s.subscriptionId().equals(account.subscriptionId())) {
            // Subscribed again to the plan it is on: the new subscription becomes the account's, so the old one's
            // deletion leaves the plan.
            PlanChange change = assign(event, accountId, planId, s.subscriptionId());
            // Applied when it replaces another subscription; a plan its first invoice put in place (no subscription
            // recorded yet) only learns which subscription it comes from.
            Status status = account.subscriptionId() == null ? Status.DUPLICATE : Status.APPLIED;
            return outcome(event, status, accountId, "account already on plan " + current + "; subscription "
                    + s.subscriptionId() + " recorded as its own", new PlanChanged(change));
        }
        if (current != null) {
            Status status = planId.equals(current) ? Status.DUPLICATE : Status.IGNORED;
            return outcome(event, status, accountId, "account already on plan " + current
                    + "; invoices and subscription updates keep it in step");
        }
        PlanChange change = assign(event, accountId, planId, s.subscriptionId());
        return change.kind() == PlanChange.Kind.UNCHANGED
                ? outcome(event, Status.DUPLICATE, accountId, "already on plan " + planId, new PlanChanged(change))
                : outcome(event, Status.APPLIED, accountId, "plan " + planId + " " + describe(change),
                new PlanChanged(change));
    }

    /** {@code invoice.paid}: the plan made to match the invoice, then the period it pays started. */
    WebhookOutcome invoicePaid(StripeEvent event) {
        StripeInvoice invoice = event.invoice();
        if (invoice.subscriptionId() == null) {
            return outcome(event, Status.IGNORED, null, "invoice " + invoice.id() + " is not a subscription's");
        }
        String metadataAccount = invoice.subscriptionMetadata().get(settings.accountKey());
        if (metadataAccount == null) {
            metadataAccount = invoice.metadata().get(settings.accountKey());
        }
        SubscriptionOwner owner = lookups.ownerOf(event, invoice.subscriptionId(), metadataAccount);
        String accountId = owner.accountId();
        Account account = owner.account();
        // What this invoice tells about payments: its subscription's, and (API versions before 2025-03-31.basil)
        // the payment intent that paid it. A refund or dispute of that payment is then known as no credits purchase.
        lookups.remember(event, invoice.id(), accountId, invoice.subscriptionId());
        if (invoice.paymentIntentId() != null) {
            lookups.remember(event, invoice.paymentIntentId(), accountId, invoice.id());
        }
        if (isAnother(invoice.subscriptionId(), account)) {
            return anotherSubscription(event, accountId, invoice.subscriptionId(), account);
        }
        String planId = lookups.planOf(event, invoice.priceId(), invoice.subscriptionMetadata(),
                owner.rememberedPlan());
        Instant start = invoice.periodStart();
        Instant end = invoice.periodEnd();
        // Checked before the plan can move (startPeriod would refuse such a period too, but only after it).
        if (start == null || end == null || !end.isAfter(start)) {
            throw reject(event, Reason.MISSING_PERIOD, "invoice " + invoice.id() + " has no usable period", null);
        }
        boolean prorationOnly = StripeObjects.periodLineIsProration(event.object());
        String target = headedFor(account);
        // Stays (Stripe's rule, not the ledger's): only a new subscription's first invoice puts a plan-less account
        // on a plan; a renewal (or a redelivered first invoice of a period already started) does not revive an
        // ended plan.
        boolean mayPutOnPlan = target != null || ("subscription_create".equals(invoice.billingReason())
                && (account.periodStart() == null || start.isAfter(account.periodStart())));
        if (prorationOnly) {
            // A proration invoice pays a plan change inside the current period: no new period, the change is
            // assignPlan's (an upgrade now, a downgrade at the next period). An older period's is stale.
            if (account.periodStart() != null && start.isBefore(account.periodStart())) {
                return outcome(event, Status.IGNORED, accountId, "stale proration invoice " + invoice.id()
                        + ": its period starts " + start + ", before the current one (" + account.periodStart() + ")");
            }
            PlanChange change = !mayPutOnPlan || planId.equals(target) ? null : assign(event, accountId, planId);
            String note = change != null ? "plan " + planId + " " + describe(change)
                    : mayPutOnPlan ? "on plan " + target : "account has no plan (ended)";
            boolean changed = change != null && change.kind() != PlanChange.Kind.UNCHANGED;
            return outcome(event, changed ? Status.APPLIED : Status.DUPLICATE, accountId,
                    note + "; proration invoice, no new period", new ProrationPaid(Optional.ofNullable(change)));
        }
        // The ledger decides the rest: startPeriod on the invoice's plan moves the plan only when the period really
        // starts, so a stale or redelivered invoice of an older plan moves nothing.
        PeriodResult period;
        try {
            period = mayPutOnPlan ? ledger.plans().startPeriod(accountId, planId, start, end)
                    : ledger.plans().startPeriod(accountId, start, end);
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        }
        String description = (mayPutOnPlan ? "plan " + planId : "account has no plan (ended); a "
                + invoice.billingReason() + " invoice does not revive it") + "; period " + start + " - " + end + " "
                + period.status() + ", granted " + period.granted() + ", rolled over " + period.rolledOver();
        Status status = switch (period.status()) {
            case STARTED -> Status.APPLIED;
            case ALREADY_STARTED -> Status.DUPLICATE;
            case STALE, NO_PLAN -> Status.IGNORED;
        };
        if (account.subscriptionId() == null && mayPutOnPlan && planId.equals(period.planId())
                && (period.status() == PeriodResult.Status.STARTED
                || period.status() == PeriodResult.Status.ALREADY_STARTED)) {
            // The first invoice before its checkout: the plan it put in place records its subscription, so events
            // of another subscription leave it. The plan is already the invoice's: only the subscription is written.
            assign(event, accountId, planId, invoice.subscriptionId());
            description += "; subscription " + invoice.subscriptionId() + " recorded";
        }
        return outcome(event, status, accountId, description, new PeriodPaid(period));
    }

    /**
     * {@code invoice_payment.paid} (API versions from 2025-03-31.basil): remembers the payment intent of a
     * remembered subscription invoice, so a refund or dispute of it is known as no credits purchase.
     */
    WebhookOutcome invoicePaymentPaid(StripeEvent event) {
        StripeInvoicePayment payment = event.invoicePayment();
        if (payment.paymentIntentId() == null || payment.invoiceId() == null) {
            return outcome(event, Status.IGNORED, null, "invoice payment " + payment.id()
                    + " names no payment intent and invoice");
        }
        Optional<AccountLink> invoice = lookups.linkOf(payment.invoiceId());
        if (invoice.isEmpty()) {
            return outcome(event, Status.IGNORED, null, "invoice " + payment.invoiceId()
                    + " is not known as a subscription invoice (not one of ours, or its invoice.paid is late)");
        }
        String accountId = invoice.get().accountId();
        Optional<AccountLink> known = lookups.linkOf(payment.paymentIntentId());
        if (known.isPresent()) {
            return outcome(event, Status.DUPLICATE, known.get().accountId(), "payment intent "
                    + payment.paymentIntentId() + " already known as the payment of invoice " + known.get().detail(),
                    new PaymentLinked(known.get()));
        }
        Optional<AccountLink> link = lookups.remember(event, payment.paymentIntentId(), accountId,
                payment.invoiceId());
        String description = "payment intent " + payment.paymentIntentId()
                + " remembered as the payment of subscription invoice " + payment.invoiceId();
        return link.isPresent()
                ? outcome(event, Status.APPLIED, accountId, description, new PaymentLinked(link.get()))
                : outcome(event, Status.APPLIED, accountId, description);
    }

    /** {@code customer.subscription.updated}: another (mapped) plan, or an ended status. */
    WebhookOutcome subscriptionUpdated(StripeEvent event) {
        StripeSubscription sub = event.subscription();
        SubscriptionOwner owner = lookups.ownerOf(event, sub.id(), sub.metadata().get(settings.accountKey()));
        String accountId = owner.accountId();
        Account account = owner.account();
        if (sub.status() != null && ENDED_STATUSES.contains(sub.status())) {
            return endPlan(event, accountId, sub.id(), "subscription " + sub.id() + " is " + sub.status());
        }
        if (isAnother(sub.id(), account)) {
            return anotherSubscription(event, accountId, sub.id(), account);
        }
        if ("incomplete".equals(sub.status())) {
            return outcome(event, Status.IGNORED, accountId, "subscription " + sub.id() + " is incomplete");
        }
        String current = headedFor(account);
        if (current == null) {
            return outcome(event, Status.IGNORED, accountId, "account has no plan: plans start with checkout or the"
                    + " first invoice, not with an update");
        }
        String planId = lookups.planOf(event, sub.priceId(), sub.metadata(), owner.rememberedPlan());
        // The ledger says whether anything changed: the plan (or the downgrade) already in place is UNCHANGED.
        PlanChange change = assign(event, accountId, planId);
        if (change.kind() == PlanChange.Kind.UNCHANGED) {
            return outcome(event, Status.DUPLICATE, accountId, "already on plan " + planId, new PlanChanged(change));
        }
        return outcome(event, Status.APPLIED, accountId, "plan " + planId + " " + describe(change),
                new PlanChanged(change));
    }

    /** {@code customer.subscription.deleted}: ends the plan, unless the event is about an older subscription. */
    WebhookOutcome subscriptionDeleted(StripeEvent event) {
        StripeSubscription sub = event.subscription();
        SubscriptionOwner owner = lookups.ownerOf(event, sub.id(), sub.metadata().get(settings.accountKey()));
        String accountId = owner.accountId();
        Account account = owner.account();
        // Stays for accounts whose plan records no subscription (put on a plan before subscriptions were recorded): a
        // subscription of another mapped plan than the account's (or its scheduled one) is taken to be an older one.
        // Otherwise the ledger compares the subscription with the one the plan records (endPlan below).
        String planId = lookups.planOfPrice(sub.priceId()).orElse(null);
        if (planId != null && (account.planId() != null || account.nextPlanId() != null)
                && !planId.equals(account.planId()) && !planId.equals(account.nextPlanId())) {
            return outcome(event, Status.IGNORED, accountId, "subscription " + sub.id() + " is for plan " + planId
                    + ", the account is on " + account.planId() + ": an older subscription");
        }
        return endPlan(event, accountId, sub.id(), "subscription " + sub.id() + " deleted");
    }

    private WebhookOutcome endPlan(StripeEvent event, String accountId, String subscriptionId, String why) {
        PlanChange change;
        try {
            // The ledger knows which subscription the plan comes from: another one's end changes nothing.
            change = ledger.plans().endPlan(accountId, subscriptionId);
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        }
        if (change.kind() == PlanChange.Kind.UNCHANGED) {
            return outcome(event, Status.IGNORED, accountId, why + "; the account's plan comes from another"
                    + " subscription: an older one", new PlanChanged(change));
        }
        return change.previousPlanId() == null
                ? outcome(event, Status.DUPLICATE, accountId, why + "; plan already ended", new PlanChanged(change))
                : outcome(event, Status.APPLIED, accountId, why + "; plan " + change.previousPlanId() + " ended",
                new PlanChanged(change));
    }

    /** @return whether the subscription is another one than the account's plan records (none recorded: not) */
    private static boolean isAnother(String subscriptionId, Account account) {
        return subscriptionId != null && account.subscriptionId() != null
                && !subscriptionId.equals(account.subscriptionId());
    }

    private static WebhookOutcome anotherSubscription(StripeEvent event, String accountId, String subscriptionId,
                                                      Account account) {
        return outcome(event, Status.IGNORED, accountId, "subscription " + subscriptionId + " is not the account's"
                + " (its plan " + account.planId() + " comes from " + account.subscriptionId() + "): nothing changed");
    }

    private PlanChange assign(StripeEvent event, String accountId, String planId) {
        return assign(event, accountId, planId, null);
    }

    /** @param subscriptionId the subscription the plan now comes from, or null to keep the recorded one */
    private PlanChange assign(StripeEvent event, String accountId, String planId, String subscriptionId) {
        try {
            return ledger.plans().assignPlan(accountId, planId, subscriptionId);
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        } catch (UnknownPlanException | InvalidArgumentException e) {
            throw reject(event, Reason.UNKNOWN_PLAN, e.getMessage(), e);
        }
    }

    /**
     * @return the plan the account is headed for: the one a downgrade scheduled, else its plan (null if none);
     *         the plan {@code startPeriod} grants next
     */
    private static String headedFor(Account account) {
        return account.nextPlanId() != null ? account.nextPlanId() : account.planId();
    }

    private static String describe(PlanChange change) {
        return switch (change.kind()) {
            case ASSIGNED -> "assigned (applies from the next period)";
            case UPGRADED -> "upgrade applied now, granted " + change.granted();
            case DOWNGRADE_SCHEDULED -> "downgrade scheduled for the next period";
            case DOWNGRADE_CANCELLED -> "kept (the scheduled downgrade is cancelled)";
            case UNCHANGED -> "unchanged";
            case ENDED -> "ended";
        };
    }
}
