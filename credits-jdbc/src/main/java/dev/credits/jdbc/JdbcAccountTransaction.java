package dev.credits.jdbc;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.Purchase;
import dev.credits.UnknownAccountException;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.IdempotencyRecord;
import dev.credits.spi.PromotionExhaustedException;
import dev.credits.spi.PromotionUse;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
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
    private static final RowMapper<Integer> CHECKED = (resultSet, context) -> resultSet.getInt(1);

    /** Rows per multi-row statement of a pipelined write (PostgreSQL allows 65535 parameters per statement). */
    private static final int ROWS_PER_STATEMENT = 500;

    private final Handle handle;
    private final SqlStatements sql;
    private final PipelinedStatements pipelined;
    private final String accountId;
    private final boolean readOnly;
    /** For a read-only unit on a dialect with snapshot reads: the statement that starts the snapshot. */
    private final String snapshotRead;
    /**
     * The transaction's first statement, if any: the snapshot of a read-only unit, or the lock timeout of a writing
     * one (where the dialect bounds lock waits per transaction); sent with the first read where the dialect pipelines.
     */
    private final String firstStatement;

    private Account account;
    private List<BalanceRecord> balances;
    private List<Lot> allLiveLots;
    private final Map<String, List<Lot>> liveLotsByType = new HashMap<>();
    private boolean written;
    /** Pipelining dialects: the change set {@link #write} prepared, sent with the COMMIT by {@link #finish()}. */
    private Pipeline pendingWrite;
    private IdempotencyRecord pendingIdempotency;
    /** What {@link #write} threw, thrown again by {@link #finish()}: a failed write never commits, even if caught. */
    private RuntimeException failedWrite;

    private JdbcAccountTransaction(Handle handle, SqlStatements sql, String accountId, boolean readOnly) {
        this.handle = handle;
        this.sql = sql;
        this.pipelined = sql.pipelines() ? (PipelinedStatements) sql : null;
        this.accountId = accountId;
        this.readOnly = readOnly;
        this.snapshotRead = readOnly ? sql.snapshotReadStatement() : null;
        this.firstStatement = readOnly ? snapshotRead : sql.lockTimeoutStatement();
    }

    /**
     * Starts a unit of work on an account. A writing unit locks the account row (FOR UPDATE); a read-only one
     * reads it in a consistent snapshot where the dialect has {@link SqlStatements#snapshotReadStatement()},
     * else locks it in share mode. Where the dialect pipelines this happens with the first read; otherwise now.
     *
     * @throws UnknownAccountException if it reads the account now and it does not exist
     */
    static JdbcAccountTransaction begin(Handle handle, SqlStatements sql, String accountId, boolean readOnly) {
        JdbcAccountTransaction tx = new JdbcAccountTransaction(handle, sql, accountId, readOnly);
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
        Pipeline pipeline = pendingWrite;
        if (pipeline == null) {
            return;
        }
        pendingWrite = null;
        pipeline.update(pipelined.pipelinedCommit());
        try {
            pipeline.execute(handle.getConnection());
        } catch (SQLException e) {
            RuntimeException failedCheck = failedCheck(e);
            throw failedCheck != null ? failedCheck : new Failures.SqlFailure(e);
        }
    }

    /** @return what a failed checked statement of the change set means, or null if {@code e} is not one */
    private RuntimeException failedCheck(SQLException e) {
        Matcher check = "22P02".equals(e.getSQLState()) && e.getMessage() != null ? CHECK.matcher(e.getMessage()) : null;
        if (check == null || !check.find()) {
            return null;
        }
        String what = check.group(1);
        String found = check.group(2);
        String expected = check.group(3);
        switch (what) {
            case PipelinedStatements.CHECK_ACCOUNT -> {
                LOG.warn("credits store: account '{}' changed under its row lock (sequence {} is gone); retrying the"
                        + " unit of work", accountId, account.sequence());
                return new Failures.Transient(new IllegalStateException("account '" + accountId
                        + "' changed under its row lock: sequence " + account.sequence() + " is gone", e));
            }
            case PipelinedStatements.CHECK_IDEMPOTENCY -> {
                IdempotencyConflictException conflict = new IdempotencyConflictException(
                        pendingIdempotency.accountId(), pendingIdempotency.idempotencyKey());
                conflict.initCause(e);
                return conflict;
            }
            default -> {
                return new IllegalStateException((what.equals(PipelinedStatements.CHECK_LOTS) ? "lots" : "open holds")
                        + " to update: expected " + expected + ", found " + found, e);
            }
        }
    }

    /** Reads (and for a writing unit locks) the account row, once, before anything else is read. */
    private void lock() {
        if (account != null) {
            return;
        }
        if (pipelined != null) {
            Pipeline pipeline = new Pipeline();
            if (firstStatement != null) {
                pipeline.update(firstStatement);
            }
            int step = pipeline.query(pipelined.pipelinedAccount(readOnly), Rows.ACCOUNT);
            pipeline.string(accountId);
            List<Account> found = rows(execute(pipeline).get(step));
            account = found.stream().findFirst().orElseThrow(() -> new UnknownAccountException(accountId));
            return;
        }
        String select = !readOnly ? sql.lockAccount() : snapshotRead != null ? sql.selectAccount() : sql.lockAccountShared();
        account = handle.createQuery(select)
                .bind("accountId", accountId)
                .map(Rows.ACCOUNT)
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
        if (firstStatement != null) {
            pipeline.update(firstStatement);
        }
        int first = pipeline.query(pipelined.pipelinedAccount(readOnly), Rows.ACCOUNT);
        pipeline.string(accountId);
        pipeline.query(pipelined.pipelinedBalances(), Rows.BALANCE);
        pipeline.string(accountId);
        pipeline.query(pipelined.pipelinedLiveLots(), Rows.LOT);
        pipeline.string(accountId);
        pipeline.query(pipelined.pipelinedDueHolds(), Rows.HOLD);
        pipeline.string(accountId).bigint(Rows.micros(now));
        int feature = -1;
        if (featureKey != null) {
            feature = pipeline.query(pipelined.pipelinedFeature(), Rows.FEATURE);
            pipeline.string(featureKey);
        }
        int idempotency = -1;
        if (idempotencyKey != null) {
            idempotency = pipeline.query(pipelined.pipelinedIdempotency(), Rows.IDEMPOTENCY);
            pipeline.string(accountId).string(idempotencyKey);
        }
        List<Object> results = execute(pipeline);
        List<Account> locked = rows(results.get(first));
        if (locked.isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        account = locked.get(0);
        balances = List.copyOf(rows(results.get(first + 1)));
        allLiveLots = List.copyOf(rows(results.get(first + 2)));
        return new AccountSnapshot(account, balances, allLiveLots, rows(results.get(first + 3)),
                feature < 0 ? null : this.<FeaturePricing>first(results.get(feature)),
                idempotency < 0 ? null : this.<IdempotencyRecord>first(results.get(idempotency)));
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
                    .map(Rows.BALANCE)
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
                        .map(Rows.LOT)
                        .list()));
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    List<Lot> liveLots() {
        lock();
        if (allLiveLots == null) {
            allLiveLots = List.copyOf(handle.createQuery(sql.selectLiveLots())
                    .bind("accountId", accountId())
                    .map(Rows.LOT)
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
                .map(Rows.LOT)
                .findOne();
    }

    @Override
    public Optional<LedgerEntry> findEntry(String transactionId) {
        lock();
        return handle.createQuery(sql.selectEntry())
                .bind("transactionId", Objects.requireNonNull(transactionId, "transactionId"))
                .bind("accountId", accountId())
                .map(Rows.ENTRY)
                .findOne();
    }

    @Override
    public List<LedgerEntry> findEntriesReferencing(String transactionId) {
        lock();
        return handle.createQuery(sql.selectEntriesReferencing())
                .bind("transactionId", Objects.requireNonNull(transactionId, "transactionId"))
                .bind("accountId", accountId())
                .map(Rows.ENTRY)
                .list();
    }

    @Override
    public List<Allocation> findAllocations(String ownerId) {
        lock();
        return handle.createQuery(sql.selectAllocations())
                .bind("ownerId", Objects.requireNonNull(ownerId, "ownerId"))
                .map(Rows.ALLOCATION)
                .list();
    }

    @Override
    public Optional<Hold> findHold(String holdId) {
        lock();
        return handle.createQuery(sql.selectHold())
                .bind("holdId", Objects.requireNonNull(holdId, "holdId"))
                .bind("accountId", accountId())
                .map(Rows.HOLD)
                .findOne();
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    List<Hold> findOpenHoldsDue(Instant now) {
        lock();
        return handle.createQuery(sql.selectOpenHoldsDue())
                .bind("accountId", accountId())
                .bind("now", Rows.micros(Objects.requireNonNull(now, "now")))
                .map(Rows.HOLD)
                .list();
    }

    @Override
    public List<Hold> findOpenHolds() {
        lock();
        return handle.createQuery(sql.selectOpenHolds())
                .bind("accountId", accountId())
                .map(Rows.HOLD)
                .list();
    }

    /** Also a read of its own, for the snapshot of a dialect that does not pipeline. */
    Optional<IdempotencyRecord> findIdempotency(String idempotencyKey) {
        lock();
        return handle.createQuery(sql.selectIdempotency())
                .bind("accountId", accountId())
                .bind("idempotencyKey", Objects.requireNonNull(idempotencyKey, "idempotencyKey"))
                .map(Rows.IDEMPOTENCY)
                .findOne();
    }

    @Override
    public Optional<Purchase> findPurchase(String purchaseId) {
        lock();
        return handle.createQuery(sql.selectPurchase())
                .bind("purchaseId", Objects.requireNonNull(purchaseId, "purchaseId"))
                .bind("accountId", accountId())
                .map(Rows.PURCHASE)
                .findOne();
    }

    @Override
    public List<Purchase> listPurchases() {
        lock();
        return handle.createQuery(sql.selectPurchases())
                .bind("accountId", accountId())
                .map(Rows.PURCHASE)
                .list();
    }

    @Override
    public List<Lot> findLotsExpiringAt(Instant at) {
        lock();
        return handle.createQuery(sql.selectLotsExpiringAt())
                .bind("accountId", accountId())
                .bind("at", Rows.micros(Objects.requireNonNull(at, "at")))
                .map(Rows.LOT)
                .list();
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
            if (pipelined != null) {
                writePipelined(changes);
            } else {
                writeBatches(changes);
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
            int updated = bindPurchase(handle.createUpdate(sql.updatePurchase()), purchase).execute();
            if (updated > 0) {
                continue;
            }
            try {
                bindPurchase(handle.createUpdate(sql.insertPurchase()), purchase).execute();
            } catch (JdbiException e) {
                SQLException cause = Failures.sqlCause(e);
                if (cause != null && SqlStatements.isConstraintViolation(cause)) {
                    IdempotencyConflictException conflict =
                            new IdempotencyConflictException(purchase.accountId(), purchase.purchaseId());
                    conflict.initCause(e);
                    throw conflict;
                }
                throw e;
            }
        }
    }

    private static org.jdbi.v3.core.statement.Update bindPurchase(org.jdbi.v3.core.statement.Update update,
                                                                  Purchase purchase) {
        return update
                .bind("purchaseId", purchase.purchaseId())
                .bind("accountId", purchase.accountId())
                .bind("packageId", purchase.packageId())
                .bind("creditType", purchase.creditType())
                .bind("credits", purchase.credits())
                .bind("bonusCredits", purchase.bonusCredits())
                .bind("listPriceAmount", Rows.moneyAmount(purchase.listPrice()))
                .bind("listPriceScale", Rows.moneyScale(purchase.listPrice()))
                .bind("listPriceCurrency", Rows.moneyCurrency(purchase.listPrice()))
                .bind("priceAmount", Rows.moneyAmount(purchase.price()))
                .bind("priceScale", Rows.moneyScale(purchase.price()))
                .bind("priceCurrency", Rows.moneyCurrency(purchase.price()))
                .bind("promotionCode", purchase.promotionCode())
                .bind("paymentReference", purchase.paymentReference())
                .bind("validity", Rows.period(purchase.validity()))
                .bind("status", purchase.status().name())
                .bind("lotId", purchase.lotId())
                .bind("transactionId", purchase.transactionId())
                .bind("metadata", Rows.json(purchase.metadata()))
                .bind("idempotencyKey", purchase.idempotencyKey())
                .bind("createdAt", Rows.micros(purchase.createdAt()))
                .bind("resolvedAt", Rows.microsOrNull(purchase.resolvedAt()))
                .bind("failureReason", purchase.failureReason())
                .bind("refundedCredits", purchase.refundedCredits())
                .bind("disputedCredits", purchase.disputedCredits())
                .bind("disputeStatus", purchase.disputeStatus().name())
                .bind("frozenCredits", purchase.frozenCredits())
                .bind("clawedBack", purchase.clawedBack());
    }

    /** Writes the change set with one JDBC batch per kind of row (dialects that do not pipeline). */
    private void writeBatches(ChangeSet changes) {
        Account next = changes.account();

        if (next != null && !next.equals(account)) {
            int updated = handle.createUpdate(sql.updateAccount())
                    .bind("accountId", next.accountId())
                    .bind("status", next.status().name())
                    .bind("overdraftLimit", next.overdraftLimit())
                    .bind("lowBalanceThreshold", next.lowBalanceThreshold())
                    .bind("maxOpenHolds", next.maxOpenHolds())
                    .bind("planId", next.planId())
                    .bind("nextPlanId", next.nextPlanId())
                    .bind("subscriptionId", next.subscriptionId())
                    .bind("periodStart", Rows.microsOrNull(next.periodStart()))
                    .bind("periodEnd", Rows.microsOrNull(next.periodEnd()))
                    .bind("sequence", next.sequence())
                    .bind("updatedAt", Rows.micros(next.updatedAt()))
                    .bind("lockedSequence", account.sequence())
                    .execute();
            expectAccountUpdated(updated);
        }
        batch(sql.upsertBalance(), changes.balances(), (b, balance) -> b
                .bind("accountId", ownAccount(balance.accountId()))
                .bind("creditType", balance.creditType())
                .bind("balance", balance.balance())
                .bind("held", balance.held()), null);
        batch(sql.insertLot(), changes.insertedLots(), (b, lot) -> b
                .bind("lotId", lot.lotId())
                .bind("accountId", ownAccount(lot.accountId()))
                .bind("creditType", lot.creditType())
                .bind("source", lot.source().name())
                .bind("priority", lot.priority())
                .bind("amount", lot.amount())
                .bind("remaining", lot.remaining())
                .bind("held", lot.held())
                .bind("live", isLive(lot))
                .bind("expiresAt", Rows.microsOrNull(lot.expiresAt()))
                .bind("moneyAmount", Rows.moneyAmount(lot.moneyPaid()))
                .bind("moneyScale", Rows.moneyScale(lot.moneyPaid()))
                .bind("moneyCurrency", Rows.moneyCurrency(lot.moneyPaid()))
                .bind("metadata", Rows.json(lot.metadata()))
                .bind("grantedAt", Rows.micros(lot.grantedAt()))
                .bind("transactionId", lot.transactionId()), null);
        batch(sql.updateLot(), changes.updatedLots(), (b, lot) -> b
                .bind("lotId", lot.lotId())
                .bind("accountId", ownAccount(lot.accountId()))
                .bind("remaining", lot.remaining())
                .bind("held", lot.held())
                .bind("live", isLive(lot)), "lot");
        batch(sql.insertHold(), changes.insertedHolds(), (b, hold) -> bindHold(b, hold), null);
        batch(sql.updateHold(), changes.updatedHolds(), (b, hold) -> b
                .bind("holdId", hold.holdId())
                .bind("accountId", ownAccount(hold.accountId()))
                .bind("status", hold.status().name())
                .bind("resolvedAt", Rows.microsOrNull(hold.resolvedAt()))
                .bind("committedCredits", hold.committedCredits())
                .bind("transactionId", hold.transactionId()), "open hold");
        batch(sql.insertEntry(), changes.entries(), (b, entry) -> b
                .bind("transactionId", entry.transactionId())
                .bind("accountId", ownAccount(entry.accountId()))
                .bind("sequence", entry.sequence())
                .bind("type", entry.type().name())
                .bind("creditType", entry.creditType())
                .bind("amount", entry.amount())
                .bind("balanceAfter", entry.balanceAfter())
                .bind("featureKey", entry.featureKey())
                .bind("quantity", entry.quantity())
                .bind("unitPrice", entry.unitPrice())
                .bind("pricePlanId", entry.pricePlanId())
                .bind("retryNumber", entry.retryNumber())
                .bind("userId", entry.userId())
                .bind("holdId", entry.holdId())
                .bind("referenceId", entry.referenceId())
                .bind("reason", entry.reason())
                .bind("idempotencyKey", entry.idempotencyKey())
                .bind("metadata", Rows.json(entry.metadata()))
                .bind("createdAt", Rows.micros(entry.createdAt())), null);
        batch(sql.insertAllocation(), changes.allocations(), (b, line) -> b
                .bind("ownerId", line.ownerId())
                .bind("position", line.position())
                .bind("lotId", line.lotId())
                .bind("amount", line.amount()), null);
        IdempotencyRecord record = changes.idempotency();
        if (record != null) {
            insertIdempotency(record);
        }
    }

    /**
     * Sends the whole change set as one pipeline, multi-row statements per kind of row. Where the dialect
     * {@linkplain PipelinedStatements#checksInDatabase() checks in the database} (PostgreSQL) it is only prepared
     * here and {@link #finish()} sends it with the COMMIT: every row count that matters (the account row, each
     * updated lot, each hold leaving OPEN, the idempotency key) is checked by the statement itself. Elsewhere it is
     * sent now and the update counts are checked here, before the commit.
     */
    private void writePipelined(ChangeSet changes) {
        Account next = changes.account();
        boolean inDatabase = pipelined.checksInDatabase();
        Pipeline pipeline = new Pipeline();
        List<int[]> expected = new ArrayList<>(); // client-side checks: {step, rows, 0 = account / 1 = lots / 2 = holds}
        if (next != null && !next.equals(account)) {
            checked(pipeline, pipelined.pipelinedUpdateAccount(), inDatabase, expected, 1, 0);
            pipeline.string(next.status().name()).bigint(next.overdraftLimit()).bigint(next.lowBalanceThreshold())
                    .bigint(next.maxOpenHolds()).string(next.planId()).string(next.nextPlanId())
                    .string(next.subscriptionId())
                    .bigint(Rows.microsOrNull(next.periodStart())).bigint(Rows.microsOrNull(next.periodEnd()))
                    .bigint(next.sequence()).bigint(Rows.micros(next.updatedAt())).string(accountId)
                    .bigint(account.sequence());
        }
        for (List<BalanceRecord> chunk : chunks(changes.balances())) {
            pipeline.update(pipelined.pipelinedUpsertBalances(chunk.size()));
            for (BalanceRecord balance : chunk) {
                pipeline.string(ownAccount(balance.accountId())).string(balance.creditType())
                        .bigint(balance.balance()).bigint(balance.held());
            }
        }
        for (List<Lot> chunk : chunks(changes.insertedLots())) {
            pipeline.update(pipelined.pipelinedInsertLots(chunk.size()));
            for (Lot lot : chunk) {
                pipeline.string(lot.lotId()).string(ownAccount(lot.accountId())).string(lot.creditType())
                        .string(lot.source().name()).integer(lot.priority()).bigint(lot.amount())
                        .bigint(lot.remaining()).bigint(lot.held()).bigint(Rows.microsOrNull(lot.expiresAt()))
                        .decimal(Rows.moneyAmount(lot.moneyPaid())).integer(Rows.moneyScale(lot.moneyPaid()))
                        .string(Rows.moneyCurrency(lot.moneyPaid())).string(Rows.json(lot.metadata()))
                        .bigint(Rows.micros(lot.grantedAt())).string(lot.transactionId()).bool(isLive(lot));
            }
        }
        for (List<Lot> chunk : chunks(changes.updatedLots())) {
            checked(pipeline, pipelined.pipelinedUpdateLots(chunk.size()), inDatabase, expected, chunk.size(), 1);
            for (Lot lot : chunk) {
                ownAccount(lot.accountId());
                pipeline.string(lot.lotId()).bigint(lot.remaining()).bigint(lot.held()).bool(isLive(lot));
            }
            pipeline.string(accountId);
        }
        for (List<Hold> chunk : chunks(changes.insertedHolds())) {
            pipeline.update(pipelined.pipelinedInsertHolds(chunk.size()));
            for (Hold hold : chunk) {
                pipeline.string(hold.holdId()).string(ownAccount(hold.accountId())).string(hold.creditType())
                        .string(hold.featureKey()).bigint(hold.quantity()).bigint(hold.unitPrice())
                        .string(hold.pricePlanId()).bigint(hold.amount()).string(hold.status().name()).string(hold.userId())
                        .string(hold.idempotencyKey()).string(Rows.json(hold.metadata()))
                        .bigint(Rows.micros(hold.createdAt())).bigint(Rows.micros(hold.expiresAt()))
                        .bigint(Rows.microsOrNull(hold.resolvedAt())).bigint(hold.committedCredits())
                        .string(hold.transactionId()).string(hold.kind().name()).string(hold.purchaseId())
                        .string(hold.retryOf()).integer(hold.retryNumber());
            }
        }
        for (List<Hold> chunk : chunks(changes.updatedHolds())) {
            checked(pipeline, pipelined.pipelinedUpdateHolds(chunk.size()), inDatabase, expected, chunk.size(), 2);
            for (Hold hold : chunk) {
                ownAccount(hold.accountId());
                pipeline.string(hold.holdId()).string(hold.status().name())
                        .bigint(Rows.microsOrNull(hold.resolvedAt())).bigint(hold.committedCredits())
                        .string(hold.transactionId());
            }
            pipeline.string(accountId);
        }
        for (List<LedgerEntry> chunk : chunks(changes.entries())) {
            pipeline.update(pipelined.pipelinedInsertEntries(chunk.size()));
            for (LedgerEntry entry : chunk) {
                pipeline.string(entry.transactionId()).string(ownAccount(entry.accountId())).bigint(entry.sequence())
                        .string(entry.type().name()).string(entry.creditType()).bigint(entry.amount())
                        .bigint(entry.balanceAfter()).string(entry.featureKey()).bigint(entry.quantity())
                        .bigint(entry.unitPrice()).string(entry.pricePlanId()).integer(entry.retryNumber())
                        .string(entry.userId()).string(entry.holdId())
                        .string(entry.referenceId()).string(entry.reason()).string(entry.idempotencyKey())
                        .string(Rows.json(entry.metadata())).bigint(Rows.micros(entry.createdAt()));
            }
        }
        for (List<Allocation> chunk : chunks(changes.allocations())) {
            pipeline.update(pipelined.pipelinedInsertAllocations(chunk.size()));
            for (Allocation line : chunk) {
                pipeline.string(line.ownerId()).integer(line.position()).string(line.lotId()).bigint(line.amount());
            }
        }
        IdempotencyRecord record = changes.idempotency();
        if (record != null) {
            if (inDatabase) {
                pipeline.query(pipelined.pipelinedInsertIdempotency(), CHECKED);
            } else {
                pipeline.update(pipelined.pipelinedInsertIdempotency());
            }
            pipeline.string(ownAccount(record.accountId())).string(record.idempotencyKey())
                    .string(record.fingerprint()).string(record.result()).bigint(Rows.micros(record.createdAt()));
        }
        if (pipeline.isEmpty()) {
            return;
        }
        if (inDatabase) {
            pendingWrite = pipeline;
            pendingIdempotency = record;
            return;
        }
        List<Object> counts;
        try {
            counts = pipeline.execute(handle.getConnection());
        } catch (SQLException e) {
            // The only unique key a correct change set can hit is the idempotency key's (SPI: write may say so).
            if (record != null && SqlStatements.isConstraintViolation(e)) {
                IdempotencyConflictException conflict =
                        new IdempotencyConflictException(record.accountId(), record.idempotencyKey());
                conflict.initCause(e);
                throw conflict;
            }
            throw new Failures.SqlFailure(e);
        }
        for (int[] check : expected) {
            int updated = (Integer) counts.get(check[0]);
            if (check[2] == 0) {
                expectAccountUpdated(updated);
            } else if (updated != check[1]) {
                throw new IllegalStateException((check[2] == 1 ? "lots" : "open holds") + " to update: expected "
                        + check[1] + ", found " + updated);
            }
        }
    }

    /** Adds a statement whose row count matters: checked in the database, or its update count checked here. */
    private static void checked(Pipeline pipeline, String sql, boolean inDatabase, List<int[]> expected, int rows,
                                int kind) {
        if (inDatabase) {
            pipeline.query(sql, CHECKED);
        } else {
            expected.add(new int[]{pipeline.update(sql), rows, kind});
        }
    }

    private static <R> List<List<R>> chunks(List<R> rows) {
        List<List<R>> chunks = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
            chunks.add(rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT)));
        }
        return chunks;
    }

    private void insertIdempotency(IdempotencyRecord record) {
        try {
            handle.createUpdate(sql.insertIdempotency())
                    .bind("accountId", ownAccount(record.accountId()))
                    .bind("idempotencyKey", record.idempotencyKey())
                    .bind("fingerprint", record.fingerprint())
                    .bind("result", record.result())
                    .bind("createdAt", Rows.micros(record.createdAt()))
                    .execute();
        } catch (JdbiException e) {
            SQLException cause = Failures.sqlCause(e);
            if (cause != null && SqlStatements.isConstraintViolation(cause)) {
                IdempotencyConflictException conflict =
                        new IdempotencyConflictException(record.accountId(), record.idempotencyKey());
                conflict.initCause(e);
                throw conflict;
            }
            throw e;
        }
    }

    private String ownAccount(String accountId) {
        if (!this.accountId.equals(accountId)) {
            throw new IllegalArgumentException("row of account '" + accountId + "' written in a unit of work of account '"
                    + this.accountId + "'");
        }
        return accountId;
    }

    private static boolean isLive(Lot lot) {
        return lot.remaining() != 0 || lot.held() != 0;
    }

    /**
     * Runs one statement for every row as one JDBC batch (one round trip on PostgreSQL and MariaDB). When
     * {@code expectOneEach} names a row kind, each row must update exactly one row.
     */
    private <R> void batch(String statement, List<R> rows, BiConsumer<PreparedBatch, R> binder, String expectOneEach) {
        if (rows.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(statement);
        for (R row : rows) {
            binder.accept(batch, row);
            batch.add();
        }
        int[] counts = batch.execute();
        if (expectOneEach != null) {
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != Statement.SUCCESS_NO_INFO) {
                    expectOne(counts[i], expectOneEach, String.valueOf(rows.get(i)));
                }
            }
        }
    }

    /**
     * Checks the conditional account update: 0 rows means the account's sequence moved although this unit of work
     * held its lock. That never happens with a database that honours the lock; if it does, the unit of work is
     * rolled back and run again rather than overwriting the other change.
     */
    private void expectAccountUpdated(int count) {
        if (count != 1) {
            LOG.warn("credits store: account '{}' changed under its row lock (sequence {} is gone); retrying the unit"
                    + " of work", accountId, account.sequence());
            throw new Failures.Transient(new IllegalStateException("account '" + accountId
                    + "' changed under its row lock: sequence " + account.sequence() + " is gone"));
        }
    }

    private static void expectOne(int count, String kind, String what) {
        if (count != 1) {
            throw new IllegalStateException("no " + kind + " to update (" + count + " rows): " + what);
        }
    }

    private void bindHold(PreparedBatch b, Hold hold) {
        b.bind("holdId", hold.holdId())
                .bind("accountId", ownAccount(hold.accountId()))
                .bind("creditType", hold.creditType())
                .bind("featureKey", hold.featureKey())
                .bind("quantity", hold.quantity())
                .bind("unitPrice", hold.unitPrice())
                .bind("pricePlanId", hold.pricePlanId())
                .bind("amount", hold.amount())
                .bind("status", hold.status().name())
                .bind("userId", hold.userId())
                .bind("idempotencyKey", hold.idempotencyKey())
                .bind("metadata", Rows.json(hold.metadata()))
                .bind("createdAt", Rows.micros(hold.createdAt()))
                .bind("expiresAt", Rows.micros(hold.expiresAt()))
                .bind("resolvedAt", Rows.microsOrNull(hold.resolvedAt()))
                .bind("committedCredits", hold.committedCredits())
                .bind("transactionId", hold.transactionId())
                .bind("kind", hold.kind().name())
                .bind("purchaseId", hold.purchaseId())
                .bind("retryOf", hold.retryOf())
                .bind("retryNumber", hold.retryNumber());
    }
}
