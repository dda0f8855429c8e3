/** {@link dev.credits.stripe.testing.StripeTestEvents}: signed Stripe webhook events for a host's tests. */
package dev.credits.stripe.testing;
