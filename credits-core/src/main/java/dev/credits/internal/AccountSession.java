package dev.credits.internal;

import dev.credits.Account;
import dev.credits.Actor;
import dev.credits.Allocation;
import dev.credits.AuditAction;
import dev.credits.AuditRecord;
import dev.credits.ChargeDispute;
import dev.credits.AllowancePeriod;
import dev.credits.BurnDownOrder;
import dev.credits.EntryType;
import dev.credits.EventPayload;
import dev.credits.EventType;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.HoldStatus;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Purchase;
import dev.credits.PurchaseStatus;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.AlertState;
import dev.credits.spi.EventChanges;
import dev.credits.spi.EventRecord;
import dev.credits.spi.ExpiryNotice;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.PromotionUse;

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
import java.util.Optional;
import java.util.Set;

/**
 * The working copy of one account inside a unit of work: loads its live lots, balances and due holds,
 * applies the ledger's moves in memory, and hands the store every change as one {@link ChangeSet}.
 * Used by one thread, for one unit of work.
 */
final class AccountSession {
    private final AccountTransaction tx;
    private final Instant now;
    private final Comparator<Lot> burnDownOrder;

    private Account account;
    private final Optional<FeaturePricing> feature;
    private final Optional<IdempotencyRecord> storedIdempotency;
    private final List<Hold> dueHolds;
    private final long startSequence;
    private long sequence;
    private boolean accountChanged;
    /** The live lots and the balances as read: what the session started from. */
    private final List<Lot> liveAtStart;
    private final List<BalanceRecord> balancesAtStart;

    private final Map<String, Lot> lots = new LinkedHashMap<>();
    // The collections assigned Set.of(), List.of() or Map.of() are made on first use (see writable): most units of
    // work create no lot, hold, purchase, promotion use, event beyond their entries, notice, audit or dispute.
    private Set<String> newLotIds = Set.of();
    private final Set<String> changedLotIds = new LinkedHashSet<>();
    private final Map<String, BalanceRecord> balances = new LinkedHashMap<>();
    private final Set<String> changedBalances = new LinkedHashSet<>();
    private final List<LedgerEntry> entries = new ArrayList<>();
    private final List<Allocation> allocations = new ArrayList<>();
    private List<Hold> newHolds = List.of();
    private Map<String, Hold> changedHolds = Map.of();
    private IdempotencyRecord idempotency;
    private Map<String, Purchase> purchases = Map.of();
    private List<PromotionUse> promotionUses = List.of();

    private final EventSettings eventSettings;
    private final UsageAggregates usage; // reports: the usage rows this unit of work's entries add to
    private final Account startAccount;
    private List<PendingEvent> pendingEvents = List.of();
    private List<ExpiryNotice> notices = List.of();

    /** Who makes this unit of work's changes (see {@link dev.credits.CreditLedger#actingAs}), or null. */
    private Actor actor;
    /** Audit records and disputes of charges this unit of work writes (see {@link #audit}). */
    private List<AuditRecord> audits = List.of();
    private Map<String, ChargeDispute> disputes = Map.of();

    /** The pools above this account, nearest first, locked in the same unit of work (see UnitOfWork#mutateAll). */
    private List<AccountSession> pools = List.of();
    /** The caps and cap usage this unit of work changes on this account. */
    final OrgRows orgRows = new OrgRows();
    private boolean wrote;
    /** What the pools could lend when read apart (a check); empty when they are locked in {@link #pools}. */
    private Map<String, Long> lentByPools = Map.of();

    private int lotsExpired;
    private long creditsExpired;
    private int holdsExpired;

    AccountSession(AccountTransaction tx, Instant now, BurnDownOrder order, EventSettings eventSettings,
                   UsageAggregates usage) {
        this(tx, now, order, null, null, eventSettings, usage);
    }

