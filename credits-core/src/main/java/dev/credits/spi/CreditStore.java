package dev.credits.spi;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.LedgerEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link dev.credits.CreditLedger} keeps its state. A store persists and locks; it holds no ledger
 * rule. Implementations must be thread-safe, and correct when several ledgers (several JVMs) share one
 * database.
 *
 * <p>Failures: a store reports an unreachable database or lost connection as
 * {@link dev.credits.StoreUnavailableException} (with the cause) after rolling back, and never leaves a unit
 * of work half-written.
 */
public interface CreditStore {

    /**
     * Inserts the account unless one with the same id exists. Atomic: of concurrent calls for one id,
     * exactly one inserts.
     *
     * @param account the account to insert (sequence 0)
     * @return the stored account: the given one if inserted, else the existing one unchanged
     */
    Account insertAccountIfAbsent(Account account);

    /**
     * Runs {@code work} atomically with the account locked against every other unit of work on the same
     * account (in this JVM and in any other sharing the store). Reads inside see the latest committed state
     * plus nothing else; {@link AccountTransaction#write(ChangeSet)} takes effect only if the work returns
     * normally, and all of it or nothing. If the work throws, nothing it wrote is kept and the exception
     * propagates unchanged.
     *
     * <p>The store may run {@code work} more than once when a transient conflict (deadlock, serialization
     * failure) aborts an attempt; the work must therefore have no effects outside the transaction. When it
     * gives up it throws {@link dev.credits.StoreUnavailableException} with the earlier failures suppressed.
     *
     * @param accountId the account to lock
     * @param work      the unit of work
     * @param <T>       the work's result
     * @return what the work returned
     * @throws dev.credits.UnknownAccountException if no such account exists
     */
    <T> T inAccount(String accountId, AccountWork<T> work);

    /**
     * Runs {@code work} atomically over several accounts, each locked as {@link #inAccount} locks one, in the order
     * given: the ledger names a member's pools root first, and two accounts of a transfer in id order, so two units
     * of work never wait for each other in a cycle. The work gets one {@link AccountTransaction} per account, in the
     * same order; every one's {@link AccountTransaction#write} takes effect only if the work returns normally, all of
     * them or none. Retries as {@link #inAccount} does.
     *
     * @param accountIdsInLockOrder distinct account ids, in the order to lock them (at least one)
     * @param work                  the unit of work
     * @throws dev.credits.UnknownAccountException if one of the accounts does not exist
     */
    <T> T inAccounts(List<String> accountIdsInLockOrder, MultiAccountWork<T> work);

    /**
     * Whether one unit of work over several accounts costs this store less than one unit of work per account: true
     * where it reads and writes several accounts in one round trip and one commit. Write-combining puts concurrent calls
     * of different organizations (accounts in no pool are their own) into one unit of work only on such a store;
     * elsewhere a combined unit of work holds the calls of one organization (its pool and its members). The default
     * is false.
     *
     * @return true if batches across organizations pay for themselves on this store
     */
    default boolean combinesAcrossAccounts() {
        return false;
    }

    /**
     * Whether a unit of work costs this store more than the calls run in it (round trips to a database, a durable
     * commit), so that calls arriving while one locks its accounts, reads them and runs its calls save by joining it.
     * Then write-combining runs even a call that finds no unit of work in flight on its organization as a batch that
     * such calls join; otherwise such a call runs exactly as without combining. The default is true; the in-memory
     * store, whose unit of work is a lock held in the JVM, says false.
     *
     * @return true if calls gain by joining a unit of work already under way on this store
     */
    default boolean unitsOfWorkAreCostly() {
        return true;
    }

