package dev.credits.jdbc;

import dev.credits.Account;
import dev.credits.Allocation;
import dev.credits.FeaturePricing;
import dev.credits.Hold;
import dev.credits.IdempotencyConflictException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.spi.AccountTransaction;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.IdempotencyRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One unit of work's view of its locked account, on one open transaction. Reads go to the database (balances
 * and live lots are read once and then served from memory: nothing else can change them while the account row
 * is locked); {@link #write} sends the change set as one batch per statement kind. Not thread-safe.
 */
final class JdbcAccountTransaction implements AccountTransaction {

    private final Handle handle;
    private final SqlStatements sql;
    private final Account account;
    private final boolean readOnly;

    private List<BalanceRecord> balances;
    private List<Lot> allLiveLots;
    private final Map<String, List<Lot>> liveLotsByType = new HashMap<>();
    private boolean written;

    JdbcAccountTransaction(Handle handle, SqlStatements sql, Account account, boolean readOnly) {
        this.handle = handle;
        this.sql = sql;
        this.account = account;
        this.readOnly = readOnly;
    }

    private String accountId() {
        return account.accountId();
    }

    @Override
    public Account account() {
        return account;
    }

    @Override
    public Optional<BalanceRecord> balance(String creditType) {
        Objects.requireNonNull(creditType, "creditType");
        return balances().stream().filter(b -> b.creditType().equals(creditType)).findFirst();
    }

    @Override
    public List<BalanceRecord> balances() {
        if (balances == null) {
            balances = List.copyOf(handle.createQuery(sql.selectBalances())
                    .bind("accountId", accountId())
                    .map(Rows.BALANCE)
                    .list());
        }
        return balances;
    }

    @Override
    public List<Lot> liveLots(String creditType) {
        Objects.requireNonNull(creditType, "creditType");
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

    @Override
    public List<Lot> liveLots() {
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
        return handle.createQuery(sql.selectLot())
                .bind("lotId", Objects.requireNonNull(lotId, "lotId"))
                .bind("accountId", accountId())
                .map(Rows.LOT)
                .findOne();
    }

    @Override
    public Optional<LedgerEntry> findEntry(String transactionId) {
        return handle.createQuery(sql.selectEntry())
                .bind("transactionId", Objects.requireNonNull(transactionId, "transactionId"))
                .bind("accountId", accountId())
                .map(Rows.ENTRY)
                .findOne();
    }

    @Override
    public List<LedgerEntry> findEntriesReferencing(String transactionId) {
        return handle.createQuery(sql.selectEntriesReferencing())
                .bind("transactionId", Objects.requireNonNull(transactionId, "transactionId"))
                .bind("accountId", accountId())
                .map(Rows.ENTRY)
                .list();
    }

    @Override
    public List<Allocation> findAllocations(String ownerId) {
        return handle.createQuery(sql.selectAllocations())
                .bind("ownerId", Objects.requireNonNull(ownerId, "ownerId"))
                .map(Rows.ALLOCATION)
                .list();
    }

    @Override
    public Optional<Hold> findHold(String holdId) {
        return handle.createQuery(sql.selectHold())
                .bind("holdId", Objects.requireNonNull(holdId, "holdId"))
                .bind("accountId", accountId())
                .map(Rows.HOLD)
                .findOne();
    }

    @Override
    public List<Hold> findOpenHoldsDue(Instant now) {
        return handle.createQuery(sql.selectOpenHoldsDue())
                .bind("accountId", accountId())
                .bind("now", Rows.micros(Objects.requireNonNull(now, "now")))
                .map(Rows.HOLD)
                .list();
    }

    @Override
    public List<Hold> findOpenHolds() {
        return handle.createQuery(sql.selectOpenHolds())
                .bind("accountId", accountId())
                .map(Rows.HOLD)
                .list();
    }

    @Override
    public Optional<IdempotencyRecord> findIdempotency(String idempotencyKey) {
        return handle.createQuery(sql.selectIdempotency())
                .bind("accountId", accountId())
                .bind("idempotencyKey", Objects.requireNonNull(idempotencyKey, "idempotencyKey"))
                .map(Rows.IDEMPOTENCY)
                .findOne();
    }

    @Override
    public Optional<FeaturePricing> findFeature(String featureKey) {
        return handle.createQuery(sql.selectFeature())
                .bind("featureKey", Objects.requireNonNull(featureKey, "featureKey"))
                .map(Rows.FEATURE)
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
        Account next = changes.account();
        if (next != null && !next.accountId().equals(accountId())) {
            throw new IllegalArgumentException("change set of account '" + next.accountId()
                    + "' written in a unit of work of account '" + accountId() + "'");
        }

        if (next != null && !next.equals(account)) {
            int updated = handle.createUpdate(sql.updateAccount())
                    .bind("accountId", next.accountId())
                    .bind("status", next.status().name())
                    .bind("overdraftLimit", next.overdraftLimit())
                    .bind("lowBalanceThreshold", next.lowBalanceThreshold())
                    .bind("sequence", next.sequence())
                    .bind("updatedAt", Rows.micros(next.updatedAt()))
                    .execute();
            expectOne(updated, "account", next.accountId());
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
        if (!accountId().equals(accountId)) {
            throw new IllegalArgumentException("row of account '" + accountId + "' written in a unit of work of account '"
                    + accountId() + "'");
        }
        return accountId;
    }

    private static boolean isLive(Lot lot) {
        return lot.remaining() != 0 || lot.held() != 0;
    }

    /**
     * Runs one statement for every row as one JDBC batch (one round trip on PostgreSQL and MariaDB). When {@code expectOneEach} names a row kind, each row must update exactly one row.
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
                .bind("amount", hold.amount())
                .bind("status", hold.status().name())
                .bind("userId", hold.userId())
                .bind("idempotencyKey", hold.idempotencyKey())
                .bind("metadata", Rows.json(hold.metadata()))
                .bind("createdAt", Rows.micros(hold.createdAt()))
                .bind("expiresAt", Rows.micros(hold.expiresAt()))
                .bind("resolvedAt", Rows.microsOrNull(hold.resolvedAt()))
                .bind("committedCredits", hold.committedCredits())
                .bind("transactionId", hold.transactionId());
    }
}
