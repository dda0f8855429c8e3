package dev.credits.spi;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.AuditRecord;
import dev.credits.ChargeDispute;
import dev.credits.Hold;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Purchase;

import java.util.List;

/**
 * Everything one unit of work changes, handed to the store in one piece so it can write it in one
 * round of statements. Immutable.
 *
 * @param account          the account with its new sequence number (and settings)
 * @param balances         cached balances to insert or replace
 * @param insertedLots     new lots
 * @param updatedLots      existing lots with new {@code remaining} and {@code held} (nothing else changes)
 * @param entries          new ledger entries
 * @param allocations      new receipt lines (of entries and of holds)
 * @param insertedHolds    new holds
 * @param updatedHolds     holds that left OPEN (status, resolvedAt, committedCredits, transactionId change)
 * @param idempotency      the idempotency records to insert (several when the ledger combined concurrent calls on
 *                         the account into one unit of work; null reads as none)
 * @param purchases        purchases to insert, or to replace by purchase id (a purchase id is unique across
 *                         accounts: inserting one another account has must fail with
 *                         {@link dev.credits.IdempotencyConflictException})
 * @param promotionUses    changes of promotions' use counts, each applied atomically across accounts; one that
 *                         would pass its limit fails the whole write with {@link PromotionExhaustedException}
 * @param events           the outbox events, alert states and expiry notices of the change ({@link EventChanges#NONE}
 *                         when none)
 * @param audits           audit records of the account's changes that are not entries (position 0: the store numbers
 *                         them in the order given)
 * @param disputes         disputes of the account's charges to insert, or to replace by dispute id
 * @param usage            increments of the account's usage rows (reports), at most one per bucket and
 *                         {@link UsageKey#groupKey()}: the store adds each to its stored row, or inserts it
 * @param orgs             the caps and cap usage rows of the change ({@link OrgChanges#NONE} when none)
 */
public record ChangeSet(Account account, List<BalanceRecord> balances, List<Lot> insertedLots,
                        List<Lot> updatedLots, List<LedgerEntry> entries, List<Allocation> allocations,
                        List<Hold> insertedHolds, List<Hold> updatedHolds, List<IdempotencyRecord> idempotency,
                        List<Purchase> purchases, List<PromotionUse> promotionUses, EventChanges events,
                        List<AuditRecord> audits, List<ChargeDispute> disputes, List<UsageRecord> usage,
                        OrgChanges orgs) {

    /** A change set without audit records, disputes, usage rows or organization rows. */
    public ChangeSet(Account account, List<BalanceRecord> balances, List<Lot> insertedLots, List<Lot> updatedLots,
                     List<LedgerEntry> entries, List<Allocation> allocations, List<Hold> insertedHolds,
                     List<Hold> updatedHolds, List<IdempotencyRecord> idempotency, List<Purchase> purchases,
                     List<PromotionUse> promotionUses, EventChanges events) {
        this(account, balances, insertedLots, updatedLots, entries, allocations, insertedHolds, updatedHolds,
                idempotency, purchases, promotionUses, events, List.of(), List.of(), List.of(), OrgChanges.NONE);
    }

    /** A change set without events. */
    public ChangeSet(Account account, List<BalanceRecord> balances, List<Lot> insertedLots, List<Lot> updatedLots,
                     List<LedgerEntry> entries, List<Allocation> allocations, List<Hold> insertedHolds,
                     List<Hold> updatedHolds, List<IdempotencyRecord> idempotency, List<Purchase> purchases,
                     List<PromotionUse> promotionUses) {
        this(account, balances, insertedLots, updatedLots, entries, allocations, insertedHolds, updatedHolds,
                idempotency, purchases, promotionUses, EventChanges.NONE);
    }

    public ChangeSet {
        balances = List.copyOf(balances);
        insertedLots = List.copyOf(insertedLots);
        updatedLots = List.copyOf(updatedLots);
        entries = List.copyOf(entries);
        allocations = List.copyOf(allocations);
        insertedHolds = List.copyOf(insertedHolds);
        updatedHolds = List.copyOf(updatedHolds);
        idempotency = idempotency == null ? List.of() : List.copyOf(idempotency);
        purchases = purchases == null ? List.of() : List.copyOf(purchases);
        promotionUses = promotionUses == null ? List.of() : List.copyOf(promotionUses);
        events = events == null ? EventChanges.NONE : events;
        audits = audits == null ? List.of() : List.copyOf(audits);
        disputes = disputes == null ? List.of() : List.copyOf(disputes);
        usage = usage == null ? List.of() : List.copyOf(usage);
        orgs = orgs == null ? OrgChanges.NONE : orgs;
    }
}
