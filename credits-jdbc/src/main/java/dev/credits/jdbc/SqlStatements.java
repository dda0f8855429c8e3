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

    static final String ACCOUNT_COLUMNS = "account_id, status, overdraft_limit, low_balance_threshold, max_open_holds,"
            + " plan_id, next_plan_id, period_start_at_micros, period_end_at_micros, sequence_no, created_at_micros,"
            + " updated_at_micros, subscription_id";
    static final String LOT_COLUMNS = "lot_id, account_id, credit_type, source, priority, amount, remaining, held,"
            + " expires_at_micros, money_amount, money_scale, money_currency, metadata, granted_at_micros,"
            + " transaction_id";
    static final String ENTRY_COLUMNS = "transaction_id, account_id, sequence_no, entry_type, credit_type, amount,"
            + " balance_after, feature_key, quantity, unit_price, price_plan_id, retry_number, user_id, hold_id,"
            + " reference_id, reason,"
            + " idempotency_key, metadata, created_at_micros";
    static final String HOLD_COLUMNS = "hold_id, account_id, credit_type, feature_key, quantity, unit_price,"
            + " price_plan_id, amount,"
            + " status, user_id, idempotency_key, metadata, created_at_micros, expires_at_micros, resolved_at_micros,"
            + " committed_credits, transaction_id, kind, purchase_id, retry_of, retry_number";
    static final String FEATURE_COLUMNS = "feature_key, feature_name, category, credits_per_unit, plan_prices,"
            + " free_retries, credit_type, description, active, created_at_micros, updated_at_micros";
    static final String PACKAGE_COLUMNS = "package_id, name, credits, price_amount, price_scale, price_currency,"
            + " credit_type, validity, active";
    static final String PLAN_COLUMNS = "plan_id, name, monthly_price_amount, monthly_price_scale,"
            + " monthly_price_currency, allowances, rollover_cap, can_buy_credits, active, plan_rules";
    /** Every promotion column but {@code uses}, which only promotion uses change. */
    static final String PROMOTION_COLUMNS = "code, description, percent_off, percent_off_scale, amount_off_amount,"
            + " amount_off_scale, amount_off_currency, bonus_credits, valid_from_at_micros, valid_until_at_micros,"
            + " package_ids, max_uses, max_uses_per_account, active, plan_ids";
    /** Every purchase column but {@code purchase_no}, which the database numbers. */
    static final String PURCHASE_COLUMNS = "purchase_id, account_id, package_id, credit_type, credits, bonus_credits,"
            + " list_price_amount, list_price_scale, list_price_currency, price_amount, price_scale, price_currency,"
            + " promotion_code, payment_reference, validity, status, lot_id, transaction_id, metadata, idempotency_key,"
            + " created_at_micros, resolved_at_micros, failure_reason, refunded_credits, disputed_credits,"
            + " dispute_status, frozen_credits, clawed_back";

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
        return "INSERT INTO " + accounts + " (" + ACCOUNT_COLUMNS + ") VALUES (:accountId, :status, :overdraftLimit,"
                + " :lowBalanceThreshold, :maxOpenHolds, :planId, :nextPlanId, :periodStart, :periodEnd, :sequence,"
                + " :createdAt, :updatedAt, :subscriptionId)";
    }

    /**
     * Writes the account row, on the condition that its sequence is still the one read under the lock: every change
     * advances the sequence, so 0 rows updated means the account changed under the lock (it never should).
     */
    String updateAccount() {
        return "UPDATE " + accounts + " SET status = :status, overdraft_limit = :overdraftLimit,"
                + " low_balance_threshold = :lowBalanceThreshold, max_open_holds = :maxOpenHolds, plan_id = :planId,"
                + " next_plan_id = :nextPlanId, subscription_id = :subscriptionId,"
                + " period_start_at_micros = :periodStart,"
                + " period_end_at_micros = :periodEnd, sequence_no = :sequence, updated_at_micros = :updatedAt"
                + " WHERE account_id = :accountId AND sequence_no = :lockedSequence";
    }

    // ---------------------------------------------------------------- balances

    String selectBalances() {
        return "SELECT account_id, credit_type, balance, held FROM " + balances
                + " WHERE account_id = :accountId ORDER BY credit_type";
    }

    /** Inserts or replaces a balance row; parameters accountId, creditType, balance, held. */
    abstract String upsertBalance();

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

    String insertLot() {
        return "INSERT INTO " + lots + " (" + LOT_COLUMNS + ", live) VALUES (:lotId, :accountId, :creditType, :source,"
                + " :priority, :amount, :remaining, :held, :expiresAt, :moneyAmount, :moneyScale, :moneyCurrency,"
                + " :metadata, :grantedAt, :transactionId, :live)";
    }

    String updateLot() {
        return "UPDATE " + lots + " SET remaining = :remaining, held = :held, live = :live"
                + " WHERE lot_id = :lotId AND account_id = :accountId";
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

    String insertEntry() {
        return "INSERT INTO " + entries + " (" + ENTRY_COLUMNS + ") VALUES (:transactionId, :accountId, :sequence,"
                + " :type, :creditType, :amount, :balanceAfter, :featureKey, :quantity, :unitPrice, :pricePlanId,"
                + " :retryNumber, :userId, :holdId,"
                + " :referenceId, :reason, :idempotencyKey, :metadata, :createdAt)";
    }

    String selectAccountOfTransaction() {
        return "SELECT account_id FROM " + entries + " WHERE transaction_id = :transactionId";
    }

    String selectAllocations() {
        return "SELECT owner_id, line_no, lot_id, amount FROM " + allocations
                + " WHERE owner_id = :ownerId ORDER BY line_no";
    }

    String insertAllocation() {
        return "INSERT INTO " + allocations + " (owner_id, line_no, lot_id, amount)"
                + " VALUES (:ownerId, :position, :lotId, :amount)";
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

    String selectOpenHoldsDue() {
        return "SELECT " + HOLD_COLUMNS + " FROM " + holds + " WHERE account_id = :accountId AND status = 'OPEN'"
                + " AND expires_at_micros <= :now ORDER BY expires_at_micros, hold_id";
    }

    String insertHold() {
        return "INSERT INTO " + holds + " (" + HOLD_COLUMNS + ") VALUES (:holdId, :accountId, :creditType, :featureKey,"
                + " :quantity, :unitPrice, :pricePlanId, :amount, :status, :userId, :idempotencyKey, :metadata, :createdAt,"
                + " :expiresAt, :resolvedAt, :committedCredits, :transactionId, :kind, :purchaseId, :retryOf, :retryNumber)";
    }

    /** Moves an OPEN hold to its terminal state; updates nothing if it is not OPEN (terminal states never change). */
    String updateHold() {
        return "UPDATE " + holds + " SET status = :status, resolved_at_micros = :resolvedAt,"
                + " committed_credits = :committedCredits, transaction_id = :transactionId"
                + " WHERE hold_id = :holdId AND account_id = :accountId AND status = 'OPEN'";
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

    String insertIdempotency() {
        return "INSERT INTO " + idempotency + " (account_id, idempotency_key, fingerprint, result, created_at_micros)"
                + " VALUES (:accountId, :idempotencyKey, :fingerprint, :result, :createdAt)";
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
        return "INSERT INTO " + features + " (" + FEATURE_COLUMNS + ") VALUES (:featureKey, :featureName, :category,"
                + " :creditsPerUnit, :planPrices, :freeRetries, :creditType, :description, :active, :createdAt,"
                + " :updatedAt)";
    }

    String updateFeature() {
        return "UPDATE " + features + " SET feature_name = :featureName, category = :category,"
                + " credits_per_unit = :creditsPerUnit, plan_prices = :planPrices, free_retries = :freeRetries,"
                + " credit_type = :creditType, description = :description,"
                + " active = :active, created_at_micros = :createdAt, updated_at_micros = :updatedAt"
                + " WHERE feature_key = :featureKey";
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
        return "UPDATE " + packages + " SET name = :name, credits = :credits, price_amount = :priceAmount,"
                + " price_scale = :priceScale, price_currency = :priceCurrency, credit_type = :creditType,"
                + " validity = :validity, active = :active WHERE package_id = :packageId";
    }

    String insertPackage() {
        return "INSERT INTO " + packages + " (" + PACKAGE_COLUMNS + ") VALUES (:packageId, :name, :credits,"
                + " :priceAmount, :priceScale, :priceCurrency, :creditType, :validity, :active)";
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
        return "UPDATE " + plans + " SET name = :name, monthly_price_amount = :priceAmount,"
                + " monthly_price_scale = :priceScale, monthly_price_currency = :priceCurrency,"
                + " allowances = :allowances, rollover_cap = :rolloverCap, can_buy_credits = :canBuyCredits,"
                + " active = :active, plan_rules = :planRules WHERE plan_id = :planId";
    }

    String insertPlan() {
        return "INSERT INTO " + plans + " (" + PLAN_COLUMNS + ") VALUES (:planId, :name, :priceAmount, :priceScale,"
                + " :priceCurrency, :allowances, :rolloverCap, :canBuyCredits, :active, :planRules)";
    }

    String deletePlan() {
        return "DELETE FROM " + plans + " WHERE plan_id = :planId";
    }

    String selectPromotion() {
        return "SELECT " + PROMOTION_COLUMNS + ", uses FROM " + promotions + " WHERE code = :code";
    }

    String selectPromotions() {
        return "SELECT " + PROMOTION_COLUMNS + ", uses FROM " + promotions + " ORDER BY code";
    }

    /** Replaces everything but the use count. */
    String updatePromotion() {
        return "UPDATE " + promotions + " SET description = :description, percent_off = :percentOff,"
                + " percent_off_scale = :percentOffScale, amount_off_amount = :amountOffAmount,"
                + " amount_off_scale = :amountOffScale, amount_off_currency = :amountOffCurrency,"
                + " bonus_credits = :bonusCredits, valid_from_at_micros = :validFrom,"
                + " valid_until_at_micros = :validUntil, package_ids = :packageIds, max_uses = :maxUses,"
                + " max_uses_per_account = :maxUsesPerAccount, active = :active, plan_ids = :planIds WHERE code = :code";
    }

    /** A new promotion, its use count 0. */
    String insertPromotion() {
        return "INSERT INTO " + promotions + " (" + PROMOTION_COLUMNS + ", uses) VALUES (:code, :description,"
                + " :percentOff, :percentOffScale, :amountOffAmount, :amountOffScale, :amountOffCurrency,"
                + " :bonusCredits, :validFrom, :validUntil, :packageIds, :maxUses, :maxUsesPerAccount, :active, :planIds,"
                + " 0)";
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

    static final String ACCOUNT_LINK_COLUMNS = "reference, account_id, detail, created_at_micros";

    /** Inserts a link; like {@link #insertAccount()} it may ignore a duplicate or fail with class 23. */
    String insertAccountLink() {
        return "INSERT INTO " + accountLinks + " (" + ACCOUNT_LINK_COLUMNS + ") VALUES (:reference, :accountId,"
                + " :detail, :createdAt)";
    }

    String selectAccountLink() {
        return "SELECT " + ACCOUNT_LINK_COLUMNS + " FROM " + accountLinks + " WHERE reference = :reference";
    }

    /**
     * Replaces one of the account's purchases (0 rows: the account has none with that id). Never touches another
     * account's row: a purchase id another account has is then inserted, and the primary key refuses it.
     */
    String updatePurchase() {
        return "UPDATE " + purchases + " SET package_id = :packageId, credit_type = :creditType, credits = :credits,"
                + " bonus_credits = :bonusCredits, list_price_amount = :listPriceAmount,"
                + " list_price_scale = :listPriceScale, list_price_currency = :listPriceCurrency,"
                + " price_amount = :priceAmount, price_scale = :priceScale, price_currency = :priceCurrency,"
                + " promotion_code = :promotionCode, payment_reference = :paymentReference, validity = :validity,"
                + " status = :status, lot_id = :lotId, transaction_id = :transactionId, metadata = :metadata,"
                + " idempotency_key = :idempotencyKey, created_at_micros = :createdAt, resolved_at_micros = :resolvedAt,"
                + " failure_reason = :failureReason, refunded_credits = :refundedCredits,"
                + " disputed_credits = :disputedCredits, dispute_status = :disputeStatus,"
                + " frozen_credits = :frozenCredits, clawed_back = :clawedBack"
                + " WHERE purchase_id = :purchaseId AND account_id = :accountId";
    }

    String insertPurchase() {
        return "INSERT INTO " + purchases + " (" + PURCHASE_COLUMNS + ") VALUES (:purchaseId, :accountId, :packageId,"
                + " :creditType, :credits, :bonusCredits, :listPriceAmount, :listPriceScale, :listPriceCurrency,"
                + " :priceAmount, :priceScale, :priceCurrency, :promotionCode, :paymentReference, :validity, :status,"
                + " :lotId, :transactionId, :metadata, :idempotencyKey, :createdAt, :resolvedAt, :failureReason,"
                + " :refundedCredits, :disputedCredits, :disputeStatus, :frozenCredits, :clawedBack)";
    }

    // ---------------------------------------------------------------- multi-row statements (pipelining dialects)

    /** Lot columns ({@link #LOT_COLUMNS}) then live, per row. */
    String multiRowInsertLots(int rows) {
        return "INSERT INTO " + lots + " (" + LOT_COLUMNS + ", live) VALUES "
                + Pipeline.values("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
    }

    /** Hold columns ({@link #HOLD_COLUMNS}) per row. */
    String multiRowInsertHolds(int rows) {
        return "INSERT INTO " + holds + " (" + HOLD_COLUMNS + ") VALUES "
                + Pipeline.values("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
    }

    /** Entry columns ({@link #ENTRY_COLUMNS}) per row. */
    String multiRowInsertEntries(int rows) {
        return "INSERT INTO " + entries + " (" + ENTRY_COLUMNS + ") VALUES "
                + Pipeline.values("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
    }

    /** Owner id, position, lot id, amount per row. */
    String multiRowInsertAllocations(int rows) {
        return "INSERT INTO " + allocations + " (owner_id, line_no, lot_id, amount) VALUES "
                + Pipeline.values("(?, ?, ?, ?)", rows);
    }

    /** Turns the named parameters of a statement (:accountId, :now) into positional ones, in order. */
    static String positional(String namedSql) {
        return namedSql.replaceAll(":[a-zA-Z][a-zA-Z0-9]*", "?");
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
