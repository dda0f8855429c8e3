/**
 * Internals of credits-stripe: signatures, JSON reading and form encoding; checkout session creation
 * ({@code CheckoutSessions}); and webhook handling, where {@code EventDispatcher} routes a verified event by type to
 * the handler of its family ({@code PurchaseHandler}, {@code SubscriptionHandler}, {@code RefundAndDisputeHandler}),
 * which share their reads through {@code Lookups} and call the ledger. Calls go one way: facade, dispatcher, handler,
 * ledger. Not API: may change at any time.
 */
package dev.credits.stripe.internal;
