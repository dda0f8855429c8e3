package dev.credits.stripe;

import dev.credits.AccountLink;
import dev.credits.CreditLedger;
import dev.credits.Commerce;
import dev.credits.InvalidArgumentException;
import dev.credits.Purchase;
import dev.credits.UnknownAccountException;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.WebhookOutcome.Status;
import dev.credits.stripe.internal.CheckoutSessions;
import dev.credits.stripe.internal.EventDispatcher;
import dev.credits.stripe.internal.CustomAmounts;
import dev.credits.stripe.internal.Lookups;
import dev.credits.stripe.internal.StripeSettings;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Sells credits through Stripe: creates Checkout Sessions for credit packages and plans, and applies Stripe's
 * webhooks to the {@link CreditLedger}. Immutable and thread-safe; build one at startup.
 *
 * <pre>{@code
 * StripeCredits stripe = StripeCredits.builder()
 *         .ledger(ledger)
 *         .webhookSecret(System.getenv("STRIPE_WEBHOOK_SECRET"))
 *         .stripeClient(new StripeClient(StripeClientConfig.of(System.getenv("STRIPE_SECRET_KEY"))))
 *         .packagePrice("starter", "price_1Pga...")      // our package id -> Stripe price id
 *         .planPrice("pro", "price_1Pgb...")             // our plan id -> Stripe (recurring) price id
 *         .build();
 *
 * // webhook endpoint, with the raw body:
 * WebhookOutcome outcome = stripe.handleWebhook(rawBody, request.getHeader("Stripe-Signature")); // then 200
 * }</pre>
 *
 * <p>This class only wires: checkout, then webhook verification and dispatch to one handler per event family
 * (package purchases, subscriptions and invoices, refunds and disputes), which call the ledger. The ledger decides
 * purchase, plan and period state; an outcome's {@link WebhookOutcome.Result} is its answer.
 *
 * <h2>Events</h2>
 * <ul>
 *   <li>{@code checkout.session.completed}, payment mode: the account is the {@code client_reference_id} (else
 *       the account metadata key), the package the package metadata key; the purchase id is the session's
 *       payment intent id (else the session id). Paid ({@code paid}, {@code no_payment_required}): the purchase
 *       is recorded completed and its credits granted (an existing pending one is completed). {@code unpaid}
 *       (a delayed payment method): recorded pending, not spendable.</li>
 *   <li>{@code checkout.session.completed}, subscription mode: remembers the subscription as the account's, with
 *       the plan (an {@link AccountLink} {@code stripe:<sub id>}, see below), and puts an account that has no plan
 *       on the plan of the plan metadata key. No credits: the allowance comes with {@code invoice.paid}. An account already on a
 *       plan is left alone (the invoice and subscription events are the authority for plan changes; session
 *       metadata would be stale after an upgrade).</li>
 *   <li>{@code checkout.session.async_payment_succeeded}: completes the purchase (recording it completed if the
 *       {@code completed} event has not arrived yet). {@code async_payment_failed}: fails it (recording it
 *       pending, then failed, if unknown). Subscription-mode sessions: ignored (see {@code invoice.paid}).</li>
 *   <li>{@code invoice.paid} (subscription invoices): account from the subscription metadata, else the
 *       subscription remembered from its checkout (else {@link Reason#UNKNOWN_SUBSCRIPTION}); plan from the
 *       invoice line's price id (mapped), else the plan metadata key, else the remembered plan. Remembers the
 *       invoice, and (API versions before 2025-03-31.basil) the payment intent that paid it, as the account's. The invoice is the authority for the plan
 *       of the period it pays, so the plan is made to match first ({@code assignPlan} when it differs), then
 *       {@code startPeriod(account, line period start, end)} grants the allowance. At a renewal the ledger's
 *       old period has ended, so a plan change takes effect exactly from the new period. An account with no
 *       plan is put on one only by the subscription's first invoice ({@code billing_reason}
 *       {@code subscription_create}, for a period after any the account had), so a late or redelivered invoice
 *       cannot revive an ended plan. An invoice for a
 *       period older than the account's current one is stale: nothing changes (not even the plan). An invoice
 *       carrying only prorations (a mid-period plan change) starts no period; it only makes sure the plan
 *       matches (an upgrade grants the difference now, per the ledger's rule).</li>
 *   <li>{@code customer.subscription.updated} (account as for {@code invoice.paid}): for an account on a plan, a (mapped) price that means another
 *       plan is applied with {@code assignPlan}: an upgrade now, a downgrade scheduled for the next period. A
 *       status of {@code canceled}, {@code unpaid} or {@code incomplete_expired} ends the plan as
 *       {@code deleted} does. Accounts without a plan are left alone.</li>
 *   <li>{@code customer.subscription.deleted} (account as for {@code invoice.paid}): {@code endPlan} (unless the subscription's plan is known and is
 *       neither the account's plan nor its scheduled one: the event is about an older subscription).</li>
 *   <li>{@code charge.refunded}: the purchase paid by the charge's payment intent records the cumulative
 *       {@code amount_refunded} as credits in proportion ({@link Purchase#creditsFor}) and
 *       {@link Commerce#clawBackPurchase} takes back what is not yet taken back: unspent credits first,
 *       spent ones as debt.</li>
 *   <li>{@code charge.dispute.created}: {@link Commerce#disputePurchase} freezes the purchase's unspent
 *       credits (the disputed share of its price). {@code charge.dispute.closed}: {@code won} (or
 *       {@code warning_closed}) unfreezes them, {@code lost} unfreezes and claws back the disputed share,
 *       netted with refunds and capped at what the payment granted, so a refund and a dispute of the same
 *       payment never claw twice. A dispute closed before its {@code created} arrived resolves directly, and
 *       the late {@code created} changes nothing.</li>
 *   <li>A refund or dispute of a payment intent that paid no recorded purchase: {@link Status#IGNORED} if it is
 *       known to be no credits purchase (no payment intent; a payment intent or charge invoice remembered as a
 *       subscription invoice's), otherwise {@link Reason#UNKNOWN_PURCHASE}: its checkout event may be late, so it
 *       is refused for Stripe to redeliver, never acknowledged and forgotten (with or without our metadata on
 *       the charge).</li>
 *   <li>{@code invoice_payment.paid} (API versions from 2025-03-31.basil): if its invoice is remembered, remembers
 *       the payment intent as that subscription invoice's payment; otherwise {@link Status#IGNORED}.</li>
 *   <li>Anything else: {@link Status#IGNORED}.</li>
 * </ul>
 *
 * <h2>Duplicates and ordering</h2>
 * Stripe delivers at least once and in no guaranteed order. Redeliveries change nothing and report
 * {@link Status#DUPLICATE}, through the ledger's own idempotency: a purchase id seen before replays,
 * completing a completed purchase replays, a period is keyed by (account, start), assigning the current plan is
 * a no-op. <b>Event ids themselves are not stored yet</b>: two different events with the same effect are
 * indistinguishable from a redelivery, and this class cannot tell "already seen" for events that change
 * nothing. Concurrent deliveries of the same event are safe (the ledger serializes per account).
 *
 * <p>An event about something the ledger does not know yet is refused ({@link Reason#UNKNOWN_PURCHASE},
 * {@link Reason#UNKNOWN_SUBSCRIPTION}) with nothing changed; it is not stored. Answer it non-2xx and Stripe
 * redelivers it (for up to three days). With those redeliveries, every order of a payment's checkout (paid, or
 * unpaid then {@code async_payment_succeeded}), refunds and dispute (created, closed won or lost) ends as
 * in-order delivery does. Subscription events converge for the orders the module's README lists; a
 * {@code deleted} applied before a renewal's invoice ends the plan for good.
 *
 * <h2>What is remembered</h2>
 * {@link AccountLink}s ({@link CreditLedger#linkAccount}, written once, store-wide), referenced {@value #LINK_PREFIX}
 * + a Stripe id: {@code stripe:<sub id>} (the subscription's account, with the plan of its checkout),
 * {@code stripe:<in id>} (a subscription invoice's account, with the subscription) and {@code stripe:<pi id>} (the
 * payment intent of a subscription invoice, with the invoice). An event's own account metadata wins over a link.
 *
 * <h2>Errors</h2>
 * {@link WebhookSignatureException} and {@link WebhookPayloadException} (also for a validly signed payload with a
 * field of the wrong JSON type, a negative amount, a number out of range or an expanded object without a string
 * id): answer 400. A verified event that cannot be applied (unknown account, package or plan; the ledger refuses
 * the purchase; a purchase or subscription not known yet) is a {@link StripeEventRejectedException} with nothing
 * changed: answer non-2xx, e.g. 409 (Stripe retries for up to three days), and alert unless the reason is one of
 * order ({@link Reason#UNKNOWN_PURCHASE}, {@link Reason#UNKNOWN_SUBSCRIPTION}). Infrastructure failures ({@link dev.credits.StoreUnavailableException}) propagate: answer 500.
 */
public final class StripeCredits {

    /** The default metadata key of the account id. */
    public static final String DEFAULT_ACCOUNT_KEY = "credits_account_id";
    /** The default metadata key of the package id. */
    public static final String DEFAULT_PACKAGE_KEY = "credits_package_id";
    /** The default metadata key of the plan id. */
    public static final String DEFAULT_PLAN_KEY = "credits_plan_id";

    /**
     * The prefix of the {@link AccountLink} references this class writes: {@value} followed by a Stripe object id
     * ({@code stripe:sub_...}, {@code stripe:in_...}, {@code stripe:pi_...}).
     */
    public static final String LINK_PREFIX = Lookups.LINK_PREFIX;

    // Only wiring here: checkout, then verification and dispatch to the event families in the internal package.
    private final StripeSettings settings;
    private final WebhookVerifier verifier;
    private final boolean hasClient;
    private final Clock clock;
    private final CheckoutSessions checkout;
    private final EventDispatcher dispatcher;

    private StripeCredits(Builder b) {
        this.settings = new StripeSettings(b.ledger, b.packageToPrice, b.planToPrice, b.accountKey, b.packageKey,
                b.planKey);
        this.clock = b.clock;
        this.verifier = b.verifier != null ? b.verifier : WebhookVerifier.of(b.secret).withClock(b.clock);
        this.hasClient = b.client != null;
        this.checkout = new CheckoutSessions(settings, b.client);
        this.dispatcher = new EventDispatcher(settings);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the ledger */
    public CreditLedger ledger() {
        return settings.ledger();
    }

    /** @return the verifier webhooks are checked with */
    public WebhookVerifier webhookVerifier() {
        return verifier;
    }

    /** @return the Stripe price id of a package, if mapped */
    public Optional<String> priceOfPackage(String packageId) {
        return settings.priceOfPackage(packageId);
    }

    /** @return the Stripe price id of a plan, if mapped */
    public Optional<String> priceOfPlan(String planId) {
        return settings.priceOfPlan(planId);
    }

    /** @return our plan id of a Stripe price id, if mapped */
    public Optional<String> planOfPrice(String priceId) {
        return settings.planOfPrice(priceId);
    }

    // ================================================================ checkout

    /**
     * As {@link #createCheckoutSession(String, String, String, String, CheckoutOptions)} with
     * {@link CheckoutOptions#attempt(String)}.
     */
    public CheckoutSession createCheckoutSession(String accountId, String packageId, String successUrl,
                                                 String cancelUrl, String attemptId) {
        return createCheckoutSession(accountId, packageId, successUrl, cancelUrl, CheckoutOptions.attempt(attemptId));
    }

    /**
     * Creates a payment-mode Checkout Session selling one credit package: the package's mapped price,
     * {@code client_reference_id} = the account id, and the account and package ids as metadata on the session
     * and on its payment intent ({@code payment_intent_data[metadata]}). Checked before any HTTP call: the
     * account exists, the package exists, has a price id, and the ledger would allow the purchase now (its
     * {@link Commerce#quote}). The {@code Idempotency-Key} is the options' key, or
     * {@code credits-checkout-payment-<sha256(account, package, attempt id)>}.
     *
     * @return the session: redirect the customer to its URL
     * @throws UnknownAccountException      if the account does not exist
     * @throws CheckoutUnavailableException if the package is unknown, unmapped or cannot be bought
     * @throws StripeApiException           if Stripe fails
     * @throws IllegalStateException        if no {@link StripeClient} was configured
     */
    public CheckoutSession createCheckoutSession(String accountId, String packageId, String successUrl,
                                                 String cancelUrl, CheckoutOptions options) {
        return checkout.forPackage(accountId, packageId, successUrl, cancelUrl, options);
    }

    /**
     * Creates a payment-mode Checkout Session for a custom amount of credits ("enter the amount you want to buy"):
     * priced by the ledger's {@code quote} (the credit rate or the account's plan rate, the minimum, bulk tiers, the
     * plan's discount and the promotion) and sent as inline price data ({@code line_items[0][price_data]}), so no
     * Stripe price is needed. The metadata carries the account, the credits ({@value CustomAmounts#CREDITS_KEY}), the
     * credit type ({@value CustomAmounts#CREDIT_TYPE_KEY}), the promotion ({@value CustomAmounts#PROMOTION_KEY}) and
     * the quoted price ({@value CustomAmounts#QUOTED_PRICE_KEY}); the webhook applies the purchase through the same
     * path as a package, recording the quoted price as the price paid. Checked before any HTTP call: the quote allows
     * it.
     *
     * @param creditType    the credit type bought, or null for the default
     * @param promotionCode a promotion code, or null
     * @return the session: redirect the customer to its URL
     * @throws UnknownAccountException      if the account does not exist
     * @throws CheckoutUnavailableException if the ledger would reject the purchase (e.g. below the minimum)
     * @throws StripeApiException           if Stripe fails
     * @throws IllegalStateException        if no {@link StripeClient} was configured
     */
    public CheckoutSession createCustomAmountCheckout(String accountId, long credits, String creditType,
                                                      String promotionCode, String successUrl, String cancelUrl,
                                                      CheckoutOptions options) {
        return checkout.forCredits(accountId, credits, creditType, promotionCode, successUrl, cancelUrl, options);
    }

    /**
     * As {@link #createSubscriptionCheckout(String, String, String, String, CheckoutOptions)} with
     * {@link CheckoutOptions#attempt(String)}.
     */
    public CheckoutSession createSubscriptionCheckout(String accountId, String planId, String successUrl,
                                                      String cancelUrl, String attemptId) {
        return createSubscriptionCheckout(accountId, planId, successUrl, cancelUrl,
                CheckoutOptions.attempt(attemptId));
    }

    /**
     * Creates a subscription-mode Checkout Session for a plan: the plan's mapped price,
     * {@code client_reference_id} = the account id, and the account and plan ids as metadata on the session and
     * on the subscription ({@code subscription_data[metadata]}, which is what invoices and subscription events
     * carry). Checked before any HTTP call: the account exists, the plan exists, is active, and has a price id.
     * The {@code Idempotency-Key} is the options' key, or
     * {@code credits-checkout-subscription-<sha256(account, plan, attempt id)>}.
     *
     * @return the session: redirect the customer to its URL
     * @throws UnknownAccountException      if the account does not exist
     * @throws CheckoutUnavailableException if the plan is unknown, inactive or unmapped
     * @throws StripeApiException           if Stripe fails
     * @throws IllegalStateException        if no {@link StripeClient} was configured
     */
    public CheckoutSession createSubscriptionCheckout(String accountId, String planId, String successUrl,
                                                      String cancelUrl, CheckoutOptions options) {
        return checkout.forPlan(accountId, planId, successUrl, cancelUrl, options);
    }

    // ================================================================ webhooks

    /**
     * Verifies a webhook delivery and applies its event (see the class documentation for what each type does).
     *
     * @param rawPayload      the request body exactly as received
     * @param signatureHeader the {@code Stripe-Signature} header, or null if absent
     * @return what was done; answer HTTP 2xx
     * @throws WebhookSignatureException     if the signature is rejected (answer 400; nothing changed)
     * @throws WebhookPayloadException       if the payload is not a readable event, or a field it needs is malformed
     *                                       (answer 400; nothing changed)
     * @throws StripeEventRejectedException  if the event cannot be applied, or not yet (answer non-2xx, e.g. 409, so
     *                                       Stripe redelivers it; nothing changed)
     */
    public WebhookOutcome handleWebhook(byte[] rawPayload, String signatureHeader) {
        return handleEvent(verifier.verifyAndParse(rawPayload, signatureHeader));
    }

    /** As {@link #handleWebhook(byte[], String)}, for a body already read as a (UTF-8) string. */
    public WebhookOutcome handleWebhook(String rawPayload, String signatureHeader) {
        return handleEvent(verifier.verifyAndParse(rawPayload, signatureHeader));
    }

    /**
     * Applies an event whose origin is already established (verified by {@link #handleWebhook}, or fetched from
     * the Stripe API, e.g. to replay missed events). Never pass an unverified webhook body here.
     *
     * @param event the event
     * @return what was done
     * @throws WebhookPayloadException      if the event's object is not what its type says, or a field it needs is
     *                                      malformed
     * @throws StripeEventRejectedException if the event cannot be applied (nothing changed)
     */
    public WebhookOutcome handleEvent(StripeEvent event) {
        return dispatcher.dispatch(event);
    }

    /** Never shows secrets. */
    @Override
    public String toString() {
        return "StripeCredits[packages=" + settings.packages() + ", plans=" + settings.plans() + ", checkout="
                + hasClient + ", clock=" + clock + "]";
    }

    /**
     * Builds a {@link StripeCredits}. Required: {@link #ledger} and one of {@link #webhookSecret} or
     * {@link #webhookVerifier}. Not thread-safe.
     */
    public static final class Builder {
        private CreditLedger ledger;
        private WebhookVerifier verifier;
        private String secret;
        private StripeClient client;
        private final Map<String, String> packageToPrice = new LinkedHashMap<>();
        private final Map<String, String> planToPrice = new LinkedHashMap<>();
        private String accountKey = DEFAULT_ACCOUNT_KEY;
        private String packageKey = DEFAULT_PACKAGE_KEY;
        private String planKey = DEFAULT_PLAN_KEY;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The ledger events are applied to (required). */
        public Builder ledger(CreditLedger value) {
            this.ledger = Objects.requireNonNull(value, "ledger");
            return this;
        }

        /** The endpoint's signing secret {@code whsec_...}; a verifier is built with it and {@link #clock}. */
        public Builder webhookSecret(String value) {
            if (value == null || value.isBlank()) {
                throw new InvalidArgumentException("webhookSecret", "must not be blank");
            }
            this.secret = value;
            this.verifier = null;
            return this;
        }

        /** A verifier of the host's (e.g. with several secrets or a tolerance); used as is, clock included. */
        public Builder webhookVerifier(WebhookVerifier value) {
            this.verifier = Objects.requireNonNull(value, "webhookVerifier");
            this.secret = null;
            return this;
        }

        /** The client checkout sessions are created with; optional if the host only handles webhooks. */
        public Builder stripeClient(StripeClient value) {
            this.client = Objects.requireNonNull(value, "stripeClient");
            return this;
        }

        /** Maps one of our packages to its (one-time) Stripe price. */
        public Builder packagePrice(String packageId, String priceId) {
            requireId("packageId", packageId);
            requireId("priceId", priceId);
            packageToPrice.put(packageId, priceId);
            return this;
        }

        /**
         * Maps one of our plans to its (recurring) Stripe price; the reverse direction (price to plan) is what
         * invoices and subscription updates are read with, so a price may map to one plan only.
         */
        public Builder planPrice(String planId, String priceId) {
            requireId("planId", planId);
            requireId("priceId", priceId);
            planToPrice.put(planId, priceId);
            return this;
        }

        /** The metadata key of the account id (default {@value #DEFAULT_ACCOUNT_KEY}). */
        public Builder accountMetadataKey(String value) {
            this.accountKey = key("accountMetadataKey", value);
            return this;
        }

        /** The metadata key of the package id (default {@value #DEFAULT_PACKAGE_KEY}). */
        public Builder packageMetadataKey(String value) {
            this.packageKey = key("packageMetadataKey", value);
            return this;
        }

        /** The metadata key of the plan id (default {@value #DEFAULT_PLAN_KEY}). */
        public Builder planMetadataKey(String value) {
            this.planKey = key("planMetadataKey", value);
            return this;
        }

        /**
         * The clock the webhook signature's age is checked against when the verifier is built from
         * {@link #webhookSecret} (default system UTC). The ledger keeps its own clock.
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * @return the configured instance
         * @throws IllegalStateException if the ledger or the webhook secret/verifier is missing, a price id is
         *                               mapped to two plans, or two metadata keys are equal
         */
        public StripeCredits build() {
            if (ledger == null) {
                throw new IllegalStateException("a ledger is required: builder().ledger(...)");
            }
            if (verifier == null && secret == null) {
                throw new IllegalStateException("a webhook secret or verifier is required");
            }
            Map<String, String> seen = new HashMap<>();
            planToPrice.forEach((plan, price) -> {
                String other = seen.put(price, plan);
                if (other != null) {
                    throw new IllegalStateException("price " + price + " is mapped to plans " + other + " and "
                            + plan);
                }
            });
            if (Set.of(accountKey, packageKey, planKey).size() != 3) {
                throw new IllegalStateException("the three metadata keys must differ");
            }
            return new StripeCredits(this);
        }

        private static void requireId(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new InvalidArgumentException(name, "must not be blank");
            }
        }

        private static String key(String name, String value) {
            if (value == null || value.isEmpty() || value.length() > 40 || value.indexOf('[') >= 0
                    || value.indexOf(']') >= 0) {
                throw new InvalidArgumentException(name, "1 to 40 characters, without [ or ]: " + value);
            }
            return value;
        }
    }
}
