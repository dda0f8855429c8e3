/**
 * credits-stripe: sell credits through Stripe Checkout and read Stripe's webhooks, with no stripe-java at
 * runtime (the host's own stripe-java version stays out of the way).
 *
 * <ul>
 *   <li>{@link dev.credits.stripe.WebhookVerifier} checks a webhook's {@code Stripe-Signature} header with the
 *       JDK's HMAC-SHA256 and only then parses the payload into a {@link dev.credits.stripe.StripeEvent}, whose
 *       typed views ({@link dev.credits.stripe.StripeCheckoutSession}, {@link dev.credits.stripe.StripeInvoice},
 *       {@link dev.credits.stripe.StripeSubscription}, {@link dev.credits.stripe.StripeCharge},
 *       {@link dev.credits.stripe.StripeDispute}, {@link dev.credits.stripe.StripePaymentIntent}) read older and
 *       newer API shapes alike.</li>
 *   <li>{@link dev.credits.stripe.StripeClient} creates Checkout Sessions with the JDK's HTTP client.</li>
 * </ul>
 *
 * <p>Errors: {@link dev.credits.stripe.WebhookSignatureException} and
 * {@link dev.credits.stripe.WebhookPayloadException} (answer 400), {@link dev.credits.stripe.StripeApiException};
 * all are {@link dev.credits.CreditsException}s. {@code dev.credits.stripe.internal} is not API.
 */
package dev.credits.stripe;