    /**
     * @param featureKey     the feature the call prices (read with the snapshot), or null
     * @param idempotencyKey the call's idempotency key (its record is read with the snapshot), or null
     */
    AccountSession(AccountTransaction tx, Instant now, BurnDownOrder order, String featureKey,
                   String idempotencyKey, EventSettings eventSettings, UsageAggregates usage) {
        this.tx = tx;
        this.eventSettings = eventSettings;
        this.usage = usage;
        this.now = now;
        this.burnDownOrder = order.comparator();
        AccountSnapshot snapshot = tx.snapshot(now, featureKey, idempotencyKey);
        this.feature = Optional.ofNullable(snapshot.feature());
        this.storedIdempotency = Optional.ofNullable(snapshot.idempotency());
        this.account = snapshot.account();
        this.startAccount = account;
        this.dueHolds = snapshot.dueHolds();
        this.startSequence = account.sequence();
        this.sequence = startSequence;
        this.liveAtStart = snapshot.liveLots();
        this.balancesAtStart = snapshot.balances();
        for (Lot lot : liveAtStart) {
            lots.put(lot.lotId(), lot);
        }
        for (BalanceRecord balance : balancesAtStart) {
            balances.put(balance.creditType(), balance);
        }
    }

    Instant now() {
        return now;
    }

    /** @return the feature named when the session was opened, if it exists */
    Optional<FeaturePricing> feature() {
        return feature;
    }

    /** @return the stored record of the idempotency key named when the session was opened, if any */
    Optional<IdempotencyRecord> storedIdempotency() {
        return storedIdempotency;
    }

    Account account() {
        return account;
    }

    AccountTransaction tx() {
        return tx;
    }

    long sequence() {
        return sequence;
    }

    int lotsExpired() {
        return lotsExpired;
    }

    long creditsExpired() {
        return creditsExpired;
    }

    int holdsExpired() {
        return holdsExpired;
    }

    String accountId() {
        return account.accountId();
    }

    // ------------------------------------------------------------ settling time

    /**
     * Releases holds past their deadline and expires lots past their expiry: what every read and write
     * does first, so nothing expired is ever spent or shown.
     */
    void settle() {
        for (Hold hold : dueHolds) {
            if (!changedHolds.containsKey(hold.holdId())) {
                releaseHold(hold, HoldStatus.EXPIRED);
                emit(hold.creditType(), new EventPayload.HoldExpired(hold.holdId(), hold.amount()));
                holdsExpired++;
            }
        }
        expireLots();
    }

