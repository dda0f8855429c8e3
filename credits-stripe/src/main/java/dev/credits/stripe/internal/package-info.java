/** Internals of credits-stripe (signatures, JSON reading, form encoding). Not API: may change at any time. */
package dev.credits.stripe.internal;
