/**
 * The storage SPI: what a store implements so {@link dev.credits.CreditLedger} can run on it.
 *
 * <p>A store only persists and locks. Every ledger rule (pricing, burn-down order, expiry, holds,
 * idempotency, limits) lives in the ledger, which hands the store a unit of work over one account
 * ({@link dev.credits.spi.CreditStore#inAccount}): the unit reads through an {@link dev.credits.spi.AccountTransaction}
 * (the catalog rows it needs too, with {@link dev.credits.spi.AccountTransaction#find}) and writes one
 * {@link dev.credits.spi.ChangeSet}. The catalog is a {@link dev.credits.spi.CatalogStore} over typed
 * {@link dev.credits.spi.CatalogTable}s. The events a unit of work causes ride in its change set
 * ({@link dev.credits.spi.EventChanges}); the outbox's numbering and the consumers live in an
 * {@link dev.credits.spi.EventStore}. The only checks a store makes are those of a write that span accounts:
 * a {@link dev.credits.spi.PromotionUse} against its promotion's limit and a purchase id owned by one account.
 * A store is correct when it passes the contract tests, {@code dev.credits.tck.CreditStoreContract} in
 * credits-core's test-jar ({@code StorePrimitivesContract} checks these primitives directly).
 */
package dev.credits.spi;