    /** Expires the unheld part of every lot past its expiry. */
    void expireLots() {
        boolean any = false;
        for (Lot lot : lots.values()) {
            if (expires(lot)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return; // the common case, without copying the lots
        }
        for (Lot lot : List.copyOf(lots.values())) {
            if (expires(lot)) {
                long expired = expireLot(lot, lot.available(), "lot " + lot.lotId() + " expired");
                lotsExpired++;
                creditsExpired += expired;
            }
        }
    }

    private boolean expires(Lot lot) {
        return lot.source() != LotSource.OVERDRAFT && lot.isExpiredAt(now) && lot.available() > 0;
    }

    /**
     * Writes off {@code credits} unheld credits of a lot with an EXPIRY entry that references its grant. While the
     * credit type is in debt, the expiring credits pay it instead of expiring (credits that came back to a lot
     * after a clawback or alongside an overdraft are never lost twice): the entry then has receipt lines on both
     * lots and only the rest as its amount.
     *
     * @return the credits that expired (what did not pay debt)
     */
    long expireLot(Lot lot, long credits, String reason) {
        String transactionId = newId();
        Lot debt = debtLot(lot.creditType());
        long paid = debt == null ? 0 : Math.min(credits, -debt.remaining());
        long expired = credits - paid;
        putLot(lot.withAmounts(lot.remaining() - credits, lot.held()));
        if (paid > 0) {
            putLot(debt.withAmounts(debt.remaining() + paid, debt.held()));
        }
        addBalance(lot.creditType(), -expired, 0);
        addEntry(EntryDraft.of(transactionId, EntryType.EXPIRY, lot.creditType(), -expired)
                .withReference(lot.transactionId()).withReason(paid > 0 ? reason + "; " + paid + " paid debt" : reason));
        allocations.add(new Allocation(transactionId, 0, lot.lotId(), -credits));
        if (paid > 0) {
            allocations.add(new Allocation(transactionId, 1, debt.lotId(), paid));
        }
        emit(lot.creditType(), new EventPayload.CreditsExpired(lot.lotId(), expired, transactionId));
        return expired;
    }

    // ------------------------------------------------------------ reads

    BalanceRecord balance(String creditType) {
        BalanceRecord balance = balances.get(creditType);
        return balance != null ? balance : new BalanceRecord(accountId(), creditType, 0, 0);
    }

    /** @return balance - held of the credit type (negative in overdraft) */
    long available(String creditType) {
        BalanceRecord balance = balance(creditType);
        return balance.balance() - balance.held();
    }

    Set<String> creditTypes() {
        Set<String> types = new LinkedHashSet<>(balances.keySet());
        for (Lot lot : lots.values()) {
            types.add(lot.creditType());
        }
        return types;
    }

    /** @return live lots of the type in burn-down order, the overdraft lot last */
    List<Lot> liveLots(String creditType) {
        List<Lot> live = new ArrayList<>();
        Lot overdraft = null;
        for (Lot lot : lots.values()) {
            if (!lot.creditType().equals(creditType) || (lot.remaining() == 0 && lot.held() == 0)) {
                continue;
            }
            if (lot.source() == LotSource.OVERDRAFT) {
                overdraft = lot;
            } else {
                live.add(lot);
            }
        }
        live.sort(burnDownOrder);
        if (overdraft != null) {
            live.add(overdraft);
        }
        return live;
    }

    Lot lot(String lotId) {
        Lot lot = lots.get(lotId);
        if (lot == null) {
            lot = tx.findLot(lotId).orElseThrow(() -> new IllegalStateException("lot " + lotId + " is missing"));
            lots.put(lotId, lot);
        }
        return lot;
    }

    // ------------------------------------------------------------ moves

    /**
     * Takes {@code cost} from the type's lots in burn-down order, spilling into the overdraft lot. The caller
     * has checked that available - cost stays within the overdraft limit.
     *
     * @param hold true to reserve (raise held), false to spend (lower remaining)
     * @return the (lot id, amount) portions taken, in order
     */
    List<Portion> take(String creditType, long cost, boolean hold, String ownerId) {
        if (!pools.isEmpty()) {
            Pools.draw(this, creditType, cost);
        }
        List<Portion> portions = new ArrayList<>();
        long left = cost;
        for (Lot lot : liveLots(creditType)) {
            if (left == 0) {
                break;
            }
            if (lot.source() == LotSource.OVERDRAFT || lot.isExpiredAt(now) || lot.available() <= 0) {
                continue;
            }
            long part = Math.min(left, lot.available());
            portions.add(new Portion(lot.lotId(), part));
            left -= part;
        }
        if (left > 0) {
            portions.add(new Portion(overdraftLot(creditType, ownerId).lotId(), left));
        }
        for (Portion portion : portions) {
            Lot lot = lot(portion.lotId());
            putLot(hold ? lot.withAmounts(lot.remaining(), lot.held() + portion.amount())
                    : lot.withAmounts(lot.remaining() - portion.amount(), lot.held()));
        }
        if (hold) {
            addBalance(creditType, 0, cost);
        } else {
            addBalance(creditType, -cost, 0);
        }
        return portions;
    }

    private boolean wasLiveAtStart(String lotId) {
        for (Lot lot : liveAtStart) {
            if (lot.lotId().equals(lotId)) {
                return true;
            }
        }
        return false;
    }

    private Lot overdraftLot(String creditType, String ownerId) {
        for (Lot lot : lots.values()) {
            if (lot.source() == LotSource.OVERDRAFT && lot.creditType().equals(creditType)
                    && (wasLiveAtStart(lot.lotId()) || newLotIds.contains(lot.lotId()))) {
                return lot;
            }
        }
        Lot lot = Lot.builder(newId(), accountId(), creditType, LotSource.OVERDRAFT).priority(Integer.MAX_VALUE)
                .granted(now, ownerId).build();
        newLotIds = writable(newLotIds);
        newLotIds.add(lot.lotId());
        putLot(lot);
        return lot;
    }

    /** @return the type's live overdraft lot in debt, or null */
    Lot debtLot(String creditType) {
        for (Lot lot : lots.values()) {
            if (lot.source() == LotSource.OVERDRAFT && lot.creditType().equals(creditType) && lot.remaining() < 0) {
                return lot;
            }
        }
        return null;
    }

    /** What {@link #grantLot} did. */
    record Granted(Lot lot, long debtPaid, LedgerEntry entry) {
    }

    /**
     * What a granted lot belongs to besides the host's metadata: the purchase it completes, or the plan period it is
     * the allowance of (typed ledger state, never metadata keys).
     */
    record Origin(String purchaseId, AllowancePeriod allowance) {
        static final Origin NONE = new Origin(null, null);

        static Origin purchase(String purchaseId) {
            return new Origin(purchaseId, null);
        }

        static Origin allowance(AllowancePeriod period) {
            return new Origin(null, period);
        }
    }

    /**
     * Grants a new lot with its GRANT entry. The type's debt (a negative overdraft lot) is paid first: the new
     * lot keeps the rest.
     */
    Granted grantLot(String creditType, long amount, LotSource source, int priority, Instant expiresAt,
                     Money moneyPaid, String reason, String idempotencyKey, Map<String, String> metadata,
                     Origin origin) {
        String transactionId = newId();
        long debtPaid = 0;
        Lot debtLot = debtLot(creditType);
        if (debtLot != null) {
            debtPaid = Math.min(amount, -debtLot.remaining());
            putLot(debtLot.withAmounts(debtLot.remaining() + debtPaid, debtLot.held()));
        }
        Lot lot = Lot.builder(newId(), accountId(), creditType, source).priority(priority)
                .amounts(amount, amount - debtPaid, 0).expiresAt(expiresAt).moneyPaid(moneyPaid).metadata(metadata)
                .granted(now, transactionId).purchaseId(origin.purchaseId()).allowance(origin.allowance()).build();
        insertLot(lot);
        addBalance(creditType, amount, 0);
        LedgerEntry entry = addEntry(EntryDraft.of(transactionId, EntryType.GRANT, creditType, amount)
                .withReason(reason).withIdempotencyKey(idempotencyKey).withMetadata(metadata)
                .withPurchase(origin.purchaseId()));
        addAllocation(new Allocation(transactionId, 0, lot.lotId(), lot.remaining()));
        if (debtPaid > 0) {
            addAllocation(new Allocation(transactionId, 1, debtLot.lotId(), debtPaid));
        }
        return new Granted(lot, debtPaid, entry);
    }

    /** A freeze lasts until its dispute is resolved, not until a timeout. */
    static final Instant FREEZE_DEADLINE = Instant.parse("9999-12-31T00:00:00Z");

    /**
     * Takes {@code credits} back from one lot: its unheld credits first, and what it lacks (spent credits) as debt
     * on the overdraft lot, whatever the overdraft limit, for the next grant to pay.
     */
    List<Portion> clawBack(Lot lot, long credits, String ownerId) {
        List<Portion> portions = new ArrayList<>();
        long fromLot = Math.min(credits, Math.max(0, lot.isExpiredAt(now) ? 0 : lot.available()));
        if (fromLot > 0) {
            putLot(lot.withAmounts(lot.remaining() - fromLot, lot.held()));
            portions.add(new Portion(lot.lotId(), fromLot));
        }
        long debt = credits - fromLot;
        if (debt > 0) {
            Lot overdraft = overdraftLot(lot.creditType(), ownerId);
            putLot(overdraft.withAmounts(overdraft.remaining() - debt, overdraft.held()));
            portions.add(new Portion(overdraft.lotId(), debt));
        }
        addBalance(lot.creditType(), -credits, 0);
        return portions;
    }

    /** Freezes credits of one lot with a hold that only the purchase's dispute resolves. */
    Hold freeze(Lot lot, long credits, String purchaseId) {
        Hold hold = Hold.freeze(newId(), accountId(), lot.creditType(), purchaseId).amount(credits).createdAt(now)
                .expiresAt(FREEZE_DEADLINE).build();
        putLot(lot.withAmounts(lot.remaining(), lot.held() + credits));
        addBalance(lot.creditType(), 0, credits);
        insertHold(hold, List.of(new Portion(lot.lotId(), credits)));
        return hold;
    }

    void insertLot(Lot lot) {
        newLotIds = writable(newLotIds);
        newLotIds.add(lot.lotId());
        putLot(lot);
    }

    void putLot(Lot lot) {
        lots.put(lot.lotId(), lot);
        changedLotIds.add(lot.lotId());
    }

    void addBalance(String creditType, long balanceDelta, long heldDelta) {
        BalanceRecord current = balance(creditType);
        balances.put(creditType, new BalanceRecord(accountId(), creditType,
                Checks.add("balance", current.balance(), balanceDelta), current.held() + heldDelta));
        changedBalances.add(creditType);
    }

    /** Gives a hold's credits back to its lots and closes it. */
    Hold releaseHold(Hold hold, HoldStatus status) {
        Caps.giveBack(this, hold, hold.amount());
        for (Allocation allocation : tx.findAllocations(hold.holdId())) {
            Lot lot = lot(allocation.lotId());
            putLot(lot.withAmounts(lot.remaining(), lot.held() - allocation.amount()));
        }
        addBalance(hold.creditType(), 0, -hold.amount());
        // An expired hold ended at its deadline, whenever the sweep noticed.
        Hold closed = hold.resolved(status, status == HoldStatus.EXPIRED ? hold.expiresAt() : now, 0, null);
        changedHolds = writable(changedHolds);
        changedHolds.put(hold.holdId(), closed);
        return closed;
    }

    void insertHold(Hold hold, List<Portion> portions) {
        newHolds = writable(newHolds);
        newHolds.add(hold);
        addAllocations(hold.holdId(), portions, 1);
    }

    void updateHold(Hold hold) {
        changedHolds = writable(changedHolds);
        changedHolds.put(hold.holdId(), hold);
    }

    /** Records receipt lines; {@code sign} -1 for spending, +1 for holds and refunds. */
    void addAllocations(String ownerId, List<Portion> portions, int sign) {
        int position = 0;
        for (Portion portion : portions) {
            allocations.add(new Allocation(ownerId, position++, portion.lotId(), sign * portion.amount()));
        }
    }

    void addAllocation(Allocation allocation) {
        allocations.add(allocation);
    }

    /** Adds the entry as the account's next one, leaving the credit type's balance as it stands now. */
    LedgerEntry addEntry(EntryDraft draft) {
        // An expiry is the ledger's own doing, whichever call noticed it.
        LedgerEntry entry = draft.toEntry(accountId(), ++sequence, balance(draft.creditType()).balance(), now,
                draft.type() == EntryType.EXPIRY ? Actor.SYSTEM : actor);
        entries.add(entry);
        return entry;
    }

    // ------------------------------------------------------------ organizations

    /** Joins the sessions of this account's pools (nearest first), locked in the same unit of work. */
    void joinPools(List<AccountSession> nearestFirst) {
        this.pools = List.copyOf(nearestFirst);
    }

    /** @return the sessions of this account's pools, nearest first (empty for an account in no pool) */
    List<AccountSession> pools() {
        return pools;
    }

    /** @return whether {@link #write()} wrote a change */
    boolean wrote() {
        return wrote;
    }

    /** @return what the account can spend of the type now: its available balance and what its pools can lend */
    long spendable(String creditType) {
        return pools.isEmpty() ? Checks.add("spendable", available(creditType), lentByPools.getOrDefault(creditType, 0L))
                : Pools.spendable(this, creditType);
    }

    /** Sets what this account's pools can lend, by credit type, for a read that did not lock them. */
    void lentByPools(Map<String, Long> byType) {
        this.lentByPools = Map.copyOf(byType);
    }

    /** Sets who makes this unit of work's changes. @return this session */
    AccountSession actingAs(Actor actor) {
        this.actor = actor;
        return this;
    }

    /** @return who makes this unit of work's changes, or null when the ledger was not given one */
    Actor actor() {
        return actor;
    }

    /**
     * Records a change that is not a balance entry in the audit trail, written with this unit of work's change (the
     * one entry point for account-scoped records; the actor is this unit of work's). Only the fields that differ
     * between {@code before} and {@code after} are kept.
     *
     * @param subject what changed (the account id, a plan id, a member, ...)
     * @param before  the fields before (null or empty for a creation)
     * @param after   the fields after (null or empty for a removal)
     */
    void audit(AuditAction action, String subject, Map<String, String> before, Map<String, String> after) {
        audit(action, subject, before, after, actor);
    }

    /** As {@link #audit(AuditAction, String, Map, Map)}, made by {@code by} (an approver named by the call). */
    void audit(AuditAction action, String subject, Map<String, String> before, Map<String, String> after, Actor by) {
        audits = writable(audits);
        audits.add(AuditTrail.record(accountId(), action, subject, by, before, after, now));
    }

    /** Inserts or replaces a dispute of one of the account's charges. */
    void putDispute(ChargeDispute dispute) {
        disputes = writable(disputes);
        disputes.put(dispute.disputeId(), dispute);
    }

    void changeAccount(Account changed) {
        account = changed;
        accountChanged = true;
    }

    void recordIdempotency(String key, String fingerprint, String result) {
        idempotency = new IdempotencyRecord(accountId(), key, fingerprint, result, now);
    }

    void putPurchase(Purchase purchase) {
        purchases = writable(purchases);
        purchases.put(purchase.purchaseId(), purchase);
    }

    void usePromotion(PromotionUse use) {
        promotionUses = writable(promotionUses);
        promotionUses.add(use);
    }

    /** @return the entries this unit of work wrote so far */
    List<LedgerEntry> newEntries() {
        return List.copyOf(entries);
    }

    /** @return the receipt lines this unit of work wrote so far */
    List<Allocation> newAllocations() {
        return allocations;
    }

    /** @return the loaded lot that the grant entry {@code grantTransactionId} made, or null */
    Lot lotOfGrant(String grantTransactionId) {
        for (Lot lot : lots.values()) {
            if (lot.transactionId() != null && lot.transactionId().equals(grantTransactionId)) {
                return lot;
            }
        }
        return null;
    }

    boolean hasChanges() {
        return hasStateChanges() || !audits.isEmpty();
    }

    /** Whether anything but audit records changed: only such a change takes a sequence number. */
    private boolean hasStateChanges() {
        return !disputes.isEmpty() || accountChanged || !entries.isEmpty() || !changedLotIds.isEmpty() || !changedBalances.isEmpty()
                || !newHolds.isEmpty() || !changedHolds.isEmpty() || idempotency != null || !purchases.isEmpty()
                || !promotionUses.isEmpty() || !pendingEvents.isEmpty() || !notices.isEmpty() || !orgRows.isEmpty();
    }

    /**
     * @return the account's sequence number once {@link #write()} ran: a change that wrote no entry (a hold
     *         placed or released) still advances it by one, so every change has a number
     */
    long sequenceAfterWrite() {
        return sequence == startSequence && hasStateChanges() ? startSequence + 1 : sequence;
    }

    /**
     * Writes everything, if anything changed.
     *
     * @return the account's sequence number after the write
     */
    long write() {
        if (!hasChanges()) {
            return sequence;
        }
        if (accountChanged) {
            audits = writable(audits);
            audits.addAll(AuditTrail.accountChanges(startAccount, account, actor, now));
        }
        sequence = sequenceAfterWrite();
        List<Lot> inserted = new ArrayList<>();
        List<Lot> updated = new ArrayList<>();
        for (String lotId : changedLotIds) {
            (newLotIds.contains(lotId) ? inserted : updated).add(lots.get(lotId));
        }
        List<BalanceRecord> changed = new ArrayList<>();
        for (String type : changedBalances) {
            changed.add(balances.get(type));
        }
        tx.write(new ChangeSet(account.withSequence(sequence), changed, inserted, updated, entries, allocations,
                stamped(newHolds), stamped(changedHolds.values()),
                idempotency == null ? List.of() : List.of(idempotency), List.copyOf(purchases.values()),
                promotionUses, eventChanges(), stampedAudits(), stampedDisputes(), usage.derive(this),
                orgRows.changes()));
        wrote = true;
        return sequence;
    }

    private List<AuditRecord> stampedAudits() {
        if (audits.isEmpty()) {
            return List.of();
        }
        List<AuditRecord> written = new ArrayList<>(audits.size());
        for (AuditRecord record : audits) {
            written.add(new AuditRecord(0, record.accountId(), sequence, record.action(), record.subject(),
                    record.actor(), record.before(), record.after(), record.createdAt()));
        }
        return written;
    }

    /** @return the disputes as written: each changed at this write's sequence number */
    private List<ChargeDispute> stampedDisputes() {
        if (disputes.isEmpty()) {
            return List.of();
        }
        List<ChargeDispute> written = new ArrayList<>(disputes.size());
        for (ChargeDispute d : disputes.values()) {
            written.add(new ChargeDispute(d.disputeId(), d.accountId(), d.transactionId(), d.creditType(), d.reason(),
                    d.description(), d.creditsRequested(), d.status(), d.submittedBy(), d.submittedAt(),
                    d.reviewedBy(), d.reviewedAt(), d.resolvedBy(), d.resolvedAt(), d.creditsRefunded(),
                    d.resolutionNote(), d.refundId(), sequence));
        }
        return written;
    }

    /** @return the holds as written: each changed at this write's sequence number (changesSince reads them by it) */
    private List<Hold> stamped(Collection<Hold> holds) {
        if (holds.isEmpty()) {
            return List.of();
        }
        List<Hold> written = new ArrayList<>(holds.size());
        for (Hold hold : holds) {
            written.add(hold.changedAtSequence() == sequence ? hold
                    : hold.toBuilder().changedAtSequence(sequence).build());
        }
        return written;
    }

    // ------------------------------------------------------------ events

    /** An event of this unit of work, written with its change. */
    private record PendingEvent(String creditType, EventPayload payload) {
    }

    /** Adds an event to write with this unit of work's change. */
    void emit(String creditType, EventPayload payload) {
        pendingEvents = writable(pendingEvents);
        pendingEvents.add(new PendingEvent(creditType, payload));
    }

    /** Announces a purchase that just completed or failed. */
    void purchaseResolved(Purchase purchase) {
        if (purchase.status() == PurchaseStatus.COMPLETED) {
            emit(purchase.creditType(), new EventPayload.PurchaseCompleted(purchase.purchaseId(),
                    purchase.credits() + purchase.bonusCredits(), purchase.lotId()));
        } else if (purchase.status() == PurchaseStatus.FAILED) {
            emit(purchase.creditType(), new EventPayload.PurchaseFailed(purchase.purchaseId(),
                    purchase.failureReason()));
        }
    }

    /**
     * Announces every live lot with remaining credits that expires in (now, until] and was not announced before.
     *
     * @return how many lots it announced
     */
    int noticeExpiringLots(Instant until) {
        Map<String, Lot> candidates = new LinkedHashMap<>();
        for (Lot lot : lots.values()) {
            if (lot.source() != LotSource.OVERDRAFT && lot.remaining() > 0 && lot.expiresAt() != null
                    && lot.expiresAt().isAfter(now) && !lot.expiresAt().isAfter(until)) {
                candidates.put(lot.lotId(), lot);
            }
        }
        if (candidates.isEmpty()) {
            return 0;
        }
        Set<String> noticed = tx.findExpiryNotices(candidates.keySet());
        int count = 0;
        for (Lot lot : candidates.values()) {
            if (!noticed.contains(lot.lotId())) {
                emit(lot.creditType(), new EventPayload.CreditsExpiringSoon(lot.lotId(), lot.remaining(),
                        lot.expiresAt()));
                notices = writable(notices);
                notices.add(new ExpiryNotice(accountId(), lot.lotId(), now));
                count++;
            }
        }
        return count;
    }

    /**
     * The events of this change, in the order the account's consumers see them: one per entry (at the entry's
     * sequence number), then the ones rules emitted, then the period and balance alerts (at the final number).
     */
    private EventChanges eventChanges() {
        List<AlertState> alertStates = new ArrayList<>();
        if (startAccount.periodStart() == null ? account.periodStart() != null
                : account.periodStart() != null && !startAccount.periodStart().equals(account.periodStart())) {
            emit(null, new EventPayload.PeriodStarted(account.planId(), account.periodStart(), account.periodEnd()));
        }
        balanceAlerts(alertStates);
        if (entries.isEmpty() && pendingEvents.isEmpty() && notices.isEmpty()) {
            return EventChanges.NONE;
        }
        List<EventRecord> events = new ArrayList<>(entries.size() + pendingEvents.size());
        int index = 0;
        for (LedgerEntry entry : entries) {
            EventPayload payload = new EventPayload.EntryPosted(entry.transactionId(), entry.type(), entry.amount(),
                    entry.balanceAfter(), entry.featureKey(), entry.referenceId());
            events.add(new EventRecord(0, newId(), accountId(), entry.sequence(), index++,
                    EventType.ENTRY_POSTED.name(), entry.creditType(), EventCodec.encode(payload), now));
        }
        for (PendingEvent pending : pendingEvents) {
            events.add(new EventRecord(0, newId(), accountId(), sequence, index++, pending.payload().type().name(),
                    pending.creditType(), EventCodec.encode(pending.payload()), now));
        }
        return new EventChanges(events, alertStates, notices);
    }

    /**
     * Depleted when the available balance reaches zero from above; low when it falls to or below the threshold,
     * recovered when it rises above threshold + margin (hysteresis: the state between lives in the store). The stored
     * state is read only when the balance moved across or within the margin band, or the threshold changed: while
     * it stays on one side, the state already says that side (every change of the balance runs through here).
     */
    private void balanceAlerts(List<AlertState> alertStates) {
        boolean thresholdChanged = startAccount.lowBalanceThreshold() != account.lowBalanceThreshold();
        Set<String> types = changedBalances;
        if (thresholdChanged) {
            types = new LinkedHashSet<>(changedBalances);
            types.addAll(balances.keySet());
        }
        long threshold = eventSettings.thresholdFor(account.lowBalanceThreshold());
        long recoverAbove = threshold + eventSettings.recoveryMargin();
        for (String type : types) {
            long before = availableAtStart(type);
            long after = available(type);
            if (before == after && !thresholdChanged) {
                continue;
            }
            if (before > 0 && after <= 0) {
                emit(type, new EventPayload.BalanceDepleted(after));
            }
            if (threshold <= 0) {
                continue;
            }
            if (!thresholdChanged && ((before <= threshold && after <= threshold)
                    || (before > recoverAbove && after > recoverAbove))) {
                continue;
            }
            boolean low = tx.findAlertState(type).map(AlertState::low).orElse(false);
            if (!low && after <= threshold) {
                emit(type, new EventPayload.BalanceLow(after, threshold));
                alertStates.add(new AlertState(accountId(), type, true, now));
            } else if (low && after > recoverAbove) {
                emit(type, new EventPayload.BalanceRecovered(after, threshold));
                alertStates.add(new AlertState(accountId(), type, false, now));
            }
        }
    }

    /** @return balance - held of the credit type as the session read it */
    private long availableAtStart(String creditType) {
        for (BalanceRecord balance : balancesAtStart) {
            if (balance.creditType().equals(creditType)) {
                return balance.balance() - balance.held();
            }
        }
        return 0;
    }

    /** @return the list itself once it is a mutable one, else (the shared empty one) a new mutable list */
    private static <T> List<T> writable(List<T> list) {
        return list instanceof ArrayList<T> ? list : new ArrayList<>(list);
    }

    private static <T> Set<T> writable(Set<T> set) {
        return set instanceof HashSet<T> ? set : new LinkedHashSet<>(set);
    }

    private static <K, V> Map<K, V> writable(Map<K, V> map) {
        return map instanceof HashMap<K, V> ? map : new LinkedHashMap<>(map);
    }

    /** @return a new random id (a UUID) */
    static String newId() {
        return Ids.newId();
    }

    /** A part of an amount taken from (or given back to) one lot. */
    record Portion(String lotId, long amount) {

        /** @return the portions with one line per lot, in the order lots first appear */
        static List<Portion> merged(List<Portion> portions) {
            Map<String, Long> byLot = new LinkedHashMap<>();
            for (Portion portion : portions) {
                byLot.merge(portion.lotId(), portion.amount(), Long::sum);
            }
            List<Portion> merged = new ArrayList<>();
            byLot.forEach((lotId, amount) -> merged.add(new Portion(lotId, amount)));
            return merged;
        }
    }
}
