package dev.credits.spi;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.CreditPackage;
import dev.credits.FeaturePricing;
import dev.credits.LedgerEntry;
import dev.credits.Plan;
import dev.credits.Promotion;

import java.time.Instant;
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

    // ---- the price list: each call is atomic on its own ----

    /** @return the feature, or empty */
    Optional<FeaturePricing> findFeature(String featureKey);

    /** @return features ordered by key, only those of {@code category} unless it is null */
    List<FeaturePricing> listFeatures(String category);

    /** Inserts the feature. @return false (and changes nothing) if the key exists */
    boolean insertFeature(FeaturePricing feature);

    /** Replaces the feature with the same key. @return false (and changes nothing) if it does not exist */
    boolean updateFeature(FeaturePricing feature);

    /** Deletes the feature. @return false if it did not exist */
    boolean deleteFeature(String featureKey);

    // ---- the catalog (packages, plans, promotions): each call is atomic on its own ----

    /** Inserts the package, or replaces the one with the same id. */
    void savePackage(CreditPackage creditPackage);

    /** @return the package, or empty */
    Optional<CreditPackage> findPackage(String packageId);

    /** @return every package, ordered by id */
    List<CreditPackage> listPackages();

    /** Inserts the plan, or replaces the one with the same id. */
    void savePlan(Plan plan);

    /** @return the plan, or empty */
    Optional<Plan> findPlan(String planId);

    /** @return every plan, ordered by id */
    List<Plan> listPlans();

    /**
     * Inserts the promotion, or replaces the one with the same code. Its use count is the store's: a new
     * promotion starts at 0 and a replaced one keeps its count ({@link Promotion#uses()} is ignored).
     */
    void savePromotion(Promotion promotion);

    /** @return the promotion with its current use count, or empty */
    Optional<Promotion> findPromotion(String code);

    /** @return every promotion, ordered by code */
    List<Promotion> listPromotions();
}
