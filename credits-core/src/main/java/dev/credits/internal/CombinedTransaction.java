package dev.credits.internal;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.AuditRecord;
import dev.credits.ChargeDispute;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.HoldStatus;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Purchase;
import dev.credits.SpendingCap;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.AlertState;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.CapUsage;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.EventChanges;
import dev.credits.spi.EventRecord;
import dev.credits.spi.ExpiryNotice;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.OrgChanges;
import dev.credits.spi.PromotionUse;
import dev.credits.spi.UsageRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The account transaction the calls of one combined unit of work see, one after the other: the store's reads with the
 * changes of the calls that already ran in the batch laid over them, so each call sees exactly the state a serial
 * execution would have left it. A call's {@link #write} is kept aside until the call returns ({@link #accept}) and
 * dropped if it throws ({@link #discard}): a failed call leaves no trace. {@link #flush} hands the store all accepted
 * changes as one {@link ChangeSet}. The store's snapshot is read before the first call, with the batch's other
 * accounts' and the holds due by the end of its late window (each call sees those due at its own instant); the
 * idempotency records of the batch's other keys in one more read, and a late call's when it joins. Not thread-safe:
 * used by the thread running the batch.
 */
final class CombinedTransaction implements AccountTransaction {
    private final AccountTransaction tx;
    private final Set<String> idempotencyKeys;

    private final AccountSnapshot prefetched;
    private final String prefetchedFeature;
    /** Whether the feature read with the snapshot is still the one to price by (see {@link #readFeaturesAgain}). */
    private boolean prefetchedFeatureFresh = true;
    private final String prefetchedKey;
    private AccountSnapshot base;
    private final Map<String, Optional<FeaturePricing>> features = new HashMap<>();
    private final Map<String, IdempotencyRecord> storedIdempotency = new HashMap<>();

    // What the accepted calls changed, latest version of each row.
    private Account account;
    private final Map<String, BalanceRecord> balances = new LinkedHashMap<>();
    private final Map<String, Lot> lots = new LinkedHashMap<>();
    private final Set<String> newLots = new HashSet<>();
    private final List<LedgerEntry> entries = new ArrayList<>();
    private final Map<String, LedgerEntry> entriesById = new HashMap<>();
    private final List<Allocation> allocations = new ArrayList<>();
    private final Map<String, Hold> holds = new LinkedHashMap<>();
    private final Set<String> newHolds = new HashSet<>();
    private final Map<String, IdempotencyRecord> idempotency = new LinkedHashMap<>();
    private final Map<String, Purchase> purchases = new LinkedHashMap<>();
    private final List<PromotionUse> promotionUses = new ArrayList<>();
    private final List<EventRecord> events = new ArrayList<>();
    private final Map<String, AlertState> alertStates = new LinkedHashMap<>();
    private final List<ExpiryNotice> notices = new ArrayList<>();
    private final List<AuditRecord> audits = new ArrayList<>();
    private final Map<String, ChargeDispute> disputes = new LinkedHashMap<>();
    /** Usage rows by bucket and group key: one row each, the batch's increments added up. */
    private final Map<String, UsageRecord> usage = new LinkedHashMap<>();
    private final Map<String, SpendingCap> caps = new LinkedHashMap<>();
    private final Set<String> removedCaps = new LinkedHashSet<>();
    /** Cap usage rows by cap, key and period: the latest count each. */
    private final Map<String, CapUsage> capUsage = new LinkedHashMap<>();

    /** The write of the call running now, applied on {@link #accept}. */
    private ChangeSet pending;

    /**
     * @param tx              the store's transaction of the combined unit of work
     * @param idempotencyKeys the keys of the batch's calls on the account (read in one read with the first snapshot)
     * @param snapshot        the account's snapshot, read with the batch's others ({@code CreditStore#snapshots})
     * @param featureKey      the feature read with it, or null
     * @param idempotencyKey  the key whose record was read with it, or null
     */
    CombinedTransaction(AccountTransaction tx, Set<String> idempotencyKeys, AccountSnapshot snapshot,
                        String featureKey, String idempotencyKey) {
        this.tx = tx;
        this.idempotencyKeys = new LinkedHashSet<>(idempotencyKeys);
        this.prefetched = snapshot;
        this.prefetchedFeature = featureKey;
        this.prefetchedKey = idempotencyKey;
    }

    // ------------------------------------------------------------ the calls' lifecycle

    /** The call that ran returned normally: its write becomes part of the batch (and of what later calls read). */
    void accept() {
        ChangeSet changes = pending;
        pending = null;
        if (changes == null) {
            return;
        }
        account = changes.account();
        changes.balances().forEach(b -> balances.put(b.creditType(), b));
        for (Lot lot : changes.insertedLots()) {
            lots.put(lot.lotId(), lot);
            newLots.add(lot.lotId());
        }
        changes.updatedLots().forEach(lot -> lots.put(lot.lotId(), lot));
        for (LedgerEntry entry : changes.entries()) {
            entries.add(entry);
            entriesById.put(entry.transactionId(), entry);
        }
        allocations.addAll(changes.allocations());
        for (Hold hold : changes.insertedHolds()) {
            holds.put(hold.holdId(), hold);
            newHolds.add(hold.holdId());
        }
        changes.updatedHolds().forEach(hold -> holds.put(hold.holdId(), hold));
        changes.idempotency().forEach(record -> idempotency.put(record.idempotencyKey(), record));
        changes.purchases().forEach(purchase -> purchases.put(purchase.purchaseId(), purchase));
        promotionUses.addAll(changes.promotionUses());
        events.addAll(changes.events().events());
        changes.events().alertStates().forEach(state -> alertStates.put(state.creditType(), state));
        notices.addAll(changes.events().notices());
        audits.addAll(changes.audits());
        changes.disputes().forEach(dispute -> disputes.put(dispute.disputeId(), dispute));
        for (UsageRecord row : changes.usage()) {
            usage.merge(row.bucketStart() + "\n" + row.key().groupKey(), row,
                    (a, b) -> new UsageRecord(a.accountId(), a.bucketStart(), a.key(), a.totals().plus(b.totals())));
        }
        OrgChanges orgs = changes.orgs();
        for (String capId : orgs.removedCaps()) {
            caps.remove(capId);
            removedCaps.add(capId);
            capUsage.values().removeIf(row -> row.capId().equals(capId));
        }
        for (SpendingCap cap : orgs.caps()) {
            caps.put(cap.capId(), cap); // a cap removed earlier in the batch stays removed first: its usage is gone
        }
        orgs.usage().forEach(row -> capUsage.put(capUsageKey(row.capId(), row.key(), row.periodStart()), row));
    }

    private static String capUsageKey(String capId, String key, Instant periodStart) {
        return capId + '\n' + key + '\n' + periodStart;
    }

    /** The call that ran threw: nothing it wrote is kept. */
    void discard() {
        pending = null;
    }

    /** Writes every accepted call's changes to the store as one change set, if there are any. */
    void flush() {
        if (account == null) {
            return;
        }
        List<Lot> inserted = new ArrayList<>();
        List<Lot> updated = new ArrayList<>();
        lots.values().forEach(lot -> (newLots.contains(lot.lotId()) ? inserted : updated).add(lot));
        List<Hold> insertedHolds = new ArrayList<>();
        List<Hold> updatedHolds = new ArrayList<>();
        holds.values().forEach(hold -> (newHolds.contains(hold.holdId()) ? insertedHolds : updatedHolds).add(hold));
        EventChanges eventChanges = events.isEmpty() && alertStates.isEmpty() && notices.isEmpty() ? EventChanges.NONE
                : new EventChanges(events, List.copyOf(alertStates.values()), notices);
        OrgChanges orgs = caps.isEmpty() && removedCaps.isEmpty() && capUsage.isEmpty() ? OrgChanges.NONE
                : new OrgChanges(List.copyOf(caps.values()), List.copyOf(removedCaps), List.copyOf(capUsage.values()));
        tx.write(new ChangeSet(account, List.copyOf(balances.values()), inserted, updated, entries, allocations,
                insertedHolds, updatedHolds, List.copyOf(idempotency.values()), List.copyOf(purchases.values()),
                promotionUses, eventChanges, audits, List.copyOf(disputes.values()), List.copyOf(usage.values()),
                orgs));
    }

    /**
     * A call joining the batch late has this idempotency key: its stored record is read with the batch's others, or
     * at once if those were read already.
     */
    void expectKey(String idempotencyKey) {
        if (idempotencyKey.equals(prefetchedKey) || !idempotencyKeys.add(idempotencyKey) || base == null) {
            return;
        }
        storedIdempotency.putAll(tx.findIdempotencyRecords(Set.of(idempotencyKey)));
    }

    /**
     * Calls joined the batch late: the features read so far (the catalog is not locked, so a price may have changed
     * since) are read again when a call next asks for one, so a late call is priced as of its own instant.
     */
    void readFeaturesAgain() {
        features.clear();
        prefetchedFeatureFresh = false;
    }

    // ------------------------------------------------------------ reads

    @Override
    public AccountSnapshot snapshot(Instant now, String featureKey, String idempotencyKey) {
        boolean firstRead = base == null;
        if (firstRead) {
            base = prefetched;
            if (prefetchedFeature != null && prefetchedFeatureFresh) {
                features.put(prefetchedFeature, Optional.ofNullable(base.feature()));
            }
            if (prefetchedKey != null && base.idempotency() != null) {
                storedIdempotency.put(prefetchedKey, base.idempotency());
            }
            Set<String> others = new LinkedHashSet<>(idempotencyKeys);
            others.remove(prefetchedKey);
            if (!others.isEmpty()) {
                storedIdempotency.putAll(tx.findIdempotencyRecords(others));
            }
        }
        boolean allDue = allDueAt(base.dueHolds(), now);
        if (firstRead && allDue && Objects.equals(featureKey, prefetchedFeature)
                && (featureKey == null || prefetchedFeatureFresh) && Objects.equals(idempotencyKey, prefetchedKey)) {
            return base;
        }
        FeaturePricing feature = featureKey == null ? null : features
                .computeIfAbsent(featureKey, key -> tx.find(CatalogTable.FEATURES, key)).orElse(null);
        IdempotencyRecord record = null;
        if (idempotencyKey != null) {
            record = idempotency.getOrDefault(idempotencyKey, storedIdempotency.get(idempotencyKey));
        }
        if (account == null) {
            List<Hold> due = allDue ? base.dueHolds()
                    : overlaid(base.dueHolds(), holds, Hold::holdId, hold -> hold.isDueAt(now));
            return new AccountSnapshot(base.account(), base.balances(), base.liveLots(), due, feature, record);
        }
        Map<String, BalanceRecord> currentBalances = new LinkedHashMap<>();
        base.balances().forEach(b -> currentBalances.put(b.creditType(), b));
        currentBalances.putAll(balances);
        return new AccountSnapshot(account, List.copyOf(currentBalances.values()),
                overlaid(base.liveLots(), lots, Lot::lotId, lot -> lot.remaining() != 0 || lot.held() != 0),
                overlaid(base.dueHolds(), holds, Hold::holdId,
                        hold -> hold.status() == HoldStatus.OPEN && hold.isDueAt(now)), feature, record);
    }

    /** @return whether every hold is due at {@code now} (the snapshot holds those due by the end of the window) */
    private static boolean allDueAt(List<Hold> holds, Instant now) {
        for (Hold hold : holds) {
            if (!hold.isDueAt(now)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Map<String, IdempotencyRecord> findIdempotencyRecords(Collection<String> keys) {
        Map<String, IdempotencyRecord> found = new HashMap<>(tx.findIdempotencyRecords(keys));
        for (String key : keys) {
            IdempotencyRecord record = idempotency.get(key);
            if (record != null) {
                found.put(key, record);
            }
        }
        return found;
    }

    /**
     * @return the stored rows with the batch's versions laid over them (by id) and the batch's new ones after them,
     *         those that {@code keep} keeps
     */
    private static <R> List<R> overlaid(List<R> stored, Map<String, R> batch, Function<R, String> id,
                                        Predicate<R> keep) {
        Map<String, R> rows = new LinkedHashMap<>();
        stored.forEach(row -> rows.put(id.apply(row), row));
        rows.putAll(batch);
        List<R> kept = new ArrayList<>(rows.size());
        for (R row : rows.values()) {
            if (keep.test(row)) {
                kept.add(row);
            }
        }
        return kept;
    }

    /** @return the batch's version of the row, else the stored one */
    private static <R> Optional<R> batchOrStored(Map<String, R> batch, String id, Function<String, Optional<R>> stored) {
        R row = batch.get(id);
        return row != null ? Optional.of(row) : stored.apply(id);
    }

    @Override
    public Optional<Lot> findLot(String lotId) {
        return batchOrStored(lots, lotId, tx::findLot);
    }

    @Override
    public Optional<LedgerEntry> findEntry(String transactionId) {
        return batchOrStored(entriesById, transactionId, tx::findEntry);
    }

    @Override
    public List<LedgerEntry> findEntriesReferencing(String transactionId) {
        List<LedgerEntry> found = new ArrayList<>(tx.findEntriesReferencing(transactionId));
        for (LedgerEntry entry : entries) {
            if (transactionId.equals(entry.referenceId())) {
                found.add(entry);
            }
        }
        return found;
    }

    @Override
    public List<Allocation> findAllocations(String ownerId) {
        List<Allocation> found = new ArrayList<>(tx.findAllocations(ownerId));
        for (Allocation allocation : allocations) {
            if (allocation.ownerId().equals(ownerId)) {
                found.add(allocation);
            }
        }
        found.sort(Comparator.comparingInt(Allocation::position));
        return found;
    }

    @Override
    public Optional<Hold> findHold(String holdId) {
        return batchOrStored(holds, holdId, tx::findHold);
    }

    @Override
    public List<Hold> findOpenHolds() {
        return overlaid(tx.findOpenHolds(), holds, Hold::holdId, hold -> hold.status() == HoldStatus.OPEN);
    }

    @Override
    public List<Hold> findHoldsChanged(long afterSequence, long upToSequence) {
        List<Hold> found = overlaid(tx.findHoldsChanged(afterSequence, upToSequence), holds, Hold::holdId,
                hold -> hold.changedAtSequence() > afterSequence && hold.changedAtSequence() <= upToSequence);
        found.sort(Comparator.comparingLong(Hold::changedAtSequence).thenComparing(Hold::createdAt)
                .thenComparing(Hold::holdId));
        return found;
    }

    @Override
    public Optional<Purchase> findPurchase(String purchaseId) {
        return batchOrStored(purchases, purchaseId, tx::findPurchase);
    }

    @Override
    public List<Purchase> listPurchases() {
        return overlaid(tx.listPurchases(), purchases, Purchase::purchaseId, purchase -> true);
    }

    @Override
    public List<Lot> findLotsExpiringAt(Instant at) {
        return overlaid(tx.findLotsExpiringAt(at), lots, Lot::lotId, lot -> at.equals(lot.expiresAt()));
    }

    @Override
    public Optional<AlertState> findAlertState(String creditType) {
        return batchOrStored(alertStates, creditType, tx::findAlertState);
    }

    @Override
    public Set<String> findExpiryNotices(Collection<String> lotIds) {
        Set<String> noticed = new HashSet<>(tx.findExpiryNotices(lotIds));
        for (ExpiryNotice notice : notices) {
            if (lotIds.contains(notice.lotId())) {
                noticed.add(notice.lotId());
            }
        }
        return noticed;
    }

    @Override
    public <T> Optional<T> find(CatalogTable<T> table, String key) {
        return tx.find(table, key);
    }

    @Override
    public List<ChargeDispute> findDisputes(String transactionId) {
        List<ChargeDispute> found = overlaid(tx.findDisputes(transactionId), disputes, ChargeDispute::disputeId,
                dispute -> dispute.transactionId().equals(transactionId));
        found.sort(Comparator.comparing(ChargeDispute::submittedAt).thenComparing(ChargeDispute::disputeId));
        return found;
    }

    @Override
    public List<SpendingCap> findCaps() {
        List<SpendingCap> found = overlaid(tx.findCaps(), caps, SpendingCap::capId, cap -> true);
        found.removeIf(cap -> removedCaps.contains(cap.capId()) && !caps.containsKey(cap.capId()));
        return found;
    }

    @Override
    public long findCapUsage(String capId, String key, Instant periodStart) {
        CapUsage row = capUsage.get(capUsageKey(capId, key, periodStart));
        if (row != null) {
            return row.used();
        }
        return removedCaps.contains(capId) ? 0 : tx.findCapUsage(capId, key, periodStart);
    }

    @Override
    public void write(ChangeSet changes) {
        if (pending != null) {
            throw new IllegalStateException("a unit of work writes once");
        }
        pending = changes;
    }
}
