package dev.credits.jdbc;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Purchase;
import dev.credits.SpendingCap;
import dev.credits.UnknownAccountException;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.AlertState;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.SnapshotRequest;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.PromotionExhaustedException;
import dev.credits.spi.PromotionUse;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One unit of work's view of its locked account, on one open transaction. Reads go to the database (balances
 * and live lots are read once and then served from memory: nothing else can change them while the account row
 * is locked); {@link #write} sends the change set as one batch per statement kind.
 *
 * <p>On a dialect that {@linkplain SqlStatements#pipelines() pipelines} (PostgreSQL; MariaDB/MySQL with
 * multi-statement queries allowed) the account row is locked lazily, by the first read: {@link #snapshot} then locks
 * and reads balances, live lots, due holds, the feature and the idempotency record in one round trip, and the change
 * set is one more. On PostgreSQL {@link #write} only prepares it: {@link #finish()} sends it when the work has
 * returned, with the COMMIT (its row-count checks run in the database, see {@link PipelinedStatements}), so a
 * deduction is two round trips; on MariaDB/MySQL three, with the commit. Every read locks first, so the unit of work
 * never sees anything the lock has not settled. A read-only unit ({@code readAccount}) reads a consistent
 * snapshot instead of locking where the dialect allows it (PostgreSQL, MariaDB).
 *
 * <p>A change set's promotion uses and purchases (rare: purchases only) go first, as statements of their own in the
 * same transaction, on every dialect: a promotion past its limit throws {@link PromotionExhaustedException} and a
 * purchase id another account has {@link IdempotencyConflictException}. A write that threw never commits, even when
 * the work catches the exception: {@link #finish()} throws it again. Not thread-safe.
 */
final class JdbcAccountTransaction implements AccountTransaction {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcAccountTransaction.class);
    private static final Pattern CHECK =
            Pattern.compile(Pattern.quote(PipelinedStatements.CHECK_FAILED) + "(\\w+) (\\d+) of (\\d+)");

    private final Handle handle;
    private final SqlStatements sql;
    private final PipelinedStatements pipelined;
    private final String accountId;
    private final boolean readOnly;
    /**
     * Inside a transaction the host owns: no snapshot statement (it must be a transaction's first), reads lock the
     * account row like writes do (the host's isolation gives no snapshot), and no COMMIT travels with the change set.
     */
    private final boolean joined;
    /** For a read-only unit on a dialect with snapshot reads: the statement that starts the snapshot. */
    private final String snapshotRead;
    /**
     * The transaction's first statement, if any: the snapshot of a read-only unit, or the lock timeout of a writing
     * one (where the dialect bounds lock waits per transaction); sent with the first read where the dialect pipelines.
     */
    private final String firstStatement;
    /**
     * A writing unit's settings of its own transaction when it spans several accounts
     * ({@link SqlStatements#severalAccountsSettingsStatement()}), or null.
     */
    private final String settingsStatement;
    /**
     * Whether this writing unit's lock of its one account, pipelined, sets the lock timeout itself
     * ({@link SqlStatements#pipelinedLockWithTimeout()}): then the timeout costs no statement of its own.
     */
    private final boolean timeoutInLock;

    private Account account;
    private List<BalanceRecord> balances;
    private List<Lot> allLiveLots;
    private final Map<String, List<Lot>> liveLotsByType = new HashMap<>();
    private boolean written;
    /** Dialects that check in the database: the change set {@link #write} prepared, sent with the COMMIT by {@link #finish()}. */
    private ChangeSetWriter pendingWriter;
    /** What {@link #write} threw, thrown again by {@link #finish()}: a failed write never commits, even if caught. */
    private RuntimeException failedWrite;

    private JdbcAccountTransaction(Handle handle, SqlStatements sql, String accountId, boolean readOnly,
                                   boolean joined) {
        this.handle = handle;
        this.sql = sql;
        this.pipelined = sql.pipelines() ? (PipelinedStatements) sql : null;
        this.accountId = accountId;
        this.readOnly = readOnly;
        this.joined = joined;
        this.snapshotRead = readOnly && !joined ? sql.snapshotReadStatement() : null;
        this.firstStatement = readOnly && !joined ? snapshotRead : sql.lockTimeoutStatement();
        this.settingsStatement = readOnly || joined ? null : sql.severalAccountsSettingsStatement();
        this.timeoutInLock = firstStatement != null && firstStatement.equals(sql.lockTimeoutStatement())
                && sql.pipelinedLockWithTimeout() != null;
    }

    /**
     * Starts a unit of work on an account. A writing unit locks the account row (FOR UPDATE); a read-only one
     * reads it in a consistent snapshot where the dialect has {@link SqlStatements#snapshotReadStatement()},
     * else locks it in share mode. Where the dialect pipelines this happens with the first read; otherwise now.
     *
     * @throws UnknownAccountException if it reads the account now and it does not exist
     */
    static JdbcAccountTransaction begin(Handle handle, SqlStatements sql, String accountId, boolean readOnly) {
        return begin(handle, sql, accountId, readOnly, false);
    }

    /** As {@link #begin(Handle, SqlStatements, String, boolean)}; {@code joined}: inside the host's transaction. */
    static JdbcAccountTransaction begin(Handle handle, SqlStatements sql, String accountId, boolean readOnly,
                                        boolean joined) {
        JdbcAccountTransaction tx = new JdbcAccountTransaction(handle, sql, accountId, readOnly, joined);
        if (tx.pipelined == null) {
            if (tx.firstStatement != null) {
                handle.execute(tx.firstStatement);
            }
            tx.lock();
        }
        return tx;
    }

    /**
     * Ends the work: makes sure the account was read (and so exists) even if the work read nothing; on a pipelining
     * dialect sends the change set {@link #write} prepared, followed by the COMMIT, in one round trip.
     *
     * The connection's commit then has nothing left to do (pgjdbc sends nothing for it).
     *
     * @throws UnknownAccountException if the account does not exist
     */
    void finish() {
        if (failedWrite != null) {
            throw failedWrite;
        }
        lock();
        ChangeSetWriter writer = pendingWriter;
        if (writer == null) {
            return;
        }
        pendingWriter = null;
        Pipeline pipeline = new Pipeline();
        writer.pipeline(pipeline, true);
        if (!joined) {
            pipeline.update(pipelined.pipelinedCommit());
        }
        try {
            pipeline.execute(handle.getConnection());
        } catch (SQLException e) {
            RuntimeException failedCheck = failedCheck(e, writer);
            throw failedCheck != null ? failedCheck : new Failures.SqlFailure(e);
        }
    }

    /**
     * Ends the work of several accounts in one transaction ({@code inAccounts}) as {@link #finish()} ends one, with
     * every change set the dialect held back for the COMMIT sent together, in order, followed by the last
     * transaction's COMMIT: one round trip for all of them on PostgreSQL.
     */
    static void finishAll(List<JdbcAccountTransaction> txs) {
        List<ChangeSetWriter> writers = new ArrayList<>();
        for (JdbcAccountTransaction tx : txs) {
            if (tx.failedWrite != null) {
                throw tx.failedWrite;
            }
            tx.lock();
            if (tx.pendingWriter != null) {
                writers.add(tx.pendingWriter);
                tx.pendingWriter = null;
            }
        }
        if (writers.isEmpty()) {
            return;
        }
        // Several accounts: kind by kind, one array statement for every account's rows of a kind (a few shapes of
        // pipeline, whatever the accounts and their rows). One: its multi-row statements, as finish() sends them.
        Pipeline merged = new Pipeline();
        if (writers.size() == 1) {
            writers.get(0).pipeline(merged, true);
        } else {
            ChangeSetWriter.pipelineAll(writers, merged);
        }
        JdbcAccountTransaction last = txs.get(txs.size() - 1);
        if (!last.joined) {
            merged.update(last.pipelined.pipelinedCommit());
        }
        try {
            merged.execute(last.handle.getConnection());
        } catch (SQLException e) {
            for (ChangeSetWriter writer : writers) {
                // A failed check names what failed, not whose row: the idempotency key is the one writer's that has one.
                RuntimeException failedCheck = failedCheck(e, writer);
                if (failedCheck != null) {
                    throw failedCheck;
                }
            }
            throw new Failures.SqlFailure(e);
        }
    }

    private static RuntimeException failedCheck(SQLException e, ChangeSetWriter pendingWriter) {
        Matcher check = "22P02".equals(e.getSQLState()) && e.getMessage() != null ? CHECK.matcher(e.getMessage()) : null;
        if (check == null || !check.find()) {
            return null;
        }
        String what = check.group(1);
        String found = check.group(2);
        String expected = check.group(3);
        switch (what) {
            case PipelinedStatements.CHECK_ACCOUNT -> {
                return pendingWriter.accountChanged(e);
            }
            case PipelinedStatements.CHECK_IDEMPOTENCY -> {
                return pendingWriter.idempotency() == null ? null : pendingWriter.idempotencyConflict(e);
            }
            default -> {
                return new IllegalStateException((what.equals(PipelinedStatements.CHECK_LOTS) ? "lots" : "open holds")
                        + " to update: expected " + expected + ", found " + found, e);
            }
        }
    }

    /**
     * Adds the transaction's first statements (see {@link #firstStatement}) to a pipeline, and its settings when the
     * unit of work spans {@code severalAccounts} (a unit on one account needs none: one statement less).
     */
    private void addFirstStatements(Pipeline pipeline, boolean severalAccounts) {
        if (firstStatement != null && (severalAccounts || !timeoutInLock)) {
            pipeline.update(firstStatement);
        }
        if (severalAccounts && settingsStatement != null) {
            pipeline.update(settingsStatement);
        }
    }

    /** The account row's read in a pipeline of this unit on one account: its lock, or its snapshot read. */
    private String pipelinedAccountRead() {
        return timeoutInLock ? sql.pipelinedLockWithTimeout() : sql.pipelinedAccount(readOnly && !joined);
    }

    /** Reads (and for a writing unit locks) the account row, once, before anything else is read. */
    private void lock() {
        if (account != null) {
            return;
        }
        if (pipelined != null) {
            Pipeline pipeline = new Pipeline();
            addFirstStatements(pipeline, false);
            int step = pipeline.query(pipelinedAccountRead(), Tables.ACCOUNTS.mapper());
            pipeline.string(accountId);
            List<Account> found = rows(execute(pipeline).get(step));
            account = found.stream().findFirst().orElseThrow(() -> new UnknownAccountException(accountId));
            return;
        }
        String select = !readOnly ? sql.lockAccount() : snapshotRead != null ? sql.selectAccount() : sql.lockAccountShared();
        account = handle.createQuery(select)
                .bind("accountId", accountId)
                .map(Tables.ACCOUNTS.mapper())
                .findOne()
                .orElseThrow(() -> new UnknownAccountException(accountId));
    }

    private String accountId() {
        return accountId;
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    Account account() {
        lock();
        return account;
    }

    @Override
    public AccountSnapshot snapshot(Instant now, String featureKey, String idempotencyKey) {
        Objects.requireNonNull(now, "now");
        if (pipelined == null || account != null) {
            return new AccountSnapshot(account(), balances(), liveLots(), findOpenHoldsDue(now),
                    featureKey == null ? null : find(CatalogTable.FEATURES, featureKey).orElse(null),
                    idempotencyKey == null ? null : findIdempotency(idempotencyKey).orElse(null));
        }
        Pipeline pipeline = new Pipeline();
        addFirstStatements(pipeline, false);
        int[] steps = appendSnapshot(pipeline, now, featureKey, idempotencyKey);
        return takeSnapshot(execute(pipeline), steps);
    }

    /**
     * Reads the snapshots of several transactions of one unit of work ({@code inAccounts}, one connection) in one
     * round trip, locking the accounts in the order given, as each one's {@link #snapshot} would; where that cannot
     * be (a dialect that does not pipeline, an account already read), one by one.
     */
    static List<AccountSnapshot> snapshots(List<JdbcAccountTransaction> txs, List<SnapshotRequest> requests,
                                           Instant now) {
        Objects.requireNonNull(now, "now");
        boolean together = txs.stream().allMatch(tx -> tx.pipelined != null && tx.account == null && !tx.readOnly
                && tx.handle == txs.get(0).handle);
        List<AccountSnapshot> snapshots = new ArrayList<>(txs.size());
        if (!together) {
            for (int i = 0; i < txs.size(); i++) {
                SnapshotRequest request = requests.get(i);
                snapshots.add(txs.get(i).snapshot(now, request.featureKey(), request.idempotencyKey()));
            }
            return snapshots;
        }
        if (txs.size() > 1 && txs.get(0).sql instanceof PostgresStatements postgres) {
            return snapshotsByArrays(txs, requests, now, postgres);
        }
        Pipeline pipeline = new Pipeline();
        // Once, as the last account's (the one that commits: its settings are the transaction's own).
        txs.get(txs.size() - 1).addFirstStatements(pipeline, txs.size() > 1);
        List<int[]> steps = new ArrayList<>(txs.size());
        for (int i = 0; i < txs.size(); i++) {
            SnapshotRequest request = requests.get(i);
            steps.add(txs.get(i).appendSnapshot(pipeline, now, request.featureKey(), request.idempotencyKey()));
        }
        List<Object> results = txs.get(0).execute(pipeline);
        for (int i = 0; i < txs.size(); i++) {
            snapshots.add(txs.get(i).takeSnapshot(results, steps.get(i)));
        }
        return snapshots;
    }

    /**
     * PostgreSQL: the snapshots of several accounts by one statement per kind of row, the ids bound as one array (the
     * accounts locked in the order given by the first), so that the statements are prepared once whatever the number
     * of accounts.
     */
    private static List<AccountSnapshot> snapshotsByArrays(List<JdbcAccountTransaction> txs,
                                                          List<SnapshotRequest> requests, Instant now,
                                                          PostgresStatements sql) {
        Object[] ids = new Object[txs.size()];
        List<Object> features = new ArrayList<>();
        List<Object> keyAccounts = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < txs.size(); i++) {
            ids[i] = txs.get(i).accountId;
            SnapshotRequest request = requests.get(i);
            if (request.featureKey() != null && !features.contains(request.featureKey())) {
                features.add(request.featureKey());
            }
            if (request.idempotencyKey() != null) {
                keyAccounts.add(ids[i]);
                keys.add(request.idempotencyKey());
            }
        }
        Pipeline.ArrayValue idArray = new Pipeline.ArrayValue("varchar", ids);
        Pipeline pipeline = new Pipeline();
        // Once, as the last account's (the one that commits: its settings are the transaction's own).
        txs.get(txs.size() - 1).addFirstStatements(pipeline, txs.size() > 1);
        int first = pipeline.query(sql.lockAccounts(), Tables.ACCOUNTS.mapper());
        pipeline.array(idArray);
        pipeline.query(sql.balancesOf(), Tables.BALANCES.mapper());
        pipeline.array(idArray);
        pipeline.query(sql.liveLotsOf(), Tables.LOTS.mapper());
        pipeline.array(idArray);
        pipeline.query(sql.dueHoldsOf(), Tables.HOLDS.mapper());
        pipeline.array(idArray).bigint(Rows.micros(now));
        int featureStep = -1;
        if (!features.isEmpty()) {
            featureStep = pipeline.query(sql.featuresOf(), Tables.FEATURES.mapper());
            pipeline.array(new Pipeline.ArrayValue("varchar", features.toArray()));
        }
        int keyStep = -1;
        if (!keys.isEmpty()) {
            keyStep = pipeline.query(sql.idempotencyOf(), Tables.IDEMPOTENCY.mapper());
            pipeline.array(new Pipeline.ArrayValue("varchar", keyAccounts.toArray()))
                    .array(new Pipeline.ArrayValue("varchar", keys.toArray()));
        }
        List<Object> results = txs.get(0).execute(pipeline);
        Map<String, Account> accounts = new HashMap<>();
        for (Account account : JdbcAccountTransaction.<Account>rows(results.get(first))) {
            accounts.put(account.accountId(), account);
        }
        Map<String, List<BalanceRecord>> balances = byAccount(rows(results.get(first + 1)), BalanceRecord::accountId);
        Map<String, List<Lot>> lots = byAccount(rows(results.get(first + 2)), Lot::accountId);
        Map<String, List<Hold>> holds = byAccount(rows(results.get(first + 3)), Hold::accountId);
        Map<String, FeaturePricing> featuresFound = new HashMap<>();
        if (featureStep >= 0) {
            for (FeaturePricing feature : JdbcAccountTransaction.<FeaturePricing>rows(results.get(featureStep))) {
                featuresFound.put(feature.featureKey(), feature);
            }
        }
        Map<String, IdempotencyRecord> records = new HashMap<>();
        if (keyStep >= 0) {
            for (IdempotencyRecord record : JdbcAccountTransaction.<IdempotencyRecord>rows(results.get(keyStep))) {
                records.put(record.accountId() + '\n' + record.idempotencyKey(), record);
            }
        }
        List<AccountSnapshot> snapshots = new ArrayList<>(txs.size());
        for (int i = 0; i < txs.size(); i++) {
            JdbcAccountTransaction tx = txs.get(i);
            SnapshotRequest request = requests.get(i);
            Account account = accounts.get(tx.accountId);
            if (account == null) {
                throw new UnknownAccountException(tx.accountId);
            }
            tx.account = account;
            tx.balances = List.copyOf(balances.getOrDefault(tx.accountId, List.of()));
            tx.allLiveLots = List.copyOf(lots.getOrDefault(tx.accountId, List.of()));
            snapshots.add(new AccountSnapshot(account, tx.balances, tx.allLiveLots,
                    holds.getOrDefault(tx.accountId, List.of()),
                    request.featureKey() == null ? null : featuresFound.get(request.featureKey()),
                    request.idempotencyKey() == null ? null
                            : records.get(tx.accountId + '\n' + request.idempotencyKey())));
        }
        return snapshots;
    }

    private static <R> Map<String, List<R>> byAccount(List<R> rows, java.util.function.Function<R, String> account) {
        Map<String, List<R>> grouped = new HashMap<>();
        for (R row : rows) {
            grouped.computeIfAbsent(account.apply(row), id -> new ArrayList<>()).add(row);
        }
        return grouped;
    }

    /**
     * Adds the snapshot's queries to a pipeline: the account row (locked, for a writing unit), balances, live lots,
     * due holds, and the feature and idempotency record when asked.
     *
     * @return the steps' indexes: the account's, the feature's and the record's (-1 when not asked)
     */
    private int[] appendSnapshot(Pipeline pipeline, Instant now, String featureKey, String idempotencyKey) {
        int first = pipeline.query(pipelinedAccountRead(), Tables.ACCOUNTS.mapper());
        pipeline.string(accountId);
        pipeline.query(sql.pipelinedBalances(), Tables.BALANCES.mapper());
        pipeline.string(accountId);
        pipeline.query(sql.pipelinedLiveLots(), Tables.LOTS.mapper());
        pipeline.string(accountId);
        pipeline.query(sql.pipelinedDueHolds(), Tables.HOLDS.mapper());
        pipeline.string(accountId).bigint(Rows.micros(now));
        int feature = -1;
        if (featureKey != null) {
            feature = pipeline.query(sql.pipelinedFeature(), Tables.FEATURES.mapper());
            pipeline.string(featureKey);
        }
        int idempotency = -1;
        if (idempotencyKey != null) {
            idempotency = pipeline.query(sql.pipelinedIdempotency(), Tables.IDEMPOTENCY.mapper());
            pipeline.string(accountId).string(idempotencyKey);
        }
        return new int[]{first, feature, idempotency};
    }

    /** Takes this account's snapshot out of a pipeline's results (see {@link #appendSnapshot}). */
    private AccountSnapshot takeSnapshot(List<Object> results, int[] steps) {
        int first = steps[0];
        List<Account> locked = rows(results.get(first));
        if (locked.isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        account = locked.get(0);
        balances = List.copyOf(rows(results.get(first + 1)));
        allLiveLots = List.copyOf(rows(results.get(first + 2)));
        return new AccountSnapshot(account, balances, allLiveLots, rows(results.get(first + 3)),
                steps[1] < 0 ? null : this.<FeaturePricing>first(results.get(steps[1])),
                steps[2] < 0 ? null : this.<IdempotencyRecord>first(results.get(steps[2])));
    }

    private <T> T first(Object result) {
        List<T> found = rows(result);
        return found.isEmpty() ? null : found.get(0);
    }

    private List<Object> execute(Pipeline pipeline) {
        try {
            return pipeline.execute(handle.getConnection());
        } catch (SQLException e) {
            throw new Failures.SqlFailure(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> rows(Object result) {
        return (List<T>) result;
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    Optional<BalanceRecord> balance(String creditType) {
        Objects.requireNonNull(creditType, "creditType");
        return balances().stream().filter(b -> b.creditType().equals(creditType)).findFirst();
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    List<BalanceRecord> balances() {
        lock();
        if (balances == null) {
            balances = List.copyOf(handle.createQuery(sql.selectBalances())
                    .bind("accountId", accountId())
                    .map(Tables.BALANCES.mapper())
                    .list());
        }
        return balances;
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    List<Lot> liveLots(String creditType) {
        Objects.requireNonNull(creditType, "creditType");
        lock();
        if (allLiveLots != null) {
            return allLiveLots.stream().filter(lot -> lot.creditType().equals(creditType)).toList();
        }
        return liveLotsByType.computeIfAbsent(creditType, type -> List.copyOf(
                handle.createQuery(sql.selectLiveLotsOfType())
                        .bind("accountId", accountId())
                        .bind("creditType", type)
                        .map(Tables.LOTS.mapper())
                        .list()));
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    List<Lot> liveLots() {
        lock();
        if (allLiveLots == null) {
            allLiveLots = List.copyOf(handle.createQuery(sql.selectLiveLots())
                    .bind("accountId", accountId())
                    .map(Tables.LOTS.mapper())
                    .list());
        }
        return allLiveLots;
    }

    @Override
    public Optional<Lot> findLot(String lotId) {
        lock();
        return handle.createQuery(sql.selectLot())
                .bind("lotId", Objects.requireNonNull(lotId, "lotId"))
                .bind("accountId", accountId())
                .map(Tables.LOTS.mapper())
                .findOne();
    }

    @Override
    public Optional<LedgerEntry> findEntry(String transactionId) {
        lock();
        return handle.createQuery(sql.selectEntry())
                .bind("transactionId", Objects.requireNonNull(transactionId, "transactionId"))
                .bind("accountId", accountId())
                .map(Tables::entry)
                .findOne();
    }

    @Override
    public List<LedgerEntry> findEntriesReferencing(String transactionId) {
        lock();
        return handle.createQuery(sql.selectEntriesReferencing())
                .bind("transactionId", Objects.requireNonNull(transactionId, "transactionId"))
                .bind("accountId", accountId())
                .map(Tables::entry)
                .list();
    }

    @Override
    public List<Allocation> findAllocations(String ownerId) {
        lock();
        return handle.createQuery(sql.selectAllocations())
                .bind("ownerId", Objects.requireNonNull(ownerId, "ownerId"))
                .map(Tables.ALLOCATIONS.mapper())
                .list();
    }

    @Override
    public Optional<Hold> findHold(String holdId) {
        lock();
        return handle.createQuery(sql.selectHold())
                .bind("holdId", Objects.requireNonNull(holdId, "holdId"))
                .bind("accountId", accountId())
                .map(Tables.HOLDS.mapper())
                .findOne();
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    List<Hold> findOpenHoldsDue(Instant now) {
        lock();
        return handle.createQuery(sql.selectOpenHoldsDue())
                .bind("accountId", accountId())
                .bind("now", Rows.micros(Objects.requireNonNull(now, "now")))
                .map(Tables.HOLDS.mapper())
                .list();
    }

    @Override
    public List<Hold> findOpenHolds() {
        lock();
        return handle.createQuery(sql.selectOpenHolds())
                .bind("accountId", accountId())
                .map(Tables.HOLDS.mapper())
                .list();
    }

    @Override
    public List<Hold> findHoldsChanged(long afterSequence, long upToSequence) {
        lock();
        return handle.createQuery(sql.selectHoldsChanged())
                .bind("accountId", accountId())
                .bind("after", afterSequence)
                .bind("upTo", upToSequence)
                .map(Tables.HOLDS.mapper())
                .list();
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    Optional<IdempotencyRecord> findIdempotency(String idempotencyKey) {
        lock();
        return handle.createQuery(sql.selectIdempotency())
                .bind("accountId", accountId())
                .bind("idempotencyKey", Objects.requireNonNull(idempotencyKey, "idempotencyKey"))
                .map(Tables.IDEMPOTENCY.mapper())
                .findOne();
    }

    @Override
    public List<dev.credits.ChargeDispute> findDisputes(String transactionId) {
        lock();
        return AuditStatements.findDisputesOfCharge(handle, sql.prefix, accountId(),
                Objects.requireNonNull(transactionId, "transactionId"));
    }

    @Override
    public Map<String, IdempotencyRecord> findIdempotencyRecords(Collection<String> keys) {
        lock();
        Map<String, IdempotencyRecord> found = new HashMap<>();
        if (!keys.isEmpty()) {
            handle.createQuery(sql.selectIdempotencyRecords())
                    .bind("accountId", accountId())
                    .bindList("keys", List.copyOf(keys))
                    .map(Tables.IDEMPOTENCY.mapper())
                    .forEach(record -> found.put(record.idempotencyKey(), record));
        }
        return found;
    }

    @Override
    public Optional<Purchase> findPurchase(String purchaseId) {
        lock();
        return handle.createQuery(sql.selectPurchase())
                .bind("purchaseId", Objects.requireNonNull(purchaseId, "purchaseId"))
                .bind("accountId", accountId())
                .map(Tables.PURCHASES.mapper())
                .findOne();
    }

    @Override
    public List<Purchase> listPurchases() {
        lock();
        return handle.createQuery(sql.selectPurchases())
                .bind("accountId", accountId())
                .map(Tables.PURCHASES.mapper())
                .list();
    }

    @Override
    public List<Lot> findLotsExpiringAt(Instant at) {
        lock();
        return handle.createQuery(sql.selectLotsExpiringAt())
                .bind("accountId", accountId())
                .bind("at", Rows.micros(Objects.requireNonNull(at, "at")))
                .map(Tables.LOTS.mapper())
                .list();
    }

    @Override
    public Optional<AlertState> findAlertState(String creditType) {
        lock();
        return handle.createQuery(sql.events.selectAlertState())
                .bind("accountId", accountId())
                .bind("creditType", Objects.requireNonNull(creditType, "creditType"))
                .map(Tables.ALERT_STATES.mapper())
                .findOne();
    }

    @Override
    public List<SpendingCap> findCaps() {
        lock();
        return handle.createQuery("SELECT " + Tables.CAPS.columnList() + " FROM " + sql.prefix
                        + Tables.CAPS.table() + " WHERE account_id = :accountId")
                .bind("accountId", accountId())
                .map(Tables.CAPS.mapper())
                .list();
    }

    @Override
    public long findCapUsage(String capId, String key, Instant periodStart) {
        lock();
        return handle.createQuery("SELECT used FROM " + sql.prefix + Tables.CAP_USAGE.table()
                        + " WHERE account_id = :accountId AND cap_id = :capId AND cap_key = :key"
                        + " AND period_start_micros = :start")
                .bind("accountId", accountId())
                .bind("capId", Objects.requireNonNull(capId, "capId"))
                .bind("key", Objects.requireNonNull(key, "key"))
                .bind("start", Rows.micros(periodStart))
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    @Override
    public Set<String> findExpiryNotices(Collection<String> lotIds) {
        lock();
        if (lotIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(handle.createQuery(sql.events.selectNotices())
                .bind("accountId", accountId())
                .bindList("lotIds", List.copyOf(lotIds))
                .mapTo(String.class)
                .list());
    }

    @Override
    public <T> Optional<T> find(CatalogTable<T> table, String key) {
        CatalogRows<T> rows = sql.catalogRows(table);
        lock();
        return handle.createQuery(rows.select)
                .bind(rows.keyParameter, Objects.requireNonNull(key, "key"))
                .map(rows.mapper)
                .findOne();
    }

    // ---------------------------------------------------------------- write

    @Override
    public void write(ChangeSet changes) {
        Objects.requireNonNull(changes, "changes");
        if (readOnly) {
            throw new IllegalStateException("a readAccount unit of work must not write");
        }
        if (written) {
            throw new IllegalStateException("write was already called in this unit of work");
        }
        written = true;
        try {
            lock();
            Account next = changes.account();
            if (next != null && !next.accountId().equals(accountId())) {
                throw new IllegalArgumentException("change set of account '" + next.accountId()
                        + "' written in a unit of work of account '" + accountId() + "'");
            }
            // Rare (purchases only): statements of their own, before the rest, in the same transaction.
            usePromotions(changes.promotionUses());
            savePurchases(changes.purchases());
            saveDisputes(changes.disputes());
            ChangeSetWriter writer = new ChangeSetWriter(sql, account, changes);
            if (pipelined != null) {
                writePipelined(writer);
            } else {
                writer.batches(connection());
            }
        } catch (RuntimeException e) {
            failedWrite = e;
            throw e;
        }
    }

    /**
     * Applies the promotion uses, each one conditional UPDATE (see {@link SqlStatements#usePromotion()}); in the order
     * of their codes, so that two units of work using the same promotions lock them in the same order.
     *
     * @throws PromotionExhaustedException if a positive use finds its promotion at its limit
     */
    private void usePromotions(List<PromotionUse> uses) {
        if (uses.isEmpty()) {
            return;
        }
        List<PromotionUse> sorted = new ArrayList<>(uses);
        sorted.sort(Comparator.comparing(PromotionUse::code));
        for (PromotionUse use : sorted) {
            if (use.delta() == 0) {
                continue;
            }
            int updated = handle.createUpdate(sql.usePromotion())
                    .bind("code", use.code())
                    .bind("delta", (long) use.delta())
                    .execute();
            if (updated == 0 && use.delta() > 0 && promotionExists(use.code())) {
                throw new PromotionExhaustedException(use.code());
            }
            // 0 rows otherwise: no such promotion (nothing to count), or a negative use on a count already 0.
        }
    }

    private boolean promotionExists(String code) {
        return handle.createQuery(sql.countPromotion()).bind("code", code).mapTo(Long.class).one() > 0;
    }

    /**
     * Inserts or replaces the purchases: an UPDATE of the account's own row by id, and an INSERT when there is none.
     * A purchase id another account has is never updated (the UPDATE matches the account too); its INSERT trips the
     * primary key, reported as {@link IdempotencyConflictException}.
     */
    private void savePurchases(List<Purchase> purchases) {
        for (Purchase purchase : purchases) {
            ownAccount(purchase.accountId());
            try (PreparedStatement update = connection().prepareStatement(sql.updatePurchase())) {
                ChangeSetWriter.StatementParams params = new ChangeSetWriter.StatementParams(update);
                Tables.PURCHASE_UPDATE.bind(purchase, params);
                params.add(purchase.accountId(), Types.VARCHAR);
                if (update.executeUpdate() > 0) {
                    continue;
                }
            } catch (SQLException e) {
                throw new Failures.SqlFailure(e);
            }
            try (PreparedStatement insert = connection().prepareStatement(sql.insertPurchase())) {
                Tables.PURCHASES.bind(purchase, new ChangeSetWriter.StatementParams(insert));
                insert.executeUpdate();
            } catch (SQLException e) {
                if (SqlStatements.isConstraintViolation(e)) {
                    IdempotencyConflictException conflict =
                            new IdempotencyConflictException(purchase.accountId(), purchase.purchaseId());
                    conflict.initCause(e);
                    throw conflict;
                }
                throw new Failures.SqlFailure(e);
            }
        }
    }

    /** Inserts or replaces the account's disputes of charges (rare: a dispute's moves only), by id. */
    private void saveDisputes(List<dev.credits.ChargeDispute> disputes) {
        for (dev.credits.ChargeDispute dispute : disputes) {
            ownAccount(dispute.accountId());
            Update update = handle.createUpdate(Tables.CHARGE_DISPUTE_UPDATE.oneRow(sql.prefix));
            CatalogRows.JdbiParams params = new CatalogRows.JdbiParams(update);
            Tables.CHARGE_DISPUTE_UPDATE.bind(dispute, params);
            params.add(dispute.accountId(), Types.VARCHAR);
            if (update.execute() == 0) {
                Update insert = handle.createUpdate(sql.insert(Tables.CHARGE_DISPUTES, 1));
                Tables.CHARGE_DISPUTES.bind(dispute, new CatalogRows.JdbiParams(insert));
                insert.execute();
            }
        }
    }

    private Connection connection() {
        return handle.getConnection();
    }

    /**
     * Sends the whole change set as one pipeline, multi-row statements per kind of row ({@link ChangeSetWriter}). Where
     * the dialect {@linkplain PipelinedStatements#checksInDatabase() checks in the database} (PostgreSQL) it is only
     * prepared here and {@link #finish()} sends it with the COMMIT: every row count that matters (the account row, each
     * updated lot, each hold leaving OPEN, the idempotency key) is checked by the statement itself. Elsewhere it is
     * sent now and the update counts are checked here, before the commit.
     */
    private void writePipelined(ChangeSetWriter writer) {
        if (writer.isEmpty()) {
            return;
        }
        if (pipelined.checksInDatabase()) {
            // Sent by finish(), with the COMMIT (and with the other accounts' change sets of the unit of work).
            pendingWriter = writer;
            return;
        }
        Pipeline pipeline = new Pipeline();
        List<int[]> expected = writer.pipeline(pipeline, false);
        List<Object> results;
        try {
            results = pipeline.execute(connection());
        } catch (SQLException e) {
            throw writer.pipelineFailure(e);
        }
        writer.checkPipelined(results, expected);
    }

    private String ownAccount(String accountId) {
        if (!this.accountId.equals(accountId)) {
            throw new IllegalArgumentException("row of account '" + accountId + "' written in a unit of work of account '"
                    + this.accountId + "'");
        }
        return accountId;
    }
}