    /**
     * Reads the snapshots of several accounts of one unit of work at once, exactly as each one's
     * {@link AccountTransaction#snapshot} would, in the order given (a writing unit of work locks them in that order,
     * if it has not yet): the ledger asks for it when it runs concurrent calls on several accounts in one unit of work.
     * The default asks each transaction in turn; a database store overrides it to read them all in one round trip.
     *
     * @param requests the accounts' transactions and what to read with each, in lock order (each account once)
     * @param now      what "due" is measured against
     * @return one snapshot per request, in the same order
     * @throws dev.credits.UnknownAccountException if one of the accounts does not exist
     */
    default List<AccountSnapshot> snapshots(List<SnapshotRequest> requests, Instant now) {
        List<AccountSnapshot> snapshots = new ArrayList<>(requests.size());
        for (SnapshotRequest request : requests) {
            snapshots.add(request.transaction().snapshot(now, request.featureKey(), request.idempotencyKey()));
        }
        return snapshots;
    }

    /**
     * Runs read-only {@code work} on a consistent view of one account. The store may take the same lock as
     * {@link #inAccount} or read a snapshot without it; {@link AccountTransaction#write} must not be called.
     *
     * @throws dev.credits.UnknownAccountException if no such account exists
     */
    <T> T readAccount(String accountId, AccountWork<T> work);

    /** @return the account, or empty; no lock */
    Optional<Account> findAccount(String accountId);

    /** @return the account that owns the ledger entry with this transaction id, or empty */
    Optional<String> findAccountOfTransaction(String transactionId);

    /** @return the account that owns the hold, or empty */
    Optional<String> findAccountOfHold(String holdId);

    /** @return the account that owns the purchase, or empty */
    Optional<String> findAccountOfPurchase(String purchaseId);

    /**
     * Lists accounts with work due at {@code now}: a lot with {@code expiresAt <= now} whose remaining
     * exceeds its held amount, or an OPEN hold with {@code expiresAt <= now}.
     *
     * @param limit at most this many
     */
    List<String> findAccountsWithDueItems(Instant now, int limit);

    /**
     * Reads history: entries of one account with {@code sequence < query.beforeSequence()} matching the
     * filter, highest sequence first, at most {@code query.limit()}.
     */
    List<LedgerEntry> findEntries(String accountId, EntryQuery query);

    /**
     * Reads the audit trail: records of one account, or of the catalog, newest (highest position) first.
     *
     * @throws dev.credits.UnknownAccountException never: an unknown account has no records
     */
    List<dev.credits.AuditRecord> findAuditRecords(AuditQuery query);

    /** Reads disputes of charges across accounts (see {@link DisputeQuery}), oldest first. */
    List<dev.credits.ChargeDispute> findDisputes(DisputeQuery query);

    // ---- account links (external reference -> account): each call is atomic on its own ----

    /**
     * Inserts the link unless one with the same reference exists; an existing link is never changed. Atomic: of
     * concurrent calls for one reference (from any JVM sharing the store), exactly one inserts and every call returns
     * that one. References compare exactly (case-sensitive). The ledger has checked the arguments and that the
     * account exists.
     *
     * @param link the link to insert
     * @return the stored link: the given one if inserted, else the existing one unchanged
     */
    AccountLink insertAccountLinkIfAbsent(AccountLink link);

    /** @return the link of this reference, or empty */
    Optional<AccountLink> findAccountLink(String reference);

    /**
     * Checks that the store answers, for a health check: a database store makes a real round trip (a read of its
     * accounts table, so a missing schema fails too); the default, for stores with nothing to reach, does nothing.
     *
     * @throws dev.credits.StoreUnavailableException if the store cannot be reached
     */
    default void ping() {
    }

    // ---- the catalog ----

    /**
     * @return the catalog: features, packages, plans and promotions, as rows of {@link CatalogTable}s; the same
     *         instance on every call
     */
    CatalogStore catalog();

    // ---- events ----

    /** @return the outbox and its consumers; the same instance on every call */
    EventStore events();

    // ---- reports ----

    /** @return the sums and listings reports read; the same instance on every call */
    ReportStore reports();
}
