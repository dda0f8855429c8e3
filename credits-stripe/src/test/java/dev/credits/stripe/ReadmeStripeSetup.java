package dev.credits.stripe;

import dev.credits.CreditLedger;

import java.util.Map;

/**
 * The READMEs' Stripe set-up and checkout snippets, compiled (ReadmeSnippetsTest in examples keeps them verbatim).
 * They call Stripe's API, so nothing runs them: the checkout calls are tested against a local HTTP server elsewhere.
 */
final class ReadmeStripeSetup {

    private ReadmeStripeSetup() {
    }

    /** The main README's set-up. */
    static CheckoutSession setUp(CreditLedger ledger, String successUrl, String cancelUrl, String attemptId) {
        // tag::stripe-setup[]
        StripeCredits stripe = StripeCredits.builder()
                .ledger(ledger)
                .webhookSecret(System.getenv("STRIPE_WEBHOOK_SECRET"))
                .stripeClient(new StripeClient(StripeClientConfig.of(System.getenv("STRIPE_SECRET_KEY"))))
                .packagePrice("starter", "price_1Pga...")           // our package -> Stripe one-time price
                .planPrice("professional", "price_1Pgb...")         // our plan -> Stripe recurring price
                .build();

        CheckoutSession session = stripe.createCheckoutSession("org_42", "starter", successUrl, cancelUrl, attemptId);
        // end::stripe-setup[]
        return session;
    }

    /** credits-stripe's README: every setting. */
    static StripeCredits configuration(CreditLedger ledger) {
        // tag::stripe-configuration[]
        StripeCredits stripe = StripeCredits.builder()
                .ledger(ledger)                                              // required
                .webhookSecret(System.getenv("STRIPE_WEBHOOK_SECRET"))       // or .webhookVerifier(verifier)
                .stripeClient(new StripeClient(StripeClientConfig.of(System.getenv("STRIPE_SECRET_KEY")))) // for checkout
                .packagePrice("starter", "price_1Pga...")                    // our package id -> one-time Stripe price
                .planPrice("pro", "price_1Pgb...")                           // our plan id -> recurring Stripe price
                .build();
        // end::stripe-configuration[]
        return stripe;
    }

    /** credits-stripe's README: the checkout calls. */
    static String checkouts(StripeCredits stripe, StripeClient stripeClient, String successUrl, String cancelUrl,
                            String returnUrl, String attemptId) {
        // tag::stripe-checkout[]
        CheckoutSession oneTime = stripe.createCheckoutSession("org_42", "starter", successUrl, cancelUrl, attemptId);
        CheckoutSession subscription = stripe.createSubscriptionCheckout("org_42", "pro", successUrl, cancelUrl,
                attemptId);
        CheckoutSession customAmount = stripe.createCustomAmountCheckout("org_42", 500, "credits", "SPRING20",
                successUrl, cancelUrl, CheckoutOptions.attempt(attemptId)
                        .withExtraParams(Map.of("allow_promotion_codes", "true"))   // or CheckoutOptions.idempotencyKey(key)
                        .withCustomerId("cus_..."));
        BillingPortalSession portal = stripeClient.createBillingPortalSession("cus_...", returnUrl);  // manage it
        return oneTime.url();   // redirect the browser there
        // end::stripe-checkout[]
    }
}
