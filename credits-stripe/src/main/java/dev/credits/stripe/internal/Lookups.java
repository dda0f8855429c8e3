package dev.credits.stripe.internal;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.CreditLedger;
import dev.credits.InvalidArgumentException;
import dev.credits.Plan;
import dev.credits.UnknownAccountException;
import dev.credits.stripe.StripeCheckoutSession;
import dev.credits.stripe.StripeEvent;
import dev.credits.stripe.StripeEventRejectedException.Reason;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static dev.credits.stripe.internal.Outcomes.LOG;
import static dev.credits.stripe.internal.Outcomes.reject;

/**
 * The reads every event family shares: which account an event is about, what is remembered of a Stripe object
 * (account links), and which plan a price or metadata means. A read that cannot be answered refuses the event
 * ({@link Outcomes#reject}) with nothing changed. Immutable and thread-safe. Not API.
 */
public final class Lookups {

    /** The prefix of the account links written for Stripe objects: {@value} + a Stripe id. */
    public static final String LINK_PREFIX = "stripe:";

    private final CreditLedger ledger;
    private final StripeSettings settings;

    Lookups(StripeSettings settings) {
        this.settings = settings;
        this.ledger = settings.ledger();
    }

    // ---------------------------------------------------------------- accounts

    /** @return the account a Checkout Session is for: its {@code client_reference_id}, else the account metadata */
    String accountOf(StripeCheckoutSession session) {
        return session.clientReferenceId() != null ? session.clientReferenceId()
                : session.metadata().get(settings.accountKey());
    }

    /** @return the account, which must exist */
    Account requireAccount(StripeEvent event, String accountId) {
        if (accountId == null || accountId.isBlank()) {
            throw reject(event, Reason.MISSING_ACCOUNT, "no client_reference_id and no metadata '"
                    + settings.accountKey() + "'", null);
        }
        return lookup(() -> ledger.getAccount(accountId)).orElseThrow(() ->
                reject(event, Reason.UNKNOWN_ACCOUNT, "unknown account '" + accountId + "'", null));
    }

    /**
     * The account of a subscription's event, and the plan its subscription checkout was for.
     *
     * @param accountId      the account's id
     * @param account        the account as read before the event is applied
     * @param rememberedPlan the plan of the subscription's checkout, or null
     */
    record SubscriptionOwner(String accountId, Account account, String rememberedPlan) {
    }

    /**
     * The account of an invoice or subscription event: the account metadata when the event carries it (then the
     * subscription is remembered as that account's, if it was not yet), else the account remembered for the
     * subscription (its checkout or an earlier event with metadata). Neither: refused, so Stripe redelivers the
     * event once the subscription checkout is applied.
     */
    SubscriptionOwner ownerOf(StripeEvent event, String subscriptionId, String metadataAccount) {
        Optional<AccountLink> link = linkOf(subscriptionId);
        String rememberedPlan = link.map(AccountLink::detail).orElse(null);
        if (metadataAccount != null) {
            Account account = requireAccount(event, metadataAccount);
            if (link.isPresent() && !link.get().accountId().equals(metadataAccount)) {
                LOG.warn("Stripe event {}: subscription {} is remembered as account {}'s, its metadata names {};"
                        + " the metadata wins", event.id(), subscriptionId, link.get().accountId(), metadataAccount);
                rememberedPlan = null;
            } else if (link.isEmpty()) {
                remember(event, subscriptionId, metadataAccount, null);
            }
            return new SubscriptionOwner(metadataAccount, account, rememberedPlan);
        }
        if (link.isPresent()) {
            return new SubscriptionOwner(link.get().accountId(), requireAccount(event, link.get().accountId()),
                    rememberedPlan);
        }
        if (subscriptionId == null) {
            throw reject(event, Reason.MISSING_ACCOUNT, "no metadata '" + settings.accountKey()
                    + "' and no subscription", null);
        }
        throw reject(event, Reason.UNKNOWN_SUBSCRIPTION, "subscription " + subscriptionId + " carries no metadata '"
                + settings.accountKey() + "' and is not linked to an account yet (its checkout.session.completed has"
                + " not been applied); answer non-2xx so Stripe redelivers it", null);
    }

    // ---------------------------------------------------------------- account links

    /** @return the account link of a Stripe object id ({@code stripe:<id>}), or empty (also for an unusable id) */
    Optional<AccountLink> linkOf(String stripeId) {
        if (stripeId == null) {
            return Optional.empty();
        }
        return lookup(() -> ledger.findAccountLink(LINK_PREFIX + stripeId));
    }

    /**
     * Remembers that a Stripe object ({@code stripe:<id>}) belongs to an account, once (an existing link is kept).
     *
     * @return the link as stored, or empty if there is no id or it cannot be a reference (logged)
     */
    Optional<AccountLink> remember(StripeEvent event, String stripeId, String accountId, String detail) {
        if (stripeId == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ledger.linkAccount(LINK_PREFIX + stripeId, accountId, detail));
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        } catch (InvalidArgumentException e) {
            LOG.warn("Stripe event {}: {} cannot be remembered: {}", event.id(), stripeId, e.getMessage());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- plans

    /** @return our plan of a Stripe price, if mapped */
    Optional<String> planOfPrice(String priceId) {
        return settings.planOfPrice(priceId);
    }

    /**
     * The plan an invoice or subscription is for: its price (mapped), else the plan metadata, else the plan of
     * the subscription's checkout. The plan must exist.
     */
    String planOf(StripeEvent event, String priceId, Map<String, String> metadata, String rememberedPlan) {
        // The price is what the customer pays now; metadata was set at checkout and goes stale after a change.
        String planId = planOfPrice(priceId).orElse(null);
        if (planId == null) {
            planId = metadata.get(settings.planKey());
        }
        if (planId == null) {
            planId = rememberedPlan; // the plan of the subscription checkout
        }
        if (planId == null) {
            throw reject(event, Reason.MISSING_PLAN, "price " + priceId + " is not mapped to a plan, there is no"
                    + " metadata '" + settings.planKey() + "' and no plan remembered for the subscription", null);
        }
        requirePlan(event, planId);
        return planId;
    }

    /** Refuses an event naming a plan the ledger does not have. */
    void requirePlan(StripeEvent event, String planId) {
        Optional<Plan> plan = lookup(() -> ledger.plans().getPlan(planId));
        if (plan.isEmpty()) {
            throw reject(event, Reason.UNKNOWN_PLAN, "no plan '" + planId + "'", null);
        }
    }

    /** A catalog, account or link read; an id from the event that the ledger cannot take is treated as unknown. */
    static <T> Optional<T> lookup(Supplier<Optional<T>> read) {
        try {
            return read.get();
        } catch (InvalidArgumentException e) {
            return Optional.empty();
        }
    }
}
