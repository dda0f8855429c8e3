-- credits schema, version 1, PostgreSQL 12+ (tested on 15).
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent.
--
-- Conventions:
--   * Instants are BIGINT microseconds since 1970-01-01T00:00:00Z (UTC), columns named *_at_micros.
--     Exact on every supported database, free of session time zones and of DATETIME/TIMESTAMP ranges.
--   * Credits are BIGINT. Money is DECIMAL(38,18) + the BigDecimal scale it was given + ISO 4217 code.
--   * Enums are stored by name. Metadata is a JSON object of strings (NULL when empty).
--   * No foreign keys: the ledger owns integrity and every unit of work holds the account row lock;
--     a foreign key would add a parent lookup (and lock) per inserted row.

-- One row per account: the row every unit of work locks first (SELECT ... FOR UPDATE).
CREATE TABLE IF NOT EXISTS ${table_prefix}accounts (
    account_id            VARCHAR(128) NOT NULL PRIMARY KEY,
    status                VARCHAR(16)  NOT NULL,
    overdraft_limit       BIGINT       NOT NULL,
    low_balance_threshold BIGINT       NOT NULL,
    sequence_no           BIGINT       NOT NULL,
    created_at_micros     BIGINT       NOT NULL,
    updated_at_micros     BIGINT       NOT NULL
) WITH (fillfactor = 80);

-- The cached balance per account and credit type (derivable from entries and from lots).
CREATE TABLE IF NOT EXISTS ${table_prefix}balances (
    account_id  VARCHAR(128) NOT NULL,
    credit_type VARCHAR(64)  NOT NULL,
    balance     BIGINT       NOT NULL,
    held        BIGINT       NOT NULL,
    PRIMARY KEY (account_id, credit_type)
) WITH (fillfactor = 80);

-- Lots (grants). live = (remaining <> 0 OR held <> 0), kept by the store so one index serves live lots.
CREATE TABLE IF NOT EXISTS ${table_prefix}lots (
    lot_id            VARCHAR(128)   NOT NULL PRIMARY KEY,
    account_id        VARCHAR(128)   NOT NULL,
    credit_type       VARCHAR(64)    NOT NULL,
    source            VARCHAR(16)    NOT NULL,
    priority          INTEGER        NOT NULL,
    amount            BIGINT         NOT NULL,
    remaining         BIGINT         NOT NULL,
    held              BIGINT         NOT NULL,
    live              BOOLEAN        NOT NULL,
    expires_at_micros BIGINT,
    money_amount      DECIMAL(38,18),
    money_scale       INTEGER,
    money_currency    VARCHAR(3),
    metadata          TEXT,
    granted_at_micros BIGINT         NOT NULL,
    transaction_id    VARCHAR(128)   NOT NULL
) WITH (fillfactor = 90);
-- Live lots of an account (per credit type or all).
CREATE INDEX IF NOT EXISTS ${table_prefix}lots_live ON ${table_prefix}lots (account_id, credit_type) WHERE live;
-- Lots due to expire, across accounts (findAccountsWithDueItems).
CREATE INDEX IF NOT EXISTS ${table_prefix}lots_due ON ${table_prefix}lots (expires_at_micros) WHERE live AND expires_at_micros IS NOT NULL;

-- Ledger entries: immutable, one per change of a balance.
CREATE TABLE IF NOT EXISTS ${table_prefix}entries (
    transaction_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    account_id        VARCHAR(128) NOT NULL,
    sequence_no       BIGINT       NOT NULL,
    entry_type        VARCHAR(16)  NOT NULL,
    credit_type       VARCHAR(64)  NOT NULL,
    amount            BIGINT       NOT NULL,
    balance_after     BIGINT       NOT NULL,
    feature_key       VARCHAR(128),
    quantity          BIGINT       NOT NULL,
    unit_price        BIGINT       NOT NULL,
    user_id           VARCHAR(255),
    hold_id           VARCHAR(128),
    reference_id      VARCHAR(128),
    reason            TEXT,
    idempotency_key   VARCHAR(255),
    metadata          TEXT,
    created_at_micros BIGINT       NOT NULL
);
-- Unique per account; also serves keyset history (account_id = ? AND sequence_no < ? ORDER BY sequence_no DESC).
CREATE UNIQUE INDEX IF NOT EXISTS ${table_prefix}entries_account_seq ON ${table_prefix}entries (account_id, sequence_no);
-- Refunds of a transaction.
CREATE INDEX IF NOT EXISTS ${table_prefix}entries_reference ON ${table_prefix}entries (reference_id) WHERE reference_id IS NOT NULL;
-- History filtered by feature or by user stays a short index walk however long the history is.
CREATE INDEX IF NOT EXISTS ${table_prefix}entries_feature ON ${table_prefix}entries (account_id, feature_key, sequence_no);
CREATE INDEX IF NOT EXISTS ${table_prefix}entries_user ON ${table_prefix}entries (account_id, user_id, sequence_no);

