package dev.credits.memory;

import dev.credits.Account;
import dev.credits.AccountStatus;
import dev.credits.AccountLink;
import dev.credits.Allocation;
import dev.credits.AuditRecord;
import dev.credits.ChargeDispute;
import dev.credits.HistoryFilter;
import dev.credits.Hold;
import dev.credits.HoldStatus;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.LockTimeoutException;
import dev.credits.Lot;
import dev.credits.Promotion;
import dev.credits.Purchase;
import dev.credits.SpendingCap;
import dev.credits.StoreUnavailableException;
import dev.credits.UnknownAccountException;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.AccountWork;
import dev.credits.spi.AlertState;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.AuditQuery;
import dev.credits.spi.CatalogChange;
import dev.credits.spi.CapUsage;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.DisputeQuery;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.AccountCount;
import dev.credits.spi.AccountFilter;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.ReportStore;
import dev.credits.spi.UsageRecord;
import dev.credits.spi.UsageSelection;
import dev.credits.spi.ConsumerRecord;
import dev.credits.spi.CreditStore;
import dev.credits.spi.EntryQuery;
import dev.credits.spi.EventChanges;
import dev.credits.spi.EventRecord;
import dev.credits.spi.EventStore;
import dev.credits.spi.ExpiryNotice;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.MultiAccountWork;
import dev.credits.spi.OrgChanges;
import dev.credits.spi.PromotionExhaustedException;
import dev.credits.spi.PromotionUse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link CreditStore} in the JVM's memory: the store for a host's own unit tests and for small embedded
 * uses. Fast, thread-safe (one lock per account), and it passes the same contract tests as the database
 * stores. Its state lives as long as the instance; nothing is written to disk.
 *
 * <pre>{@code
 * CreditLedger ledger = CreditLedger.builder().store(new InMemoryCreditStore()).build();
 * }</pre>
 *
 * <p>For tests, {@link dev.credits.testkit.TestLedger} pairs it with a controllable clock and {@link #reset()}.
 */
public final class InMemoryCreditStore implements CreditStore {

    private final ConcurrentHashMap<String, AccountData> accounts = new ConcurrentHashMap<>();
    private final TransactionIndex transactions = new TransactionIndex();
    private final ConcurrentHashMap<String, String> accountOfHold = new ConcurrentHashMap<>();
    /**
     * Catalog rows and purchase ids: written under this lock (taken inside account locks), as promotion use counts
     * change across accounts; catalog rows are read without it.
     */
    private final Object crossAccountLock = new Object();
    private final Map<CatalogTable<?>, ConcurrentSkipListMap<String, Object>> tables = new HashMap<>();
    private final HashMap<String, String> accountOfPurchase = new HashMap<>();
    private final Catalog catalog = new Catalog();
    private final ConcurrentHashMap<String, AccountLink> links = new ConcurrentHashMap<>();
    private final Outbox outbox = new Outbox();
    /** The audit trail by position; appended under {@link #crossAccountLock} so positions follow commit order. */
    private final ConcurrentSkipListMap<Long, AuditRecord> audits = new ConcurrentSkipListMap<>();
    private long lastAuditPosition;
    /** Disputes of charges by id; each written under its account's lock. */
    private final ConcurrentHashMap<String, ChargeDispute> disputes = new ConcurrentHashMap<>();
    private final UsageTable usage = new UsageTable(); // reports
    private final Reports reports = new Reports();

    /** Creates an empty store. */
    public InMemoryCreditStore() {
        for (CatalogTable<?> table : CatalogTable.all()) {
            tables.put(table, new ConcurrentSkipListMap<>());
        }
    }

    /**
     * Forgets everything (accounts with their entries, lots, holds and purchases, account links, the catalog), as
     * if the store were new: for tests that share one store and start each test empty. Call it when no call is
     * running on the store.
     */
    public void reset() {
        synchronized (crossAccountLock) {
            accounts.clear();
            transactions.clear();
            accountOfHold.clear();
            accountOfPurchase.clear();
            links.clear();
            tables.values().forEach(Map::clear);
            outbox.clear();
            audits.clear();
            disputes.clear();
            usage.clear();
        }
    }

    @Override
    public Account insertAccountIfAbsent(Account account) {
        return accounts.computeIfAbsent(account.accountId(), id -> new AccountData(account)).account();
    }

    /** False: a unit of work here is a lock held in this JVM, so a call gains nothing by joining one under way. */
    @Override
    public boolean unitsOfWorkAreCostly() {
        return false;
    }

    @Override
    public <T> T inAccount(String accountId, AccountWork<T> work) {
        AccountData data = data(accountId);
        data.lock.lock();
        try {
            Transaction tx = new Transaction(data, true);
            T result = work.run(tx);
            if (tx.changes != null) {
                apply(data, tx.changes);
            }
            return result;
        } finally {
            data.lock.unlock();
        }
    }

    /** How long a unit over several accounts waits for each of them. */
    private static final Duration MULTI_LOCK_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public <T> T inAccounts(List<String> accountIdsInLockOrder, MultiAccountWork<T> work) {
        List<AccountData> locked = new ArrayList<>(accountIdsInLockOrder.size());
        try {
            List<Transaction> transactions = new ArrayList<>(accountIdsInLockOrder.size());
            for (String accountId : accountIdsInLockOrder) {
                AccountData data = data(accountId);
                if (locked.contains(data)) {
                    throw new IllegalArgumentException("account '" + accountId + "' is named twice");
                }
                // Bounded: the ledger's canonical order rules out a cycle unless a pool moves while units run, and then a
                // unit gives up rather than waiting for ever (a database detects the deadlock instead).
                try {
                    if (!data.lock.tryLock(MULTI_LOCK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new LockTimeoutException("inAccounts of " + accountIdsInLockOrder + ": timed out after "
                                + MULTI_LOCK_TIMEOUT.toMillis() + " ms waiting for account '" + accountId
                                + "'; nothing was changed", MULTI_LOCK_TIMEOUT, null);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("inAccounts: interrupted while waiting for an account", e);
                }
                locked.add(data);
                transactions.add(new Transaction(data, true));
            }
            T result = work.run(List.copyOf(transactions));
            // Every account's checks before any account's writes: all or nothing.
            for (Transaction tx : transactions) {
                if (tx.changes != null) {
                    check(tx.data, tx.changes);
                }
            }
            for (Transaction tx : transactions) {
                if (tx.changes != null) {
                    apply(tx.data, tx.changes);
                }
            }
            return result;
        } finally {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).lock.unlock();
            }
        }
    }

    @Override
    public <T> T readAccount(String accountId, AccountWork<T> work) {
        AccountData data = data(accountId);
        data.lock.lock();
        try {
            return work.run(new Transaction(data, false));
        } finally {
            data.lock.unlock();
        }
    }

    @Override
    public Optional<Account> findAccount(String accountId) {
        AccountData data = accounts.get(accountId);
        return data == null ? Optional.empty() : Optional.of(data.account());
    }

    @Override
    public Optional<String> findAccountOfTransaction(String transactionId) {
        TransactionIndex.Posted posted = transactions.get(transactionId);
        return posted == null ? Optional.empty() : Optional.of(posted.accountId);
    }

    @Override
    public Optional<String> findAccountOfHold(String holdId) {
        return Optional.ofNullable(accountOfHold.get(holdId));
    }

    @Override
    public Optional<String> findAccountOfPurchase(String purchaseId) {
        synchronized (crossAccountLock) {
            return Optional.ofNullable(accountOfPurchase.get(purchaseId));
        }
    }

    @Override
    public List<String> findAccountsWithDueItems(Instant now, int limit) {
        List<String> due = new ArrayList<>();
        for (AccountData data : accounts.values()) {
            if (due.size() >= limit) {
                break;
            }
            data.lock.lock();
            try {
                boolean lotDue = data.liveLots.values().stream().anyMatch(lot -> lot.expiresAt() != null
                        && !now.isBefore(lot.expiresAt()) && lot.remaining() > lot.held());
                boolean holdDue = data.openHolds.values().stream().anyMatch(hold -> hold.isDueAt(now));
                if (lotDue || holdDue) {
                    due.add(data.account.accountId());
                }
            } finally {
                data.lock.unlock();
            }
        }
        return due;
    }

    @Override
    public List<LedgerEntry> findEntries(String accountId, EntryQuery query) {
        AccountData data = data(accountId);
        HistoryFilter filter = query.filter();
        List<LedgerEntry> page = new ArrayList<>();
        data.lock.lock();
        try {
            for (int i = data.entriesBySequence.countBelow(query.beforeSequence()) - 1; i >= 0; i--) {
                if (page.size() >= query.limit()) {
                    break;
                }
                LedgerEntry entry = data.entriesBySequence.value(i);
                if (matches(filter, entry)) {
                    page.add(entry);
                }
            }
        } finally {
            data.lock.unlock();
        }
        return page;
    }

    private static boolean matches(HistoryFilter filter, LedgerEntry entry) {
        return (filter.from() == null || !entry.createdAt().isBefore(filter.from()))
                && (filter.to() == null || entry.createdAt().isBefore(filter.to()))
                && (filter.types().isEmpty() || filter.types().contains(entry.type()))
                && (filter.creditType() == null || filter.creditType().equals(entry.creditType()))
                && (filter.featureKey() == null || filter.featureKey().equals(entry.featureKey()))
                && (filter.userId() == null || filter.userId().equals(entry.userId()));
    }

    @Override
    public List<AuditRecord> findAuditRecords(AuditQuery query) {
        List<AuditRecord> page = new ArrayList<>();
        for (AuditRecord record : audits.headMap(query.beforePosition(), false).descendingMap().values()) {
            if (page.size() >= query.limit()) {
                break;
            }
            if (Objects.equals(query.accountId(), record.accountId()) && query.filter().matches(record)) {
                page.add(record);
            }
        }
        return page;
    }

    @Override
    public List<ChargeDispute> findDisputes(DisputeQuery q) {
        return disputes.values().stream()
                .filter(d -> (q.disputeId() == null || q.disputeId().equals(d.disputeId()))
                        && (q.accountId() == null || q.accountId().equals(d.accountId()))
                        && (q.status() == null || q.status() == d.status())
                        && (q.from() == null || !d.submittedAt().isBefore(q.from()))
                        && (q.to() == null || d.submittedAt().isBefore(q.to()))
                        && (q.afterSubmittedAt() == null || d.submittedAt().isAfter(q.afterSubmittedAt())
                            || (d.submittedAt().equals(q.afterSubmittedAt())
                                && d.disputeId().compareTo(q.afterDisputeId()) > 0)))
                .sorted(DISPUTE_ORDER)
                .limit(q.limit())
                .toList();
    }

    private static final Comparator<ChargeDispute> DISPUTE_ORDER = Comparator.comparing(ChargeDispute::submittedAt)
            .thenComparing(ChargeDispute::disputeId);

    /** Numbers and keeps audit records, in the order given. */
    private void appendAudits(List<AuditRecord> records) {
        if (records.isEmpty()) {
            return; // most changes: no shared lock to take
        }
        synchronized (crossAccountLock) {
            for (AuditRecord record : records) {
                long position = ++lastAuditPosition;
                audits.put(position, record.withPosition(position));
            }
        }
    }

    @Override
    public AccountLink insertAccountLinkIfAbsent(AccountLink link) {
        return links.computeIfAbsent(link.reference(), reference -> link);
    }

    @Override
    public Optional<AccountLink> findAccountLink(String reference) {
        return Optional.ofNullable(links.get(reference));
    }

    @Override
    public CatalogStore catalog() {
        return catalog;
    }

    private ConcurrentSkipListMap<String, Object> rows(CatalogTable<?> table) {
        return tables.get(Objects.requireNonNull(table, "table"));
    }

    /** The catalog: one sorted map per table; writes under {@link #crossAccountLock}. */
    private final class Catalog implements CatalogStore {

        @Override
        public <T> Optional<T> find(CatalogTable<T> table, String key) {
            return Optional.ofNullable(rows(table).get(Objects.requireNonNull(key, "key"))).map(table.rowType()::cast);
        }

        @Override
        public <T> List<T> list(CatalogTable<T> table) {
            return rows(table).values().stream().map(table.rowType()::cast).toList();
        }

        @Override
        public <T> boolean insert(CatalogTable<T> table, T row) {
            synchronized (crossAccountLock) {
                return rows(table).putIfAbsent(table.keyOf(row), stored(table, row, null)) == null;
            }
        }

        @Override
        public <T> boolean update(CatalogTable<T> table, T row) {
            synchronized (crossAccountLock) {
                Object old = rows(table).get(table.keyOf(row));
                if (old == null) {
                    return false;
                }
                rows(table).put(table.keyOf(row), stored(table, row, old));
                return true;
            }
        }

        @Override
        public <T> void save(CatalogTable<T> table, T row) {
            synchronized (crossAccountLock) {
                Object old = rows(table).get(table.keyOf(row));
                rows(table).put(table.keyOf(row), stored(table, row, old));
            }
        }

        @Override
        public boolean delete(CatalogTable<?> table, String key) {
            synchronized (crossAccountLock) {
                return rows(table).remove(Objects.requireNonNull(key, "key")) != null;
            }
        }

        @Override
        public <T> boolean write(CatalogChange<T> change, AuditRecord audit) {
            Objects.requireNonNull(audit, "audit");
            synchronized (crossAccountLock) {
                boolean done = switch (change.kind()) {
                    case INSERT -> insert(change.table(), change.row());
                    case UPDATE -> update(change.table(), change.row());
                    case SAVE -> {
                        save(change.table(), change.row());
                        yield true;
                    }
                    case DELETE -> delete(change.table(), change.key());
                };
                if (done) {
                    appendAudits(List.of(audit));
                }
                return done;
            }
        }

        /** @return the row to keep: a promotion with the use count of the row it replaces (0 if none) */
        private Object stored(CatalogTable<?> table, Object row, Object old) {
            if (table == CatalogTable.PROMOTIONS) {
                return ((Promotion) row).withUses(old == null ? 0 : ((Promotion) old).uses());
            }
            return row;
        }
    }

    @Override
    public EventStore events() {
        return outbox;
    }

    @Override
    public ReportStore reports() {
        return reports;
    }

    /** Sums the usage rows; lists accounts reading each under its lock. */
    private final class Reports implements ReportStore {

        @Override
        public List<UsageRecord> sumUsage(UsageSelection selection) {
            return usage.sum(selection);
        }

        @Override
        public List<AccountBalances> listAccounts(AccountFilter filter) {
            List<AccountBalances> found = new ArrayList<>();
            for (String accountId : new java.util.TreeSet<>(accounts.keySet())) {
                if (found.size() >= filter.limit()) {
                    break;
                }
                if (filter.afterAccountId() != null && accountId.compareTo(filter.afterAccountId()) <= 0) {
                    continue;
                }
                AccountData data = accounts.get(accountId);
                data.lock.lock();
                try {
                    Account account = data.account;
                    BalanceRecord balance = data.balances.get(filter.creditType());
                    long available = balance == null ? 0 : balance.balance() - balance.held();
                    long threshold = account.lowBalanceThreshold() > 0 ? account.lowBalanceThreshold()
                            : filter.defaultThreshold();
                    if ((filter.status() == null || account.status() == filter.status())
                            && (filter.planId() == null || filter.planId().equals(account.planId()))
                            && (filter.parentIds() == null
                            || account.parentId() != null && filter.parentIds().contains(account.parentId()))
                            && (filter.availableBelow() == null || available < filter.availableBelow())
                            && (filter.availableAtLeast() == null || available >= filter.availableAtLeast())
                            && (!filter.lowBalance() || available <= threshold)) {
                        found.add(new AccountBalances(account, List.copyOf(data.balances.values())));
                    }
                } finally {
                    data.lock.unlock();
                }
            }
            return found;
        }

        @Override
        public boolean replaceUsage(String accountId, long sequence, List<UsageRecord> rows) {
            AccountData data = accounts.get(accountId);
            if (data == null) {
                return false;
            }
            data.lock.lock();
            try {
                if (data.account.sequence() != sequence) {
                    return false;
                }
                usage.replace(accountId, rows);
                return true;
            } finally {
                data.lock.unlock();
            }
        }

        @Override
        public List<BalanceRecord> balanceTotals() {
            Map<String, long[]> totals = new TreeMap<>();
            for (AccountData data : accounts.values()) {
                data.lock.lock();
                try {
                    for (BalanceRecord balance : data.balances.values()) {
                        long[] sum = totals.computeIfAbsent(balance.creditType(), type -> new long[2]);
                        sum[0] += balance.balance();
                        sum[1] += balance.held();
                    }
                } finally {
                    data.lock.unlock();
                }
            }
            List<BalanceRecord> result = new ArrayList<>();
            totals.forEach((type, sum) -> result.add(new BalanceRecord(null, type, sum[0], sum[1])));
            return result;
        }

        @Override
        public List<AccountCount> countAccounts() {
            Map<List<Object>, Long> counts = new HashMap<>();
            for (AccountData data : accounts.values()) {
                Account account = data.account;
                counts.merge(java.util.Arrays.asList(account.status(), account.planId()), 1L, Long::sum);
            }
            List<AccountCount> result = new ArrayList<>();
            counts.forEach((key, count) -> result.add(new AccountCount((AccountStatus) key.get(0),
                    (String) key.get(1), count)));
            return result;
        }
    }

    /**
     * The outbox and its consumers. An event gets its position when its unit of work applies, under the outbox's
     * lock: positions follow commit order by construction, so {@link EventStore#assignPositions} has nothing to do.
     */
    private final class Outbox implements EventStore {
        private final ByNumber<EventRecord> events = new ByNumber<>();
        private final Map<String, ConsumerRecord> consumers = new TreeMap<>();
        private long last;

        synchronized void clear() {
            events.clear();
            consumers.clear();
            last = 0;
        }

        synchronized void append(List<EventRecord> records) {
            for (EventRecord record : records) {
                last++;
                events.put(last, record.withPosition(last));
            }
        }

        @Override
        public int assignPositions(int max) {
            return 0;
        }

        @Override
        public synchronized long lastPosition() {
            return last;
        }

        @Override
        public synchronized List<EventRecord> readAfter(long after, int limit) {
            List<EventRecord> found = new ArrayList<>();
            for (int i = events.countAtOrBelow(after); i < events.size(); i++) {
                if (found.size() >= limit) {
                    break;
                }
                found.add(events.value(i));
            }
            return found;
        }

        @Override
        public synchronized List<EventRecord> readAccount(String accountId, long afterSequence, int limit) {
            List<EventRecord> found = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (found.size() >= limit) {
                    break;
                }
                EventRecord record = events.value(i);
                if (record.accountId().equals(accountId) && record.accountSequence() > afterSequence) {
                    found.add(record);
                }
            }
            return found;
        }

        @Override
        public synchronized boolean insertConsumer(ConsumerRecord consumer) {
            return consumers.putIfAbsent(consumer.name(), consumer) == null;
        }

        @Override
        public synchronized Optional<ConsumerRecord> findConsumer(String name) {
            return Optional.ofNullable(consumers.get(name));
        }

        @Override
        public synchronized List<ConsumerRecord> listConsumers() {
            return List.copyOf(consumers.values());
        }

        @Override
        public synchronized boolean lease(String name, String owner, Instant now, Instant until) {
            ConsumerRecord consumer = consumers.get(name);
            if (consumer == null) {
                return false;
            }
            if (consumer.leaseOwner() != null && !consumer.leaseOwner().equals(owner)
                    && consumer.leaseUntil().isAfter(now)) {
                return false;
            }
            consumers.put(name, new ConsumerRecord(name, consumer.cursor(), owner, until, consumer.createdAt()));
            return true;
        }

        @Override
        public synchronized boolean releaseLease(String name, String owner) {
            ConsumerRecord consumer = consumers.get(name);
            if (consumer == null || !owner.equals(consumer.leaseOwner())) {
                return false;
            }
            consumers.put(name, new ConsumerRecord(name, consumer.cursor(), null, null, consumer.createdAt()));
            return true;
        }

        @Override
        public synchronized boolean acknowledge(String name, String owner, Instant now, long position) {
            ConsumerRecord consumer = consumers.get(name);
            if (consumer == null || !owner.equals(consumer.leaseOwner()) || !consumer.leaseUntil().isAfter(now)) {
                return false;
            }
            if (position > consumer.cursor()) {
                consumers.put(name, new ConsumerRecord(name, position, consumer.leaseOwner(), consumer.leaseUntil(),
                        consumer.createdAt()));
            }
            return true;
        }

        @Override
        public synchronized boolean seek(String name, long position) {
            ConsumerRecord consumer = consumers.get(name);
            if (consumer == null) {
                return false;
            }
            consumers.put(name, new ConsumerRecord(name, position, consumer.leaseOwner(), consumer.leaseUntil(),
                    consumer.createdAt()));
            return true;
        }

        @Override
        public synchronized int purge(long upTo, Instant before) {
            return events.removeAtOrBelow(upTo, record -> record.occurredAt().isBefore(before));
        }

        @Override
        public List<String> findAccountsWithLotsToNotice(Instant after, Instant until, int limit) {
            List<String> found = new ArrayList<>();
            for (AccountData data : accounts.values()) {
                if (found.size() >= limit) {
                    break;
                }
                data.lock.lock();
                try {
                    boolean due = data.liveLots.values().stream().anyMatch(lot -> lot.remaining() > 0
                            && lot.expiresAt() != null && lot.expiresAt().isAfter(after)
                            && !lot.expiresAt().isAfter(until) && !data.noticedLots.contains(lot.lotId()));
                    if (due) {
                        found.add(data.account.accountId());
                    }
                } finally {
                    data.lock.unlock();
                }
            }
            return found;
        }
    }

    private AccountData data(String accountId) {
        AccountData data = accounts.get(accountId);
        if (data == null) {
            throw new UnknownAccountException(accountId);
        }
        return data;
    }

    /** Applies a unit of work's changes; checks first what a database's constraints would, then writes. */
    private void apply(AccountData data, ChangeSet changes) {
        String accountId = data.account.accountId();
        check(data, changes);
        applyCrossAccount(accountId, changes);
        data.account = changes.account();
        OrgChanges orgs = changes.orgs();
        for (String capId : orgs.removedCaps()) {
            data.caps.remove(capId);
            data.capUsage.keySet().removeIf(key -> key.startsWith(capId + '\n'));
        }
        for (SpendingCap cap : orgs.caps()) {
            data.caps.put(cap.capId(), cap);
        }
        for (CapUsage usage : orgs.usage()) {
            data.capUsage.put(usageKey(usage.capId(), usage.key(), usage.periodStart()), usage.used());
        }
        applyRows(data, changes);
    }

    private static String usageKey(String capId, String key, Instant periodStart) {
        return capId + '\n' + key + '\n' + periodStart;
    }

    /** What a database's unique constraints would refuse, checked before anything is written. */
    private static void check(AccountData data, ChangeSet changes) {
        String accountId = data.account.accountId();
        for (LedgerEntry entry : changes.entries()) {
            if (data.entriesBySequence.contains(entry.sequence())) {
                throw new IllegalStateException("sequence " + entry.sequence() + " of " + accountId + " is taken");
            }
        }
        if (changes.idempotency().isEmpty()) {
            return;
        }
        Set<String> newKeys = new HashSet<>();
        for (IdempotencyRecord idempotency : changes.idempotency()) {
            if (data.idempotency.containsKey(idempotency.idempotencyKey())
                    || !newKeys.add(idempotency.idempotencyKey())) {
                throw new IdempotencyConflictException(accountId, idempotency.idempotencyKey());
            }
        }
    }

    private void applyRows(AccountData data, ChangeSet changes) {
        String accountId = data.account.accountId();
        for (Purchase purchase : changes.purchases()) {
            data.purchases.put(purchase.purchaseId(), purchase);
        }
        for (BalanceRecord balance : changes.balances()) {
            data.balances.put(balance.creditType(), balance);
        }
        for (Lot lot : changes.insertedLots()) {
            data.putLot(lot);
        }
        for (Lot lot : changes.updatedLots()) {
            data.putLot(lot);
        }
        List<TransactionIndex.Posted> posted = new ArrayList<>(changes.entries().size());
        for (LedgerEntry entry : changes.entries()) {
            posted.add(transactions.put(accountId, entry));
            data.entriesBySequence.put(entry.sequence(), entry);
            if (entry.referenceId() != null) {
                data.referencing.computeIfAbsent(entry.referenceId(), id -> new ArrayList<>()).add(entry);
            }
        }
        for (Allocation allocation : changes.allocations()) {
            TransactionIndex.Posted owner = owner(posted, allocation.ownerId(), accountId);
            if (owner != null) {
                owner.addLine(allocation);
            } else {
                data.allocations.computeIfAbsent(allocation.ownerId(), id -> new ArrayList<>()).add(allocation);
            }
        }
        for (Hold hold : changes.insertedHolds()) {
            data.putHold(hold);
            accountOfHold.put(hold.holdId(), accountId);
        }
        for (Hold hold : changes.updatedHolds()) {
            data.putHold(hold);
        }
        for (IdempotencyRecord idempotency : changes.idempotency()) {
            data.idempotency.put(idempotency.idempotencyKey(), idempotency);
        }
        EventChanges events = changes.events();
        for (AlertState state : events.alertStates()) {
            data.alertStates.put(state.creditType(), state);
        }
        for (ExpiryNotice notice : events.notices()) {
            data.noticedLots.add(notice.lotId());
        }
        outbox.append(events.events());
        for (ChargeDispute dispute : changes.disputes()) {
            disputes.put(dispute.disputeId(), dispute);
        }
        appendAudits(changes.audits());
        usage.add(changes.usage());
    }

    /** @return the entry of the account that owns a receipt line: one of this change's (most are), or an earlier one */
    private TransactionIndex.Posted owner(List<TransactionIndex.Posted> posted, String ownerId, String accountId) {
        for (TransactionIndex.Posted entry : posted) {
            if (entry.entry.transactionId().equals(ownerId)) {
                return entry;
            }
        }
        TransactionIndex.Posted earlier = transactions.get(ownerId);
        return earlier != null && earlier.accountId.equals(accountId) ? earlier : null;
    }

    /** Claims new purchase ids and counts promotion uses: all of it, or (on a conflict) none of it. */
    private void applyCrossAccount(String accountId, ChangeSet changes) {
        if (changes.purchases().isEmpty() && changes.promotionUses().isEmpty()) {
            return; // most changes: no shared lock to take
        }
        synchronized (crossAccountLock) {
            for (Purchase purchase : changes.purchases()) {
                String owner = accountOfPurchase.get(purchase.purchaseId());
                if (owner != null && !owner.equals(accountId)) {
                    throw new IdempotencyConflictException(accountId, purchase.purchaseId());
                }
            }
            ConcurrentSkipListMap<String, Object> promotions = rows(CatalogTable.PROMOTIONS);
            Map<String, Long> counts = new HashMap<>();
            for (PromotionUse use : changes.promotionUses()) {
                Promotion promotion = (Promotion) promotions.get(use.code());
                long uses = counts.getOrDefault(use.code(), promotion == null ? 0 : promotion.uses()) + use.delta();
                if (promotion != null && use.delta() > 0 && promotion.maxUses() > 0 && uses > promotion.maxUses()) {
                    throw new PromotionExhaustedException(use.code());
                }
                counts.put(use.code(), Math.max(0, uses));
            }
            counts.forEach((code, uses) -> {
                Promotion promotion = (Promotion) promotions.get(code);
                if (promotion != null) {
                    promotions.put(code, promotion.withUses(uses));
                }
            });
            for (Purchase purchase : changes.purchases()) {
                accountOfPurchase.put(purchase.purchaseId(), accountId);
            }
        }
    }

    /** One account's state; guarded by its lock. */
    private static final class AccountData {
        final ReentrantLock lock = new ReentrantLock();
        volatile Account account;
        final Map<String, BalanceRecord> balances = new LinkedHashMap<>();
        final Map<String, Lot> lots = new HashMap<>();
        /** The lots with remaining or held credits: what units of work read. */
        final Map<String, Lot> liveLots = new LinkedHashMap<>();
        final ByNumber<LedgerEntry> entriesBySequence = new ByNumber<>();
        final Map<String, List<LedgerEntry>> referencing = new HashMap<>();
        /** Receipt lines of owners that are not entries (holds); an entry's are kept with it ({@link TransactionIndex}). */
        final Map<String, List<Allocation>> allocations = new HashMap<>();
        final Map<String, Hold> holds = new HashMap<>();
        final Map<String, Hold> openHolds = new LinkedHashMap<>();
        final Map<String, IdempotencyRecord> idempotency = new HashMap<>();
        final Map<String, Purchase> purchases = new LinkedHashMap<>();
        final Map<String, AlertState> alertStates = new HashMap<>();
        final Set<String> noticedLots = new HashSet<>();
        final Map<String, SpendingCap> caps = new LinkedHashMap<>();
        /** Cap usage by cap id, key and period start ({@link #usageKey}). */
        final Map<String, Long> capUsage = new HashMap<>();

        AccountData(Account account) {
            this.account = account;
        }

        Account account() {
            return account;
        }

        void putLot(Lot lot) {
            lots.put(lot.lotId(), lot);
            if (lot.remaining() != 0 || lot.held() != 0) {
                liveLots.put(lot.lotId(), lot);
            } else {
                liveLots.remove(lot.lotId());
            }
        }

        void putHold(Hold hold) {
            holds.put(hold.holdId(), hold);
            if (hold.status() == HoldStatus.OPEN) {
                openHolds.put(hold.holdId(), hold);
            } else {
                openHolds.remove(hold.holdId());
            }
        }
    }

    /** The view of one locked account. */
    private final class Transaction implements AccountTransaction {
        private final AccountData data;
        private final boolean writable;
        private ChangeSet changes;

        Transaction(AccountData data, boolean writable) {
            this.data = data;
            this.writable = writable;
        }

        @Override
        public AccountSnapshot snapshot(Instant now, String featureKey, String idempotencyKey) {
            List<Hold> dueHolds = new ArrayList<>();
            for (Hold hold : data.openHolds.values()) {
                if (hold.isDueAt(now)) {
                    dueHolds.add(hold);
                }
            }
            return new AccountSnapshot(data.account, List.copyOf(data.balances.values()),
                    List.copyOf(data.liveLots.values()), dueHolds,
                    featureKey == null ? null : catalog.find(CatalogTable.FEATURES, featureKey).orElse(null),
                    idempotencyKey == null ? null : data.idempotency.get(idempotencyKey));
        }

        @Override
        public Map<String, IdempotencyRecord> findIdempotencyRecords(Collection<String> keys) {
            Map<String, IdempotencyRecord> found = new HashMap<>();
            for (String key : keys) {
                IdempotencyRecord record = data.idempotency.get(key);
                if (record != null) {
                    found.put(key, record);
                }
            }
            return found;
        }

        @Override
        public Optional<Lot> findLot(String lotId) {
            return Optional.ofNullable(data.lots.get(lotId));
        }

        /** @return the entry of this account with this transaction id, or null */
        private TransactionIndex.Posted posted(String transactionId) {
            TransactionIndex.Posted posted = transactions.get(transactionId);
            return posted != null && posted.accountId.equals(data.account.accountId()) ? posted : null;
        }

        @Override
        public Optional<LedgerEntry> findEntry(String transactionId) {
            TransactionIndex.Posted posted = posted(transactionId);
            return posted == null ? Optional.empty() : Optional.of(posted.entry);
        }

        @Override
        public List<LedgerEntry> findEntriesReferencing(String transactionId) {
            return List.copyOf(data.referencing.getOrDefault(transactionId, List.of()));
        }

        @Override
        public List<Allocation> findAllocations(String ownerId) {
            TransactionIndex.Posted posted = posted(ownerId);
            List<Allocation> apart = data.allocations.getOrDefault(ownerId, List.of());
            if (posted == null || apart.isEmpty()) {
                return List.copyOf(posted == null ? apart : posted.lines());
            }
            List<Allocation> all = new ArrayList<>(apart); // lines written before their entry (none today)
            all.addAll(posted.lines());
            return List.copyOf(all);
        }

        @Override
        public Optional<Hold> findHold(String holdId) {
            return Optional.ofNullable(data.holds.get(holdId));
        }

        @Override
        public List<Hold> findOpenHolds() {
            return List.copyOf(data.openHolds.values());
        }

        @Override
        public List<Hold> findHoldsChanged(long afterSequence, long upToSequence) {
            return data.holds.values().stream()
                    .filter(hold -> hold.changedAtSequence() > afterSequence
                            && hold.changedAtSequence() <= upToSequence)
                    .sorted(Comparator.comparingLong(Hold::changedAtSequence).thenComparing(Hold::createdAt)
                            .thenComparing(Hold::holdId))
                    .toList();
        }

        @Override
        public <T> Optional<T> find(CatalogTable<T> table, String key) {
            return catalog.find(table, key);
        }

        @Override
        public List<ChargeDispute> findDisputes(String transactionId) {
            String accountId = data.account.accountId();
            return disputes.values().stream()
                    .filter(d -> d.accountId().equals(accountId) && d.transactionId().equals(transactionId))
                    .sorted(DISPUTE_ORDER)
                    .toList();
        }

        @Override
        public Optional<Purchase> findPurchase(String purchaseId) {
            return Optional.ofNullable(data.purchases.get(purchaseId));
        }

        @Override
        public List<Purchase> listPurchases() {
            return List.copyOf(data.purchases.values());
        }

        @Override
        public List<Lot> findLotsExpiringAt(Instant at) {
            List<Lot> found = new ArrayList<>();
            for (Lot lot : data.lots.values()) {
                if (at.equals(lot.expiresAt())) {
                    found.add(lot);
                }
            }
            return found;
        }

        @Override
        public Optional<AlertState> findAlertState(String creditType) {
            return Optional.ofNullable(data.alertStates.get(creditType));
        }

        @Override
        public Set<String> findExpiryNotices(Collection<String> lotIds) {
            Set<String> found = new HashSet<>();
            for (String lotId : lotIds) {
                if (data.noticedLots.contains(lotId)) {
                    found.add(lotId);
                }
            }
            return found;
        }

        @Override
        public List<SpendingCap> findCaps() {
            return List.copyOf(data.caps.values());
        }

        @Override
        public long findCapUsage(String capId, String key, Instant periodStart) {
            return data.capUsage.getOrDefault(usageKey(capId, key, periodStart), 0L);
        }

        @Override
        public void write(ChangeSet changeSet) {
            if (!writable) {
                throw new IllegalStateException("a read-only unit of work cannot write");
            }
            if (changes != null) {
                throw new IllegalStateException("a unit of work writes once");
            }
            changes = changeSet;
        }
    }
}
