package dev.credits.stripe.internal;

import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.InvalidArgumentException;
import dev.credits.Plan;
import dev.credits.PurchaseRequest;
import dev.credits.Quote;
import dev.credits.UnknownAccountException;
import dev.credits.stripe.CheckoutOptions;
import dev.credits.stripe.CheckoutSession;
import dev.credits.stripe.CheckoutSessionRequest;
import dev.credits.stripe.CheckoutUnavailableException;
import dev.credits.stripe.CheckoutUnavailableException.Reason;
import dev.credits.stripe.InlinePrice;
import dev.credits.stripe.StripeClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Creates Checkout Sessions for a credit package or a plan, after checking with the ledger (before any HTTP call)
 * that the account, the package or plan and its price exist and that it can be bought. Immutable and
 * thread-safe. Not API: {@code StripeCredits} documents the behaviour.
 */
public final class CheckoutSessions {

    private final CreditLedger ledger;
    private final StripeSettings settings;
    private final StripeClient client;

    /**
     * @param settings what the builder configured
     * @param client   the client sessions are created with, or null if none was configured
     */
    public CheckoutSessions(StripeSettings settings, StripeClient client) {
        this.ledger = settings.ledger();
        this.settings = settings;
        this.client = client;
    }

    /** A payment-mode session selling one credit package. */
    public CheckoutSession forPackage(String accountId, String packageId, String successUrl, String cancelUrl,
                                      CheckoutOptions options) {
        Objects.requireNonNull(options, "options");
        StripeClient stripe = requireClient();
        requireId("accountId", accountId);
        requireId("packageId", packageId);
        CreditPackage creditPackage = ledger.commerce().getPackage(packageId).orElseThrow(() ->
                new CheckoutUnavailableException(Reason.UNKNOWN_PACKAGE, null, "no package '" + packageId + "'"));
        String priceId = settings.priceOfPackage(creditPackage.packageId()).orElseThrow(() ->
                new CheckoutUnavailableException(Reason.NO_PRICE_FOR_PACKAGE, null,
                        "no Stripe price id mapped to package '" + packageId + "'"));
        Quote quote = ledger.commerce().quote(PurchaseRequest.ofPackage(accountId, packageId)); // unknown account throws
        if (!quote.allowed()) {
            throw new CheckoutUnavailableException(Reason.PURCHASE_NOT_ALLOWED, quote.rejection(),
                    "the ledger rejects package '" + packageId + "' for account '" + accountId + "': "
                            + quote.rejection());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(settings.accountKey(), accountId);
        metadata.put(settings.packageKey(), packageId);
        CheckoutSessionRequest request = apply(CheckoutSessionRequest.payment(priceId, successUrl, cancelUrl),
                accountId, metadata, options, "payment", packageId);
        return stripe.createCheckoutSession(request);
    }

    /**
     * A payment-mode session selling a custom amount of credits at the price the ledger quotes now (credit rate or
     * the plan's, minimum, bulk tiers, plan discount, promotion), sent inline; the metadata carries what was sold and
     * the quoted price, which the webhook applies.
     */
    public CheckoutSession forCredits(String accountId, long credits, String creditType, String promotionCode,
                                      String successUrl, String cancelUrl, CheckoutOptions options) {
        Objects.requireNonNull(options, "options");
        StripeClient stripe = requireClient();
        requireId("accountId", accountId);
        String type = creditType == null ? CreditLedger.DEFAULT_CREDIT_TYPE : creditType;
        Quote quote = ledger.commerce().quote(PurchaseRequest.ofCredits(accountId, credits, type)
                .withPromotionCode(promotionCode)); // unknown account, bad amount or type throw
        if (!quote.allowed()) {
            throw new CheckoutUnavailableException(Reason.PURCHASE_NOT_ALLOWED, quote.rejection(),
                    "the ledger rejects " + credits + " " + type + " for account '" + accountId + "': "
                            + quote.rejection());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(settings.accountKey(), accountId);
        metadata.put(CustomAmounts.CREDITS_KEY, Long.toString(credits));
        metadata.put(CustomAmounts.CREDIT_TYPE_KEY, type);
        if (promotionCode != null) {
            metadata.put(CustomAmounts.PROMOTION_KEY, promotionCode);
        }
        metadata.put(CustomAmounts.QUOTED_PRICE_KEY, CustomAmounts.encode(quote.price()));
        InlinePrice price = new InlinePrice(quote.price(), quote.totalCredits() + " " + type);
        CheckoutSessionRequest request = apply(CheckoutSessionRequest.payment(price, successUrl, cancelUrl),
                accountId, metadata, options, "credits", credits + ":" + type + ":"
                        + (promotionCode == null ? "" : promotionCode) + ":" + CustomAmounts.encode(quote.price()));
        return stripe.createCheckoutSession(request);
    }

    /** A subscription-mode session for a plan. */
    public CheckoutSession forPlan(String accountId, String planId, String successUrl, String cancelUrl,
                                   CheckoutOptions options) {
        Objects.requireNonNull(options, "options");
        StripeClient stripe = requireClient();
        requireId("accountId", accountId);
        requireId("planId", planId);
        Plan plan = ledger.plans().getPlan(planId).orElseThrow(() ->
                new CheckoutUnavailableException(Reason.UNKNOWN_PLAN, null, "no plan '" + planId + "'"));
        if (!plan.active()) {
            throw new CheckoutUnavailableException(Reason.INACTIVE_PLAN, null, "plan '" + planId + "' is inactive");
        }
        String priceId = settings.priceOfPlan(planId).orElseThrow(() ->
                new CheckoutUnavailableException(Reason.NO_PRICE_FOR_PLAN, null,
                        "no Stripe price id mapped to plan '" + planId + "'"));
        if (ledger.getAccount(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(settings.accountKey(), accountId);
        metadata.put(settings.planKey(), planId);
        CheckoutSessionRequest request = apply(CheckoutSessionRequest.subscription(priceId, successUrl, cancelUrl),
                accountId, metadata, options, "subscription", planId);
        return stripe.createCheckoutSession(request);
    }

    private static CheckoutSessionRequest apply(CheckoutSessionRequest base, String accountId,
                                                Map<String, String> metadata, CheckoutOptions options, String kind,
                                                String itemId) {
        // Derived from what is bought and the host's attempt id, so a retried call never makes a second session.
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
}
