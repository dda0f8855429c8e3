package dev.credits.stripe;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.CreditLedger;
import dev.credits.Commerce;
import dev.credits.CreditPackage;
import dev.credits.IdempotencyConflictException;
import dev.credits.InvalidArgumentException;
import dev.credits.PeriodResult;
import dev.credits.Plan;
import dev.credits.PlanChange;
import dev.credits.Purchase;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.PurchaseStateException;
import dev.credits.PurchaseStatus;
import dev.credits.Quote;
import dev.credits.UnknownAccountException;
import dev.credits.UnknownPlanException;
import dev.credits.stripe.StripeEventRejectedException.Reason;
import dev.credits.stripe.WebhookOutcome.PlanAndPeriod;
import dev.credits.stripe.WebhookOutcome.Status;
import dev.credits.stripe.internal.StripeObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
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

    private static final Logger log = LoggerFactory.getLogger(StripeCredits.class);

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
    public static final String LINK_PREFIX = "stripe:";

    private static final Set<String> ENDED_STATUSES = Set.of("canceled", "unpaid", "incomplete_expired");

    private final CreditLedger ledger;
    private final WebhookVerifier verifier;
    private final StripeClient client;
    private final Map<String, String> packageToPrice;
    private final Map<String, String> planToPrice;
    private final Map<String, String> priceToPlan;
    private final String accountKey;
    private final String packageKey;
    private final String planKey;
    private final Clock clock;

    private StripeCredits(Builder b) {
        this.ledger = b.ledger;
        this.clock = b.clock;
        this.verifier = b.verifier != null ? b.verifier : WebhookVerifier.of(b.secret).withClock(b.clock);
        this.client = b.client;
        this.packageToPrice = Map.copyOf(b.packageToPrice);
        this.planToPrice = Map.copyOf(b.planToPrice);
        Map<String, String> inverse = new HashMap<>();
        planToPrice.forEach((plan, price) -> inverse.put(price, plan));
        this.priceToPlan = Map.copyOf(inverse);
        this.accountKey = b.accountKey;
        this.packageKey = b.packageKey;
        this.planKey = b.planKey;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the ledger */
    public CreditLedger ledger() {
        return ledger;
    }

    /** @return the verifier webhooks are checked with */
    public WebhookVerifier webhookVerifier() {
        return verifier;
    }

    /** @return the Stripe price id of a package, if mapped */
    public Optional<String> priceOfPackage(String packageId) {
        return Optional.ofNullable(packageToPrice.get(packageId));
    }

    /** @return the Stripe price id of a plan, if mapped */
    public Optional<String> priceOfPlan(String planId) {
        return Optional.ofNullable(planToPrice.get(planId));
    }

    /** @return our plan id of a Stripe price id, if mapped */
    public Optional<String> planOfPrice(String priceId) {
        return Optional.ofNullable(priceToPlan.get(priceId));
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
        Objects.requireNonNull(options, "options");
        StripeClient stripe = requireClient();
        requireId("accountId", accountId);
        requireId("packageId", packageId);
        CreditPackage creditPackage = ledger.commerce().getPackage(packageId).orElseThrow(() ->
                new CheckoutUnavailableException(CheckoutUnavailableException.Reason.UNKNOWN_PACKAGE, null,
                        "no package '" + packageId + "'"));
        String priceId = packageToPrice.get(creditPackage.packageId());
        if (priceId == null) {
            throw new CheckoutUnavailableException(CheckoutUnavailableException.Reason.NO_PRICE_FOR_PACKAGE, null,
                    "no Stripe price id mapped to package '" + packageId + "'");
        }
        Quote quote = ledger.commerce().quote(PurchaseRequest.ofPackage(accountId, packageId)); // unknown account throws
        if (!quote.allowed()) {
            throw new CheckoutUnavailableException(CheckoutUnavailableException.Reason.PURCHASE_NOT_ALLOWED,
                    quote.rejection(), "the ledger rejects package '" + packageId + "' for account '" + accountId
                    + "': " + quote.rejection());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(accountKey, accountId);
        metadata.put(packageKey, packageId);
        CheckoutSessionRequest request = apply(CheckoutSessionRequest.payment(priceId, successUrl, cancelUrl),
                accountId, metadata, options, "payment", packageId);
        return stripe.createCheckoutSession(request);
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
        Objects.requireNonNull(options, "options");
        StripeClient stripe = requireClient();
        requireId("accountId", accountId);
        requireId("planId", planId);
        Plan plan = ledger.plans().getPlan(planId).orElseThrow(() ->
                new CheckoutUnavailableException(CheckoutUnavailableException.Reason.UNKNOWN_PLAN, null,
                        "no plan '" + planId + "'"));
        if (!plan.active()) {
            throw new CheckoutUnavailableException(CheckoutUnavailableException.Reason.INACTIVE_PLAN, null,
                    "plan '" + planId + "' is inactive");
        }
        String priceId = planToPrice.get(planId);
        if (priceId == null) {
            throw new CheckoutUnavailableException(CheckoutUnavailableException.Reason.NO_PRICE_FOR_PLAN, null,
                    "no Stripe price id mapped to plan '" + planId + "'");
        }
        if (ledger.getAccount(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(accountKey, accountId);
        metadata.put(planKey, planId);
        CheckoutSessionRequest request = apply(CheckoutSessionRequest.subscription(priceId, successUrl, cancelUrl),
                accountId, metadata, options, "subscription", planId);
        return stripe.createCheckoutSession(request);
    }

    private CheckoutSessionRequest apply(CheckoutSessionRequest base, String accountId, Map<String, String> metadata,
                                         CheckoutOptions options, String kind, String itemId) {
        String key = options.idempotencyKey() != null ? options.idempotencyKey()
                : "credits-checkout-" + kind + "-" + sha256(accountId, itemId, options.attemptId());
        CheckoutSessionRequest r = base.withClientReferenceId(accountId).withMetadata(metadata)
                .withIdempotencyKey(key).withExtraParams(options.extraParams());
        if (options.customerId() != null) {
            r = r.withCustomerId(options.customerId());
        }
        if (options.customerEmail() != null) {
            r = r.withCustomerEmail(options.customerEmail());
        }
        return r;
    }

    /** Length-prefixed, so ("ab","c") and ("a","bc") differ. */
    private static String sha256(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private StripeClient requireClient() {
        if (client == null) {
            throw new IllegalStateException("no StripeClient configured: builder().stripeClient(...)");
        }
        return client;
    }

    private static void requireId(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidArgumentException(name, "must not be blank");
        }
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
        Objects.requireNonNull(event, "event");
        WebhookOutcome outcome = switch (event.type()) {
            case "checkout.session.completed" -> onCheckoutCompleted(event);
            case "checkout.session.async_payment_succeeded" -> onAsyncPayment(event, true);
            case "checkout.session.async_payment_failed" -> onAsyncPayment(event, false);
            case "invoice.paid" -> onInvoicePaid(event);
            case "customer.subscription.updated" -> onSubscriptionUpdated(event);
            case "customer.subscription.deleted" -> onSubscriptionDeleted(event);
            case "charge.refunded" -> onChargeRefunded(event);
            case "charge.dispute.created" -> onDisputeCreated(event);
            case "charge.dispute.closed" -> onDisputeClosed(event);
            case "invoice_payment.paid" -> onInvoicePaymentPaid(event);
            default -> outcome(event, Status.IGNORED, null, "event type not handled by credits", null);
        };
        if (outcome.status() == Status.APPLIED) {
            log.info("Stripe event {} ({}) applied: {}", event.id(), event.type(), outcome.description());
        } else {
            log.debug("Stripe event {} ({}) {}: {}", event.id(), event.type(), outcome.status(),
                    outcome.description());
        }
        return outcome;
    }

    // ---------------------------------------------------------------- checkout sessions

    private WebhookOutcome onCheckoutCompleted(StripeEvent event) {
        StripeCheckoutSession s = event.checkoutSession();
        if ("payment".equals(s.mode())) {
            return s.isPaid() ? completePurchase(event, s) : pendingPurchase(event, s);
        }
        if ("subscription".equals(s.mode())) {
            return subscriptionCheckout(event, s);
        }
        return outcome(event, Status.IGNORED, null, "checkout mode " + s.mode() + " not handled", null);
    }

    private WebhookOutcome onAsyncPayment(StripeEvent event, boolean succeeded) {
        StripeCheckoutSession s = event.checkoutSession();
        if (!"payment".equals(s.mode())) {
            return outcome(event, Status.IGNORED, null, "checkout mode " + s.mode()
                    + ": subscription allowances come with invoice.paid", null);
        }
        return succeeded ? completePurchase(event, s) : failPurchase(event, s);
    }

    /** The account, package and purchase id of a payment-mode session, all checked. */
    private record PurchaseTarget(String accountId, String packageId, String purchaseId, PurchaseRequest request) {
    }

    private PurchaseTarget purchaseTarget(StripeEvent event, StripeCheckoutSession s, boolean pending) {
        String accountId = s.clientReferenceId() != null ? s.clientReferenceId() : s.metadata().get(accountKey);
        requireAccount(event, accountId);
        String packageId = s.metadata().get(packageKey);
        if (packageId == null) {
            throw reject(event, Reason.MISSING_PACKAGE, "session " + s.id() + " has no metadata '" + packageKey
                    + "'", null);
        }
        if (lookup(event, () -> ledger.commerce().getPackage(packageId)).isEmpty()) {
            throw reject(event, Reason.UNKNOWN_PACKAGE, "no package '" + packageId + "'", null);
        }
        String purchaseId = s.paymentIntentId() != null ? s.paymentIntentId() : s.id();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("stripe_checkout_session_id", s.id());
        PurchaseRequest request = PurchaseRequest.ofPackage(accountId, packageId).withPurchaseId(purchaseId)
                .withPaymentReference(purchaseId).withPending(pending).withMetadata(metadata)
                // The policy was checked when the checkout was created; the customer has paid (or committed to).
                .withPolicyChecked(true);
        return new PurchaseTarget(accountId, packageId, purchaseId, request);
    }

    private PurchaseResult record(StripeEvent event, PurchaseTarget t) {
        PurchaseResult r;
        try {
            r = ledger.commerce().purchase(t.request());
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        } catch (IdempotencyConflictException e) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, "purchase '" + t.purchaseId()
                    + "' exists for another account or package", e);
        } catch (InvalidArgumentException e) {
            throw reject(event, Reason.PURCHASE_REJECTED, e.getMessage(), e);
        }
        if (!r.success()) {
            throw reject(event, Reason.PURCHASE_REJECTED, "the ledger rejected purchase '" + t.purchaseId()
                    + "' of package '" + t.packageId() + "': " + r.reason(), null);
        }
        return r;
    }

    private WebhookOutcome completePurchase(StripeEvent event, StripeCheckoutSession s) {
        PurchaseTarget t = purchaseTarget(event, s, false);
        PurchaseResult r = record(event, t);
        if (!r.replayed()) {
            return outcome(event, Status.APPLIED, t.accountId(), "purchase " + t.purchaseId() + " of package "
                    + t.packageId() + " completed: " + r.purchase().totalCredits() + " credits granted", r);
        }
        PurchaseStatus status = r.purchase().status();
        if (status == PurchaseStatus.COMPLETED) {
            return outcome(event, Status.DUPLICATE, t.accountId(), "purchase " + t.purchaseId()
                    + " already completed", r);
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
                ? outcome(event, Status.DUPLICATE, t.accountId(), "purchase " + t.purchaseId() + " already completed",
                completed)
                : outcome(event, Status.APPLIED, t.accountId(), "pending purchase " + t.purchaseId()
                + " completed: " + completed.purchase().totalCredits() + " credits granted", completed);
    }

    private WebhookOutcome pendingPurchase(StripeEvent event, StripeCheckoutSession s) {
        PurchaseTarget t = purchaseTarget(event, s, true);
        PurchaseResult r = record(event, t);
        if (!r.replayed()) {
            return outcome(event, Status.APPLIED, t.accountId(), "purchase " + t.purchaseId() + " of package "
                    + t.packageId() + " recorded pending (payment " + s.paymentStatus() + ")", r);
        }
        // Already pending, or the async result got here first: either way nothing to do.
        return outcome(event, Status.DUPLICATE, t.accountId(), "purchase " + t.purchaseId() + " already "
                + r.purchase().status().name().toLowerCase(java.util.Locale.ROOT), r);
    }

    private WebhookOutcome failPurchase(StripeEvent event, StripeCheckoutSession s) {
        PurchaseTarget t = purchaseTarget(event, s, true);
        PurchaseResult r;
        try {
            r = record(event, t); // create pending if unknown (failed before completed arrived), then fail it
        } catch (StripeEventRejectedException e) {
            if (e.reason() == Reason.PURCHASE_REJECTED) {
                // No money was taken; nothing to record.
                return outcome(event, Status.IGNORED, t.accountId(), "payment failed; purchase not recordable: "
                        + e.getMessage(), null);
            }
            throw e;
        }
        PurchaseStatus status = r.purchase().status();
        if (status == PurchaseStatus.FAILED) {
            return outcome(event, Status.DUPLICATE, t.accountId(), "purchase " + t.purchaseId() + " already failed",
                    r);
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
                ? outcome(event, Status.DUPLICATE, t.accountId(), "purchase " + t.purchaseId() + " already failed",
                failed)
                : outcome(event, Status.APPLIED, t.accountId(), "purchase " + t.purchaseId()
                + " failed: nothing granted", failed);
    }

    private WebhookOutcome subscriptionCheckout(StripeEvent event, StripeCheckoutSession s) {
        String accountId = s.clientReferenceId() != null ? s.clientReferenceId() : s.metadata().get(accountKey);
        Account account = requireAccount(event, accountId);
        String planId = s.metadata().get(planKey);
        if (planId == null) {
            throw reject(event, Reason.MISSING_PLAN, "session " + s.id() + " has no metadata '" + planKey + "'",
                    null);
        }
        requirePlan(event, planId);
        // Remembered first, whatever happens to the plan: later invoices and subscription events of this
        // subscription resolve their account (and plan) through it even without subscription metadata.
        remember(event, s.subscriptionId(), accountId, planId);
        String current = account.nextPlanId() != null ? account.nextPlanId() : account.planId();
        if (current != null) {
            Status status = planId.equals(current) ? Status.DUPLICATE : Status.IGNORED;
            return outcome(event, status, accountId, "account already on plan " + current
                    + "; invoices and subscription updates keep it in step", null);
        }
        PlanChange change = assign(event, accountId, planId);
        return change.kind() == PlanChange.Kind.UNCHANGED
                ? outcome(event, Status.DUPLICATE, accountId, "already on plan " + planId, change)
                : outcome(event, Status.APPLIED, accountId, "plan " + planId + " " + kind(change), change);
    }

    // ---------------------------------------------------------------- invoices and subscriptions

    private WebhookOutcome onInvoicePaid(StripeEvent event) {
        StripeInvoice invoice = event.invoice();
        if (invoice.subscriptionId() == null) {
            return outcome(event, Status.IGNORED, null, "invoice " + invoice.id() + " is not a subscription's", null);
        }
        String metadataAccount = invoice.subscriptionMetadata().get(accountKey);
        if (metadataAccount == null) {
            metadataAccount = invoice.metadata().get(accountKey);
        }
        SubscriptionOwner owner = ownerOf(event, invoice.subscriptionId(), metadataAccount);
        String accountId = owner.accountId();
        Account account = owner.account();
        // What this invoice tells about payments: its subscription's, and (API versions before 2025-03-31.basil)
        // the payment intent that paid it. A refund or dispute of that payment is then known as no credits purchase.
        remember(event, invoice.id(), accountId, invoice.subscriptionId());
        if (invoice.paymentIntentId() != null) {
            remember(event, invoice.paymentIntentId(), accountId, invoice.id());
        }
        String planId = planOf(event, invoice.priceId(), invoice.subscriptionMetadata(), owner.rememberedPlan());
        Instant start = invoice.periodStart();
        Instant end = invoice.periodEnd();
        if (start == null || end == null || !end.isAfter(start)) {
            throw reject(event, Reason.MISSING_PERIOD, "invoice " + invoice.id() + " has no usable period", null);
        }
        if (account.periodStart() != null && start.isBefore(account.periodStart())) {
            return outcome(event, Status.IGNORED, accountId, "stale invoice " + invoice.id() + ": its period starts "
                    + start + ", before the current one (" + account.periodStart() + ")", null);
        }
        boolean prorationOnly = StripeObjects.periodLineIsProration(event.object());
        if (!prorationOnly && start.equals(account.periodStart())) {
            // The invoice of the period already running, redelivered: plan changes inside a period come from
            // customer.subscription.updated, so its (possibly older) price must not move the plan back.
            PeriodResult period = ledger.plans().startPeriod(accountId, start, end); // ALREADY_STARTED: changes nothing
            return outcome(event, Status.DUPLICATE, accountId, "invoice " + invoice.id() + " is of the current"
                    + " period (" + start + "), already started", new PlanAndPeriod(null, period));
        }
        String target = account.nextPlanId() != null ? account.nextPlanId() : account.planId();
        PlanChange change = null;
        String note;
        if (planId.equals(target)) {
            note = "on plan " + planId;
        } else if (target == null && (!"subscription_create".equals(invoice.billingReason())
                || (account.periodStart() != null && !start.isAfter(account.periodStart())))) {
            // Only a new subscription's first invoice puts a plan-less account on a plan; a renewal (or a
            // redelivered first invoice of a period already started) does not revive an ended plan.
            note = "account has no plan (ended); a " + invoice.billingReason() + " invoice does not revive it";
        } else {
            change = assign(event, accountId, planId);
            note = "plan " + planId + " " + kind(change);
        }
        boolean changed = change != null && (change.kind() != PlanChange.Kind.UNCHANGED
                || account.nextPlanId() != null);
        if (prorationOnly) {
            PlanAndPeriod result = new PlanAndPeriod(change, null);
            return outcome(event, changed ? Status.APPLIED : Status.DUPLICATE, accountId,
                    note + "; proration invoice, no new period", result);
        }
        PeriodResult period;
        try {
            period = ledger.plans().startPeriod(accountId, start, end);
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        }
        PlanAndPeriod result = new PlanAndPeriod(change, period);
        String description = note + "; period " + start + " - " + end + " " + period.status() + ", granted "
                + period.granted() + ", rolled over " + period.rolledOver();
        Status status = switch (period.status()) {
            case STARTED -> Status.APPLIED;
            case ALREADY_STARTED -> changed ? Status.APPLIED : Status.DUPLICATE;
            case STALE, NO_PLAN -> changed ? Status.APPLIED : Status.IGNORED;
        };
        return outcome(event, status, accountId, description, result);
    }

    private WebhookOutcome onSubscriptionUpdated(StripeEvent event) {
        StripeSubscription sub = event.subscription();
        SubscriptionOwner owner = ownerOf(event, sub.id(), sub.metadata().get(accountKey));
        String accountId = owner.accountId();
        Account account = owner.account();
        if (sub.status() != null && ENDED_STATUSES.contains(sub.status())) {
            return endPlan(event, accountId, "subscription " + sub.id() + " is " + sub.status());
        }
        if ("incomplete".equals(sub.status())) {
            return outcome(event, Status.IGNORED, accountId, "subscription " + sub.id() + " is incomplete", null);
        }
        String current = account.nextPlanId() != null ? account.nextPlanId() : account.planId();
        if (current == null) {
            return outcome(event, Status.IGNORED, accountId, "account has no plan: plans start with checkout or the"
                    + " first invoice, not with an update", null);
        }
        String planId = planOf(event, sub.priceId(), sub.metadata(), owner.rememberedPlan());
        if (planId.equals(current)) {
            return outcome(event, Status.DUPLICATE, accountId, "already on plan " + planId, null);
        }
        PlanChange change = assign(event, accountId, planId);
        return outcome(event, Status.APPLIED, accountId, "plan " + planId + " " + kind(change), change);
    }

    private WebhookOutcome onSubscriptionDeleted(StripeEvent event) {
        StripeSubscription sub = event.subscription();
        SubscriptionOwner owner = ownerOf(event, sub.id(), sub.metadata().get(accountKey));
        String accountId = owner.accountId();
        Account account = owner.account();
        String planId = sub.priceId() == null ? null : priceToPlan.get(sub.priceId());
        if (planId != null && (account.planId() != null || account.nextPlanId() != null)
                && !planId.equals(account.planId()) && !planId.equals(account.nextPlanId())) {
            return outcome(event, Status.IGNORED, accountId, "subscription " + sub.id() + " is for plan " + planId
                    + ", the account is on " + account.planId() + ": an older subscription", null);
        }
        return endPlan(event, accountId, "subscription " + sub.id() + " deleted");
    }

    private WebhookOutcome endPlan(StripeEvent event, String accountId, String why) {
        PlanChange change;
        try {
            change = ledger.plans().endPlan(accountId);
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        }
        return change.previousPlanId() == null
                ? outcome(event, Status.DUPLICATE, accountId, why + "; plan already ended", change)
                : outcome(event, Status.APPLIED, accountId, why + "; plan " + change.previousPlanId() + " ended",
                change);
    }

    // ---------------------------------------------------------------- refunds and disputes

    private WebhookOutcome onChargeRefunded(StripeEvent event) {
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

    private WebhookOutcome onDisputeCreated(StripeEvent event) {
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

    private WebhookOutcome onDisputeClosed(StripeEvent event) {
        StripeDispute dispute = event.dispute();
        boolean won;
        switch (dispute.status() == null ? "" : dispute.status()) {
            case "won", "warning_closed" -> won = true;
            case "lost" -> won = false;
            default -> {
                return outcome(event, Status.IGNORED, null, "dispute " + dispute.id() + " closed with status "
                        + dispute.status(), null);
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
                    + " credits purchase", null);
        }
        Optional<AccountLink> invoicePayment = linkOf(paymentIntentId);
        if (invoicePayment.isPresent()) {
            return outcome(event, Status.IGNORED, invoicePayment.get().accountId(), what + " is of payment intent "
                    + paymentIntentId + ", which paid subscription invoice " + invoicePayment.get().detail()
                    + ": no credits purchase (allowances are not taken back)", null);
        }
        Optional<AccountLink> invoice = invoiceId == null ? Optional.empty() : linkOf(invoiceId);
        if (invoice.isPresent()) {
            return outcome(event, Status.IGNORED, invoice.get().accountId(), what + " is of subscription invoice "
                    + invoiceId + ": no credits purchase (allowances are not taken back)", null);
        }
        throw reject(event, Reason.UNKNOWN_PURCHASE, what + ": no purchase is recorded for payment intent "
                + paymentIntentId + " (its checkout event may not have arrived yet); answer non-2xx so Stripe"
                + " redelivers it", null);
    }

    // ---------------------------------------------------------------- invoice payments

    private WebhookOutcome onInvoicePaymentPaid(StripeEvent event) {
        StripeInvoicePayment payment = event.invoicePayment();
        if (payment.paymentIntentId() == null || payment.invoiceId() == null) {
            return outcome(event, Status.IGNORED, null, "invoice payment " + payment.id()
                    + " names no payment intent and invoice", null);
        }
        Optional<AccountLink> invoice = linkOf(payment.invoiceId());
        if (invoice.isEmpty()) {
            return outcome(event, Status.IGNORED, null, "invoice " + payment.invoiceId()
                    + " is not known as a subscription invoice (not one of ours, or its invoice.paid is late)",
                    null);
        }
        String accountId = invoice.get().accountId();
        Optional<AccountLink> known = linkOf(payment.paymentIntentId());
        if (known.isPresent()) {
            return outcome(event, Status.DUPLICATE, known.get().accountId(), "payment intent "
                    + payment.paymentIntentId() + " already known as the payment of invoice " + known.get().detail(),
                    known.get());
        }
        AccountLink link = remember(event, payment.paymentIntentId(), accountId, payment.invoiceId());
        return outcome(event, Status.APPLIED, accountId, "payment intent " + payment.paymentIntentId()
                + " remembered as the payment of subscription invoice " + payment.invoiceId(), link);
    }

    /** @return the purchase paid by this payment intent (package purchases use it as their purchase id) */
    private Optional<Purchase> purchaseOf(String paymentIntentId) {
        if (paymentIntentId == null || paymentIntentId.isBlank()) {
            return Optional.empty();
        }
        try {
            return ledger.commerce().getPurchase(paymentIntentId);
        } catch (InvalidArgumentException e) {
            return Optional.empty();
        }
    }

    /** @return the disputed share of the purchase's credits: the dispute's amount against the price paid */
    private static long disputedCredits(Purchase p, StripeDispute dispute) {
        long paid = p.price().amount().movePointRight(Math.max(0, p.price().currency().getDefaultFractionDigits()))
                .longValue();
        return paid <= 0 ? p.totalCredits() : p.creditsFor(Math.min(dispute.amount(), paid), paid);
    }

    private PurchaseResult reverse(StripeEvent event, java.util.function.Supplier<PurchaseResult> call) {
        try {
            return call.get();
        } catch (PurchaseStateException e) {
            throw reject(event, Reason.PURCHASE_STATE_CONFLICT, e.getMessage(), e);
        }
    }

    private WebhookOutcome reversed(StripeEvent event, PurchaseResult r, String description) {
        return outcome(event, r.replayed() ? Status.DUPLICATE : Status.APPLIED, r.purchase().accountId(),
                "purchase " + r.purchase().purchaseId() + ": " + description, r);
    }

    // ---------------------------------------------------------------- helpers

    private String planOf(StripeEvent event, String priceId, Map<String, String> metadata, String rememberedPlan) {
        // The price is what the customer pays now; metadata was set at checkout and goes stale after a change.
        String planId = priceId == null ? null : priceToPlan.get(priceId);
        if (planId == null) {
            planId = metadata.get(planKey);
        }
        if (planId == null) {
            planId = rememberedPlan; // the plan of the subscription checkout
        }
        if (planId == null) {
            throw reject(event, Reason.MISSING_PLAN, "price " + priceId + " is not mapped to a plan, there is no"
                    + " metadata '" + planKey + "' and no plan remembered for the subscription", null);
        }
        requirePlan(event, planId);
        return planId;
    }

    /** The account of a subscription's event, and the plan its subscription checkout was for (or null). */
    private record SubscriptionOwner(String accountId, Account account, String rememberedPlan) {
    }

    /**
     * The account of an invoice or subscription event: the account metadata when the event carries it (then the
     * subscription is remembered as that account's, if it was not yet), else the account remembered for the
     * subscription (its checkout or an earlier event with metadata). Neither: refused, so Stripe redelivers the
     * event once the subscription checkout is applied.
     */
    private SubscriptionOwner ownerOf(StripeEvent event, String subscriptionId, String metadataAccount) {
        Optional<AccountLink> link = subscriptionId == null ? Optional.empty() : linkOf(subscriptionId);
        String rememberedPlan = link.map(AccountLink::detail).orElse(null);
        if (metadataAccount != null) {
            Account account = requireAccount(event, metadataAccount);
            if (link.isPresent() && !link.get().accountId().equals(metadataAccount)) {
                log.warn("Stripe event {}: subscription {} is remembered as account {}'s, its metadata names {};"
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
            throw reject(event, Reason.MISSING_ACCOUNT, "no metadata '" + accountKey + "' and no subscription", null);
        }
        throw reject(event, Reason.UNKNOWN_SUBSCRIPTION, "subscription " + subscriptionId + " carries no metadata '"
                + accountKey + "' and is not linked to an account yet (its checkout.session.completed has not been"
                + " applied); answer non-2xx so Stripe redelivers it", null);
    }

    /** @return the account link of a Stripe object id ({@code stripe:<id>}), or empty (also for an unusable id) */
    private Optional<AccountLink> linkOf(String stripeId) {
        if (stripeId == null) {
            return Optional.empty();
        }
        try {
            return ledger.findAccountLink(LINK_PREFIX + stripeId);
        } catch (InvalidArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Remembers that a Stripe object ({@code stripe:<id>}) belongs to an account, once (an existing link is kept).
     *
     * @return the link as stored, or null if there is no id or it cannot be a reference (logged)
     */
    private AccountLink remember(StripeEvent event, String stripeId, String accountId, String detail) {
        if (stripeId == null) {
            return null;
        }
        try {
            return ledger.linkAccount(LINK_PREFIX + stripeId, accountId, detail);
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        } catch (InvalidArgumentException e) {
            log.warn("Stripe event {}: {} cannot be remembered: {}", event.id(), stripeId, e.getMessage());
            return null;
        }
    }

    private void requirePlan(StripeEvent event, String planId) {
        Optional<Plan> plan = lookup(event, () -> ledger.plans().getPlan(planId));
        if (plan.isEmpty()) {
            throw reject(event, Reason.UNKNOWN_PLAN, "no plan '" + planId + "'", null);
        }
    }

    private PlanChange assign(StripeEvent event, String accountId, String planId) {
        try {
            return ledger.plans().assignPlan(accountId, planId);
        } catch (UnknownAccountException e) {
            throw reject(event, Reason.UNKNOWN_ACCOUNT, e.getMessage(), e);
        } catch (UnknownPlanException | InvalidArgumentException e) {
            throw reject(event, Reason.UNKNOWN_PLAN, e.getMessage(), e);
        }
    }

    private Account requireAccount(StripeEvent event, String accountId) {
        if (accountId == null || accountId.isBlank()) {
            throw reject(event, Reason.MISSING_ACCOUNT, "no client_reference_id and no metadata '" + accountKey
                    + "'", null);
        }
        return lookup(event, () -> ledger.getAccount(accountId)).orElseThrow(() ->
                reject(event, Reason.UNKNOWN_ACCOUNT, "unknown account '" + accountId + "'", null));
    }

    /** A catalog or account read; a malformed id from the event is treated as unknown. */
    private <T> Optional<T> lookup(StripeEvent event, java.util.function.Supplier<Optional<T>> read) {
        try {
            return read.get();
        } catch (InvalidArgumentException e) {
            return Optional.empty();
        }
    }

    private static String kind(PlanChange change) {
        return switch (change.kind()) {
            case ASSIGNED -> "assigned (applies from the next period)";
            case UPGRADED -> "upgrade applied now, granted " + change.granted();
            case DOWNGRADE_SCHEDULED -> "downgrade scheduled for the next period";
            case UNCHANGED -> "unchanged (a scheduled downgrade, if any, cancelled)";
            case ENDED -> "ended";
        };
    }

    private static StripeEventRejectedException reject(StripeEvent event, Reason reason, String message,
                                                       Throwable cause) {
        StripeEventRejectedException e = new StripeEventRejectedException(event.id(), event.type(), reason, message,
                cause);
        log.warn("{}", e.getMessage());
        return e;
    }

    private static WebhookOutcome outcome(StripeEvent event, Status status, String accountId, String description,
                                          Object result) {
        return new WebhookOutcome(event.id(), event.type(), status, accountId, description, result);
    }

    /** Never shows secrets. */
    @Override
    public String toString() {
        return "StripeCredits[packages=" + packageToPrice.keySet() + ", plans=" + planToPrice.keySet()
                + ", checkout=" + (client != null) + ", clock=" + clock + "]";
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

        private static String key(String name, String value) {
            if (value == null || value.isEmpty() || value.length() > 40 || value.indexOf('[') >= 0
                    || value.indexOf(']') >= 0) {
                throw new InvalidArgumentException(name, "1 to 40 characters, without [ or ]: " + value);
            }
            return value;
        }
    }
}
