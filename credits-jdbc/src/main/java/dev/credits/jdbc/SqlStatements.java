package dev.credits.jdbc;

import dev.credits.EntryType;
import dev.credits.HistoryFilter;
import dev.credits.spi.CatalogTable;

import java.sql.SQLException;
import java.time.Duration;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every SQL statement of the store, in portable SQL, with the table prefix applied. Dialects override only what
 * differs (ShedLock's SqlStatementsSource pattern): {@link H2Statements}, {@link PostgresStatements},
 * {@link MariaDbStatements}. Immutable; thread-safe.
 */
abstract class SqlStatements {

    static final String ACCOUNT_COLUMNS = Tables.ACCOUNTS.columnList();
    static final String LOT_COLUMNS = Tables.LOTS.columnList();
    static final String ENTRY_COLUMNS = Tables.ENTRIES.columnList();
    static final String HOLD_COLUMNS = Tables.HOLDS.columnList();
    static final String FEATURE_COLUMNS = Tables.FEATURES.columnList();
    static final String PACKAGE_COLUMNS = Tables.PACKAGES.columnList();
    static final String PLAN_COLUMNS = Tables.PLANS.columnList();
    static final String PROMOTION_COLUMNS = Tables.PROMOTIONS.columnList();
    static final String PURCHASE_COLUMNS = Tables.PURCHASES.columnList();

    /** How long a schema install waits for another connection's install to finish (where the lock needs a bound). */
    static final Duration SCHEMA_LOCK_WAIT = Duration.ofMinutes(10);

    final Dialect dialect;
    final String prefix;
    /** How long a unit of work waits for a locked account row before {@link #isLockTimeout} fails it. */
    final Duration lockTimeout;

    final String accounts;
    final String balances;
    final String lots;
    final String entries;
    final String allocations;
    final String holds;
    final String idempotency;
    final String features;
    final String packages;
    final String plans;
    final String promotions;
    final String purchases;
    final String accountLinks;
    /** The library's record of the schema versions applied (not part of the shipped files). */
    final String schemaVersions;
    /** The events feature's statements. */
    final EventStatements events;

    SqlStatements(Dialect dialect, String prefix, Duration lockTimeout) {
        this.dialect = dialect;
        this.prefix = prefix;
        this.lockTimeout = lockTimeout;
        this.accounts = prefix + "accounts";
        this.balances = prefix + "balances";
        this.lots = prefix + "lots";
        this.entries = prefix + "entries";
        this.allocations = prefix + "allocations";
        this.holds = prefix + "holds";
        this.idempotency = prefix + "idempotency";
        this.features = prefix + "features";
        this.packages = prefix + "packages";
        this.plans = prefix + "plans";
        this.promotions = prefix + "promotions";
        this.purchases = prefix + "purchases";
        this.accountLinks = prefix + "account_links";
        this.schemaVersions = prefix + "schema_version";
        this.events = new EventStatements(prefix);
    }

    // ---------------------------------------------------------------- accounts

    String selectAccount() {
        return "SELECT " + ACCOUNT_COLUMNS + " FROM " + accounts + " WHERE account_id = :accountId";
    }

    /** Locks the account row against every other unit of work, waiting at most the lock timeout where it can say so. */
    String lockAccount() {
        return selectAccount() + " FOR UPDATE" + lockWait();
    }

    /**
     * The clause bounding the account lock's wait ({@code WAIT n}), or "" where the bound is set otherwise
     * ({@link #lockTimeoutStatement()}) or not at all.
     */
    String lockWait() {
        return "";
    }

    /**
     * The pipelined lock of an account row that first sets the transaction's lock timeout as
     * {@link #lockTimeoutStatement()} does (for every later wait too), so a unit on one account sends no statement
     * for it; null where the dialect cannot. Parameter: account id.
     */
    String pipelinedLockWithTimeout() {
        return null;
    }

    /** A statement bounding every lock wait of the transaction just begun, run before its first lock; or null. */
    String lockTimeoutStatement() {
        return null;
    }

    /** Locks the account row against writers only; defaults to {@link #lockAccount()}. */
    String lockAccountShared() {
        return lockAccount();
    }

    /**
     * Inserts an account. May ignore a duplicate (then it updates 0 rows); if it does not, the store treats a
     * duplicate-key failure (SQLState class 23) the same way.
     */
    String insertAccount() {
        return insert(Tables.ACCOUNTS, 1);
    }

    /**
     * Writes the account row ({@link Tables#ACCOUNT_UPDATE}), on the condition that its sequence is still the one read
     * under the lock: every change advances the sequence, so 0 rows updated means the account changed under the lock
     * (it never should).
     */
    String updateAccount() {
        return Tables.ACCOUNT_UPDATE.oneRow(prefix);
    }

    // ---------------------------------------------------------------- balances

    String selectBalances() {
        return "SELECT account_id, credit_type, balance, held FROM " + balances
                + " WHERE account_id = :accountId ORDER BY credit_type";
    }

    /** Inserts or replaces {@code rows} balance rows ({@link Tables#BALANCES}). */
    abstract String upsertBalances(int rows);

    // ---------------------------------------------------------------- usage rows (reports)

    /**
     * Adds {@code rows} usage rows ({@link Tables#USAGE_BUCKETS}) to the stored rows of the same account, bucket and
     * group key (their sums), inserting the ones that are new. The rows of one statement have distinct keys.
     */
    abstract String upsertUsage(int rows);

    /** @return the SET list adding each sum column: {@code assignment} of a column name */
    static String usageSums(java.util.function.UnaryOperator<String> assignment) {
        return String.join(", ", Tables.USAGE_SUMS.stream().map(assignment).toList());
    }

    // ---------------------------------------------------------------- lots

    String selectLiveLots() {
        return "SELECT " + LOT_COLUMNS + " FROM " + lots + " WHERE account_id = :accountId AND live = TRUE";
    }

    String selectLiveLotsOfType() {
        return selectLiveLots() + " AND credit_type = :creditType";
    }

    String selectLot() {
        return "SELECT " + LOT_COLUMNS + " FROM " + lots + " WHERE lot_id = :lotId AND account_id = :accountId";
    }

    /** The account's lots, live or not, expiring exactly at {@code :at}; served by the (account, expiry) index. */
    String selectLotsExpiringAt() {
        return "SELECT " + LOT_COLUMNS + " FROM " + lots + " WHERE account_id = :accountId AND expires_at_micros = :at";
    }


    // ---------------------------------------------------------------- entries and receipts

    String selectEntry() {
        return "SELECT " + ENTRY_COLUMNS + " FROM " + entries
                + " WHERE transaction_id = :transactionId AND account_id = :accountId";
    }

    String selectEntriesReferencing() {
        return "SELECT " + ENTRY_COLUMNS + " FROM " + entries
                + " WHERE reference_id = :transactionId AND account_id = :accountId ORDER BY sequence_no";
    }


    String selectAccountOfTransaction() {
        return "SELECT account_id FROM " + entries + " WHERE transaction_id = :transactionId";
    }

    /** A receipt's lines: its rows of allocations and, since version 9, the one line an entry may carry itself. */
    String selectAllocations() {
        return "SELECT owner_id, line_no, lot_id, amount FROM " + allocations + " WHERE owner_id = :ownerId"
                + " UNION ALL SELECT transaction_id, 0, lot_id, lot_amount FROM " + entries
                + " WHERE transaction_id = :ownerId AND lot_id IS NOT NULL ORDER BY line_no";
    }


    /**
     * The history query of {@link dev.credits.spi.CreditStore#findEntries}: keyset on the account's sequence,
     * newest first, served by the unique (account_id, sequence_no) index. Binds accountId, before, limit, and
     * from, to, type0..typeN, creditType, featureKey, userId when the filter has them.
     */
    String selectEntries(HistoryFilter filter) {
        StringBuilder sql = new StringBuilder(256)
                .append("SELECT ").append(ENTRY_COLUMNS).append(" FROM ").append(entries)
                .append(" WHERE account_id = :accountId AND sequence_no < :before");
        if (filter.from() != null) {
            sql.append(" AND created_at_micros >= :from");
        }
        if (filter.to() != null) {
            sql.append(" AND created_at_micros < :to");
        }
        if (!filter.types().isEmpty()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < filter.types().size(); i++) {
                names.add(":type" + i);
            }
            sql.append(" AND entry_type IN (").append(String.join(", ", names)).append(')');
        }
        if (filter.creditType() != null) {
            sql.append(" AND credit_type = :creditType");
        }
        if (filter.featureKey() != null) {
            sql.append(" AND feature_key = :featureKey");
        }
        if (filter.userId() != null) {
            sql.append(" AND user_id = :userId");
        }
        return sql.append(" ORDER BY sequence_no DESC LIMIT :limit").toString();
    }

    /** @return the entry types of a filter in the order {@link #selectEntries} numbers them */
    static List<EntryType> filterTypes(HistoryFilter filter) {
        return filter.types().stream().sorted().toList();
    }

    // ---------------------------------------------------------------- holds

    String selectHold() {
        return "SELECT " + HOLD_COLUMNS + " FROM " + holds + " WHERE hold_id = :holdId AND account_id = :accountId";
    }

    String selectOpenHolds() {
        return "SELECT " + HOLD_COLUMNS + " FROM " + holds + " WHERE account_id = :accountId AND status = 'OPEN'"
                + " ORDER BY expires_at_micros, hold_id";
    }

    /** By the index holds_changed. */
    String selectHoldsChanged() {
        return "SELECT " + HOLD_COLUMNS + " FROM " + holds + " WHERE account_id = :accountId"
                + " AND changed_at_sequence > :after AND changed_at_sequence <= :upTo"
                + " ORDER BY changed_at_sequence, created_at_micros, hold_id";
    }

    String selectOpenHoldsDue() {
        return "SELECT " + HOLD_COLUMNS + " FROM " + holds + " WHERE account_id = :accountId AND status = 'OPEN'"
                + " AND expires_at_micros <= :now ORDER BY expires_at_micros, hold_id";
    }



    String selectAccountOfHold() {
        return "SELECT account_id FROM " + holds + " WHERE hold_id = :holdId";
    }

    /** Accounts with a lot past its expiry that still has unheld credits, or an open hold past its deadline. */
    String selectAccountsWithDueItems() {
        return "SELECT account_id FROM ("
                + "SELECT account_id FROM " + lots
                + " WHERE live = TRUE AND expires_at_micros <= :now AND remaining > held"
                + " UNION SELECT account_id FROM " + holds + " WHERE status = 'OPEN' AND expires_at_micros <= :now"
                + ") due ORDER BY account_id LIMIT :limit";
    }

    // ---------------------------------------------------------------- idempotency

    String selectIdempotency() {
        return "SELECT account_id, idempotency_key, fingerprint, result, created_at_micros FROM " + idempotency
                + " WHERE account_id = :accountId AND idempotency_key = :idempotencyKey";
    }

    /** The records of several keys (calls combined into one unit of work). */
    String selectIdempotencyRecords() {
        return "SELECT account_id, idempotency_key, fingerprint, result, created_at_micros FROM " + idempotency
                + " WHERE account_id = :accountId AND idempotency_key IN (<keys>)";
    }

    /** Inserts the idempotency record; fails on a duplicate key (PostgreSQL: a checked statement instead). */
    String insertIdempotency() {
        return insert(Tables.IDEMPOTENCY, 1);
    }

    // ---------------------------------------------------------------- features

    String selectFeature() {
        return "SELECT " + FEATURE_COLUMNS + " FROM " + features + " WHERE feature_key = :featureKey";
    }

    String selectFeatures() {
        return "SELECT " + FEATURE_COLUMNS + " FROM " + features + " ORDER BY feature_key";
    }

    /** Inserts a feature; like {@link #insertAccount()} it may ignore a duplicate or fail with class 23. */
    String insertFeature() {
        return insert(Tables.FEATURES, 1);
    }

    String updateFeature() {
        return Tables.FEATURE_UPDATE.oneRow(prefix);
    }

    String deleteFeature() {
        return "DELETE FROM " + features + " WHERE feature_key = :featureKey";
    }


    // ---------------------------------------------------------------- the catalog
    //
    // Saving is an UPDATE by key and, when it updated nothing, an INSERT, in one transaction: portable, and a
    // promotion's use count is never part of either (an INSERT starts it at 0). Two saves racing to insert one key:
    // the loser's duplicate-key failure retries its transaction, whose UPDATE then finds the row.

    String selectPackage() {
        return "SELECT " + PACKAGE_COLUMNS + " FROM " + packages + " WHERE package_id = :packageId";
    }

    String selectPackages() {
        return "SELECT " + PACKAGE_COLUMNS + " FROM " + packages + " ORDER BY package_id";
    }

    String updatePackage() {
        return Tables.PACKAGE_UPDATE.oneRow(prefix);
    }

    String insertPackage() {
        return insert(Tables.PACKAGES, 1);
    }

    String deletePackage() {
        return "DELETE FROM " + packages + " WHERE package_id = :packageId";
    }

    String selectPlan() {
        return "SELECT " + PLAN_COLUMNS + " FROM " + plans + " WHERE plan_id = :planId";
    }

    String selectPlans() {
        return "SELECT " + PLAN_COLUMNS + " FROM " + plans + " ORDER BY plan_id";
    }

    String updatePlan() {
        return Tables.PLAN_UPDATE.oneRow(prefix);
    }

    String insertPlan() {
        return insert(Tables.PLANS, 1);
    }

    String deletePlan() {
        return "DELETE FROM " + plans + " WHERE plan_id = :planId";
    }

    String selectPromotion() {
        return "SELECT " + PROMOTION_COLUMNS + " FROM " + promotions + " WHERE code = :code";
    }

    String selectPromotions() {
        return "SELECT " + PROMOTION_COLUMNS + " FROM " + promotions + " ORDER BY code";
    }

    /** Replaces everything but the use count. */
    String updatePromotion() {
        return Tables.PROMOTION_UPDATE.oneRow(prefix);
    }

    /** A new promotion, its use count 0 (bound as such: see {@link Tables#PROMOTIONS}). */
    String insertPromotion() {
        return insert(Tables.PROMOTIONS, 1);
    }

    String deletePromotion() {
        return "DELETE FROM " + promotions + " WHERE code = :code";
    }

    /** @return the catalog tables in these statements' dialect and prefix */
    @SuppressWarnings("unchecked")
    <T> CatalogRows<T> catalogRows(CatalogTable<T> table) {
        Map<CatalogTable<?>, CatalogRows<?>> rows = catalogRows;
        if (rows == null) {
            rows = CatalogRows.of(this);
            catalogRows = rows;
        }
        return (CatalogRows<T>) Objects.requireNonNull(rows.get(table), "table");
    }

    /** Built on first use (the statements of a subclass are not ready in the constructor); racing builds are equal. */
    private volatile Map<CatalogTable<?>, CatalogRows<?>> catalogRows;

    /**
     * A promotion use ({@link dev.credits.spi.PromotionUse}): changes the count by {@code :delta}, never below 0, and
     * only while a positive delta keeps it within {@code :limit} (0: no limit). The condition is part of the UPDATE, so
     * concurrent uses from different accounts queue on the row lock and each sees the count the previous one left.
     */
    String usePromotion() {
        return "UPDATE " + promotions + " SET uses = CASE WHEN uses + :delta < 0 THEN 0 ELSE uses + :delta END"
                + " WHERE code = :code AND (:delta <= 0 OR max_uses = 0 OR uses + :delta <= max_uses)";
    }

    /** Counts the promotion rows of a code (0 or 1): tells an exhausted promotion from one that does not exist. */
    String countPromotion() {
        return "SELECT COUNT(*) FROM " + promotions + " WHERE code = :code";
    }

    // ---------------------------------------------------------------- purchases

    String selectPurchase() {
        return "SELECT " + PURCHASE_COLUMNS + " FROM " + purchases
                + " WHERE purchase_id = :purchaseId AND account_id = :accountId";
    }

    /** Oldest first; purchases of one instant in insertion order. */
    String selectPurchases() {
        return "SELECT " + PURCHASE_COLUMNS + " FROM " + purchases
                + " WHERE account_id = :accountId ORDER BY created_at_micros, purchase_no";
    }

    String selectAccountOfPurchase() {
        return "SELECT account_id FROM " + purchases + " WHERE purchase_id = :purchaseId";
    }

    // ---------------------------------------------------------------- account links

    static final String ACCOUNT_LINK_COLUMNS = Tables.ACCOUNT_LINKS.columnList();
    /** Inserts a link; like {@link #insertAccount()} it may ignore a duplicate or fail with class 23. */
    String insertAccountLink() {
        return insert(Tables.ACCOUNT_LINKS, 1);
    }

    String selectAccountLink() {
        return "SELECT " + ACCOUNT_LINK_COLUMNS + " FROM " + accountLinks + " WHERE reference = :reference";
    }

    /**
     * Replaces one of the account's purchases (0 rows: the account has none with that id). Never touches another
     * account's row: a purchase id another account has is then inserted, and the primary key refuses it.
     */
    String updatePurchase() {
        return Tables.PURCHASE_UPDATE.oneRow(prefix);
    }

    String insertPurchase() {
        return insert(Tables.PURCHASES, 1);
    }

    // ---------------------------------------------------------------- rows, from their definitions

    private final Map<RowDefinition<?>, ByRows> inserts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<RowUpdate<?>, ByRows> updates = new java.util.concurrent.ConcurrentHashMap<>();

    /** @return the INSERT of {@code rows} rows of the table, every column of its definition in order */
    String insert(RowDefinition<?> table, int rows) {
        return inserts.computeIfAbsent(table, t -> new ByRows(n -> "INSERT INTO " + prefix + t.table() + " ("
                + t.columnList() + ") VALUES " + Pipeline.values(t.rowParameters(), n))).get(rows);
    }

    /**
     * @return the UPDATE of {@code rows} rows by key: each row binds its set columns, then its key; the trailing column's
     *         value follows the rows. One row here; dialects that pipeline update several at once.
     */
    String update(RowUpdate<?> update, int rows) {
        if (rows != 1) {
            throw new UnsupportedOperationException("one row per UPDATE on " + dialect);
        }
        return updates.computeIfAbsent(update, u -> new ByRows(n -> u.oneRow(prefix))).get(1);
    }

    /**
     * The array form of a change set's statement for a kind of row, or null where the dialect has none: one statement
     * text for any number of rows (of any accounts), each column bound as one array ({@link Pipeline.ArrayValue}), so
     * that the database prepares it once. An insert binds the table's columns; an update its set columns, its key and
     * its trailing column's value, per row. A checked one (see {@link PipelinedStatements}) binds the expected row count
     * twice after the arrays.
     *
     * @param kind a {@link RowDefinition} (its rows inserted, or upserted where the change set upserts them) or a
     *             {@link RowUpdate}
     */
    String arrayForm(Object kind) {
        return null;
    }

    /**
     * A statement a writing unit of work over several accounts (its own transaction) runs right after
     * {@link #lockTimeoutStatement()}, or null: settings of its transaction alone (never run inside a host's
     * transaction, whose later statements it would change). Sent only where the dialect pipelines.
     */
    String severalAccountsSettingsStatement() {
        return null;
    }

    /** Turns the named parameters of a statement (:accountId, :now) into positional ones, in order. */
    static String positional(String namedSql) {
        return namedSql.replaceAll(":[a-zA-Z][a-zA-Z0-9]*", "?");
    }

    // ---------------------------------------------------------------- the first read, pipelined

    /** The positional forms of the first read's statements, built on first use (a subclass's are not ready before). */
    private record PipelinedReads(String lockAccount, String selectAccount, String balances, String liveLots,
                                  String dueHolds, String feature, String idempotency) {
    }

    private volatile PipelinedReads pipelinedReads;

    /** @return the same String instances every time, so statement caches find them by identity */
    private PipelinedReads pipelinedReads() {
        PipelinedReads reads = pipelinedReads;
        if (reads == null) {
            reads = new PipelinedReads(positional(lockAccount()), positional(selectAccount()),
                    positional(selectBalances()), positional(selectLiveLots()), positional(selectOpenHoldsDue()),
                    positional(selectFeature()), positional(selectIdempotency()));
            pipelinedReads = reads;
        }
        return reads;
    }

    /**
     * Reads the account row: locks it FOR UPDATE, or reads it in the transaction's snapshot when {@code readOnly} (then
     * {@link #snapshotReadStatement()} runs first); parameter: account id.
     */
    String pipelinedAccount(boolean readOnly) {
        return readOnly ? pipelinedReads().selectAccount() : pipelinedReads().lockAccount();
    }

    /** Parameter: account id. */
    String pipelinedBalances() {
        return pipelinedReads().balances();
    }

    /** Parameter: account id. */
    String pipelinedLiveLots() {
        return pipelinedReads().liveLots();
    }

    /** Parameters: account id, now. */
    String pipelinedDueHolds() {
        return pipelinedReads().dueHolds();
    }

    /** Parameter: feature key. */
    String pipelinedFeature() {
        return pipelinedReads().feature();
    }

    /** Parameters: account id, idempotency key. */
    String pipelinedIdempotency() {
        return pipelinedReads().idempotency();
    }

    // ---------------------------------------------------------------- transactions and schema

    /**
     * A statement that makes the transaction just begun READ COMMITTED, run as its first statement when the
     * connections do not default to it; null to use {@link java.sql.Connection#setTransactionIsolation} instead.
     */
    String readCommittedStatement() {
        return null;
    }

    /**
     * Whether the statements implement {@link PipelinedStatements} and the connections run several statements per
     * execution in one round trip: PostgreSQL always, MariaDB/MySQL when the connections allow multi-statement
     * queries ({@code allowMultiQueries=true}).
     */
    boolean pipelines() {
        return false;
    }

    /**
     * A statement that serializes concurrent schema installs across connections, or null (H2: installs in one JVM take
     * turns, see {@link JdbiCreditStore#installSchema()}). Where DDL is {@linkplain #transactionalDdl() transactional}
     * it locks until the transaction ends; otherwise it takes a session lock, answers 1 when it got it, and
     * {@link #schemaUnlockStatement()} releases it.
     */
    String schemaLockStatement() {
        return null;
    }

    /** Releases the session lock of {@link #schemaLockStatement()}; null where the lock ends with the transaction. */
    String schemaUnlockStatement() {
        return null;
    }

    /**
     * Creates the version table: one row per schema version applied, with the checksum of its file as shipped and
     * whether it was a baseline (tables found in place, from an install that kept no versions).
     */
    String createSchemaVersionTable() {
        return "CREATE TABLE IF NOT EXISTS " + schemaVersions + " ("
                + "version_no INTEGER NOT NULL PRIMARY KEY, "
                + "description VARCHAR(200) NOT NULL, "
                + "script VARCHAR(1000) NOT NULL, "
                + "checksum VARCHAR(64) NOT NULL, "
                + "baseline BOOLEAN NOT NULL, "
                + "applied_at_micros BIGINT NOT NULL)" + tableOptions();
    }

    /** What follows the column list of a CREATE TABLE (storage engine, character set), or "". */
    String tableOptions() {
        return "";
    }

    String selectSchemaVersions() {
        return "SELECT version_no, description, script, checksum, baseline, applied_at_micros FROM " + schemaVersions
                + " ORDER BY version_no";
    }

    String insertSchemaVersion() {
        return "INSERT INTO " + schemaVersions + " (version_no, description, script, checksum, baseline,"
                + " applied_at_micros) VALUES (:version, :description, :script, :checksum, :baseline, :appliedAt)";
    }

    /** Counts the tables named {@code :name} in the schema that unqualified names resolve to for CREATE TABLE. */
    abstract String countTables();

    /**
     * The statement that makes the transaction just begun a read-only consistent snapshot (REPEATABLE READ, READ
     * ONLY), run as its first statement by {@link dev.credits.spi.CreditStore#readAccount}, which then reads
     * without locking; null to lock the account row with {@link #lockAccountShared()} instead.
     */
    String snapshotReadStatement() {
        return null;
    }

    /** Whether schema statements run in one transaction (transactional DDL) rather than one by one. */
    boolean transactionalDdl() {
        return false;
    }

    // ---------------------------------------------------------------- failures

    /** @return whether the failure is a transient conflict the whole unit of work may be retried after */
    boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** @return whether the failure is a lock wait that outlasted the lock timeout (never retried) */
    boolean isLockTimeout(SQLException e) {
        return false;
    }

    /** @return whether the failure means the database or the connection is gone */
    boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException
                || (state != null && state.startsWith("08"));
    }

    /** @return whether the failure is a constraint violation (SQLState class 23) */
    static boolean isConstraintViolation(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }

    /** @return whether the failure is bad data: too long, out of range (SQLState class 22) */
    static boolean isDataException(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("22");
    }
}