-- Receipt lines: owner_id is an entry's transaction id or a hold id.
CREATE TABLE IF NOT EXISTS ${table_prefix}allocations (
    owner_id VARCHAR(128) NOT NULL,
    line_no  INTEGER      NOT NULL,
    lot_id   VARCHAR(128) NOT NULL,
    amount   BIGINT       NOT NULL,
    PRIMARY KEY (owner_id, line_no)
);

-- Holds (reservations): OPEN -> COMMITTED | RELEASED | EXPIRED.
CREATE TABLE IF NOT EXISTS ${table_prefix}holds (
    hold_id            VARCHAR(128) NOT NULL PRIMARY KEY,
    account_id         VARCHAR(128) NOT NULL,
    credit_type        VARCHAR(64)  NOT NULL,
    feature_key        VARCHAR(128),
    quantity           BIGINT       NOT NULL,
    unit_price         BIGINT       NOT NULL,
    amount             BIGINT       NOT NULL,
    status             VARCHAR(16)  NOT NULL,
    user_id            VARCHAR(255),
    idempotency_key    VARCHAR(255),
    metadata           TEXT,
    created_at_micros  BIGINT       NOT NULL,
    expires_at_micros  BIGINT       NOT NULL,
    resolved_at_micros BIGINT,
    committed_credits  BIGINT       NOT NULL,
    transaction_id     VARCHAR(128)
);
-- Open holds of an account, by deadline.
CREATE INDEX IF NOT EXISTS ${table_prefix}holds_open ON ${table_prefix}holds (account_id, expires_at_micros) WHERE status = 'OPEN';
-- Open holds past their deadline, across accounts (findAccountsWithDueItems).
CREATE INDEX IF NOT EXISTS ${table_prefix}holds_due ON ${table_prefix}holds (expires_at_micros) WHERE status = 'OPEN';

-- Idempotency keys: unique per account; result is the ledger's encoding of the first result.
CREATE TABLE IF NOT EXISTS ${table_prefix}idempotency (
    account_id        VARCHAR(128) NOT NULL,
    idempotency_key   VARCHAR(255) NOT NULL,
    fingerprint       TEXT         NOT NULL,
    result            TEXT         NOT NULL,
    created_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);

-- The price list: small, so listing one category scans it (a 2048-character category could not be indexed).
CREATE TABLE IF NOT EXISTS ${table_prefix}features (
    feature_key       VARCHAR(128) NOT NULL PRIMARY KEY,
    feature_name      VARCHAR(2048) NOT NULL,
    category          VARCHAR(2048),
    credits_per_unit  BIGINT       NOT NULL,
    credit_type       VARCHAR(64)  NOT NULL,
    description       TEXT,
    active            BOOLEAN      NOT NULL,
    created_at_micros BIGINT       NOT NULL,
    updated_at_micros BIGINT       NOT NULL
);

-- Price history: one row per create or update of a feature (what it cost, from when).
CREATE TABLE IF NOT EXISTS ${table_prefix}feature_price_history (
    history_id        BIGINT       GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    feature_key       VARCHAR(128) NOT NULL,
    change_kind       VARCHAR(8)   NOT NULL,
    feature_name      VARCHAR(2048) NOT NULL,
    credits_per_unit  BIGINT       NOT NULL,
    credit_type       VARCHAR(64)  NOT NULL,
    active            BOOLEAN      NOT NULL,
    changed_at_micros BIGINT       NOT NULL
);
CREATE INDEX IF NOT EXISTS ${table_prefix}feature_price_history_key ON ${table_prefix}feature_price_history (feature_key, history_id);
