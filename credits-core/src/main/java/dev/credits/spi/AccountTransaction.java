package dev.credits.spi;

import dev.credits.Allocation;
import dev.credits.Hold;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Purchase;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The view a unit of work has of one locked account. Reads return the state committed before the unit
 * of work began (a store need not show the unit's own {@link #write} to later reads; the ledger writes
 * once, at the end). Not thread-safe: use it only from the thread running the work.
 */
public interface AccountTransaction {

    /**
     * Reads what every unit of work starts with, in one round trip where the store can: the locked account (a
     * writing unit of work locks it here if it has not yet), its cached balances, its live lots ({@code remaining != 0}
     * or {@code held != 0}, any order), its OPEN holds with {@code expiresAt <= now}, and, when asked, one feature of
     * the price list and the account's idempotency record of one key. The ledger calls it at most once per unit of
     * work (the default {@link #findIdempotencyRecords} aside), before any other read; a unit of work may also skip it and use only the other reads (the store locks
     * or reads the account on the first of them, as {@link CreditStore#inAccount} requires).
     *
     * @param now            what "due" is measured against
     * @param featureKey     the feature to read too, or null
     * @param idempotencyKey the idempotency record to read too, or null
     * @throws dev.credits.UnknownAccountException if the account does not exist
     */
    AccountSnapshot snapshot(Instant now, String featureKey, String idempotencyKey);

    /**
     * Reads the account's idempotency records of several keys at once: the ledger asks for it when it runs several
     * concurrent calls on the account in one unit of work (after {@link #snapshot}). The default reads them one by
     * one through {@link #snapshot}; a database store overrides it with one query.
     *
     * @param keys the keys
     * @return the records found, by key (a key without a record is absent)
     */
    default Map<String, IdempotencyRecord> findIdempotencyRecords(Collection<String> keys) {
        Map<String, IdempotencyRecord> found = new HashMap<>();
        for (String key : keys) {
            IdempotencyRecord record = snapshot(Instant.EPOCH, null, key).idempotency();
            if (record != null) {
                found.put(key, record);
            }
        }
        return found;
    }

    /** @return one of the account's lots, live or not */
    Optional<Lot> findLot(String lotId);

    /** @return one of the account's entries */
    Optional<LedgerEntry> findEntry(String transactionId);

    /** @return the account's entries whose {@code referenceId} is {@code transactionId}: its refunds and retries, or a grant's expiries */
    List<LedgerEntry> findEntriesReferencing(String transactionId);

    /** @return the receipt lines of an entry (or of a hold, by hold id), ordered by position */
    List<Allocation> findAllocations(String ownerId);

    /** @return one of the account's holds */
    Optional<Hold> findHold(String holdId);

    /** @return the account's OPEN holds */
    List<Hold> findOpenHolds();

    /**
     * @return the account's holds whose last change ({@link Hold#changedAtSequence()}) is in
     *         {@code (afterSequence, upToSequence]}, by that sequence, then creation time and id
     */
    List<Hold> findHoldsChanged(long afterSequence, long upToSequence);

    /** @return one of the account's purchases */
    Optional<Purchase> findPurchase(String purchaseId);

    /** @return the account's purchases, oldest first */
    List<Purchase> listPurchases();

    /** @return the account's lots (live or not) whose {@code expiresAt} is exactly {@code at}, any order */
    List<Lot> findLotsExpiringAt(Instant at);

    /** @return the account's low-balance alert state of the credit type, or empty when it has none */
    Optional<AlertState> findAlertState(String creditType);

    /** @return the ids among {@code lotIds} of the account's lots whose coming expiry was announced */
    Set<String> findExpiryNotices(Collection<String> lotIds);

    /** @return the account's disputes of one charge ({@link dev.credits.ChargeDispute}), oldest first */
    List<dev.credits.ChargeDispute> findDisputes(String transactionId);

    /**
     * Reads a catalog row inside this unit of work (the same transaction, so a database store uses the unit's own
     * connection): the latest committed row, as {@link CatalogStore#find} would return it now.
     *
     * @return the row with this key, or empty
     */
    <T> Optional<T> find(CatalogTable<T> table, String key);

    // ---- organizations (see OrgChanges) ----

    /** @return the account's spending caps, any order */
    List<dev.credits.SpendingCap> findCaps();

    /** @return credits used by the account's cap in the period starting at {@code periodStart}, for the key ("" for none); 0 without a row */
    long findCapUsage(String capId, String key, Instant periodStart);

    /**
     * Records the changes of this unit of work. They take effect when the work returns normally, all or
     * nothing. Called at most once per unit of work.
     *
     * @throws dev.credits.IdempotencyConflictException never from a correct ledger; a store may throw
     *                                                  it when its unique index on idempotency keys trips
     */
    void write(ChangeSet changes);
}
