/**
 * credits-stripe: sell credits through Stripe Checkout and read Stripe's webhooks, with no stripe-java at
 * runtime (the host's own stripe-java version stays out of the way).
 *
 * <ul>
 *   <li>{@link dev.credits.stripe.WebhookVerifier} checks a webhook's {@code Stripe-Signature} header with the
 *       JDK's HMAC-SHA256 and only then parses the payload into a {@link dev.credits.stripe.StripeEvent}, whose
 *       typed views ({@link dev.credits.stripe.StripeCheckoutSession}, {@link dev.credits.stripe.StripeInvoice},
 *       {@link dev.credits.stripe.StripeSubscription}, {@link dev.credits.stripe.StripeCharge},
 *       {@link dev.credits.stripe.StripeDispute}, {@link dev.credits.stripe.StripePaymentIntent},
 *       {@link dev.credits.stripe.StripeInvoicePayment}) read older and
 *       newer API shapes alike.</li>
 *   <li>{@link dev.credits.stripe.StripeClient} creates Checkout Sessions with the JDK's HTTP client.</li>
 *   <li>{@link dev.credits.stripe.StripeCredits} is the one entry point a host wires in: checkout for credit
 *       packages and plans, and {@code handleWebhook}, which verifies an event and applies it to the
 *       {@link dev.credits.CreditLedger}, returning a {@link dev.credits.stripe.WebhookOutcome}.</li>
 * </ul>
 *
 * <p>Errors: {@link dev.credits.stripe.WebhookSignatureException} and
 * {@link dev.credits.stripe.WebhookPayloadException} (answer 400), {@link dev.credits.stripe.StripeApiException},
 * {@link dev.credits.stripe.StripeEventRejectedException} (a verified event that cannot be applied),
 * {@link dev.credits.stripe.CheckoutUnavailableException};
 * all are {@link dev.credits.CreditsException}s. {@code dev.credits.stripe.internal} is not API.
 */
package dev.credits.stripe;
