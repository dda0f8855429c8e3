package dev.credits.spi;

import java.util.Objects;

/**
 * One account's part of a read of several accounts' snapshots at once ({@link CreditStore#snapshots}): the
 * transaction of the account, and what {@link AccountTransaction#snapshot} is to read with it.
 *
 * @param transaction    the account's transaction, one of the unit of work's ({@link CreditStore#inAccounts} or
 *                       {@link CreditStore#inAccount})
 * @param featureKey     the feature to read too, or null
 * @param idempotencyKey the idempotency record to read too, or null
 */
public record SnapshotRequest(AccountTransaction transaction, String featureKey, String idempotencyKey) {
    public SnapshotRequest {
        Objects.requireNonNull(transaction, "transaction");
    }
}
