/**
 * The storage SPI: what a store implements so {@link dev.credits.CreditLedger} can run on it.
 *
 * <p>A store only persists and locks. Every ledger rule (pricing, burn-down order, expiry, holds,
 * idempotency, limits) lives in the ledger, which hands the store a unit of work over one account
 * ({@link dev.credits.spi.CreditStore#inAccount}). A store is correct when it passes the contract tests,
 * {@code dev.credits.tck.CreditStoreContract} in credits-core's test-jar.
 */
package dev.credits.spi;
