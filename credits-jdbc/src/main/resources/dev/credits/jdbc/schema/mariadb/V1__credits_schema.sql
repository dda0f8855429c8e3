-- credits schema, version 1, MariaDB 10.5+ (tested on 10.11), InnoDB.
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: indexes are
-- declared inside CREATE TABLE IF NOT EXISTS.
--
-- Conventions:
--   * Instants are BIGINT microseconds since 1970-01-01T00:00:00Z (UTC), columns named *_at_micros.
--     Exact on every supported database, free of session time zones and of DATETIME/TIMESTAMP ranges.
--   * Credits are BIGINT. Money is DECIMAL(38,18) + the BigDecimal scale it was given + ISO 4217 code.
--   * Enums are stored by name. Metadata is a JSON object of strings (NULL when empty).
--   * Identifiers compare exactly: utf8mb4_nopad_bin (case- and trailing-space-sensitive).
--   * No foreign keys: the ledger owns integrity and every unit of work holds the account row lock;
--     a foreign key would add a parent lookup (and lock) per inserted row.

-- One row per account: the row every unit of work locks first (SELECT ... FOR UPDATE). Its plan and current
-- allowance period live here, so the lock read brings them along.
CREATE TABLE IF NOT EXISTS ${table_prefix}accounts (
    account_id            VARCHAR(128) NOT NULL,
    status                VARCHAR(16)  NOT NULL,
    overdraft_limit       BIGINT       NOT NULL,
    low_balance_threshold BIGINT       NOT NULL,
    max_open_holds        BIGINT       NOT NULL,
    plan_id               VARCHAR(128),
    next_plan_id          VARCHAR(128),
    period_start_at_micros BIGINT,
    period_end_at_micros  BIGINT,
    sequence_no           BIGINT       NOT NULL,
    created_at_micros     BIGINT       NOT NULL,
    updated_at_micros     BIGINT       NOT NULL,
    PRIMARY KEY (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The cached balance per account and credit type (derivable from entries and from lots).
CREATE TABLE IF NOT EXISTS ${table_prefix}balances (
    account_id  VARCHAR(128) NOT NULL,
    credit_type VARCHAR(64)  NOT NULL,
    balance     BIGINT       NOT NULL,
    held        BIGINT       NOT NULL,
    PRIMARY KEY (account_id, credit_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Lots (grants). live = (remaining <> 0 OR held <> 0), kept by the store so one index serves live lots.
CREATE TABLE IF NOT EXISTS ${table_prefix}lots (
    lot_id            VARCHAR(128)   NOT NULL,
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
    metadata          MEDIUMTEXT,
    granted_at_micros BIGINT         NOT NULL,
    transaction_id    VARCHAR(128)   NOT NULL,
    PRIMARY KEY (lot_id),
    -- Live lots of an account (per credit type or all).
    KEY ${table_prefix}lots_live (account_id, live, credit_type),
    -- Lots due to expire, across accounts (findAccountsWithDueItems).
    KEY ${table_prefix}lots_due (live, expires_at_micros),
    -- An account's lots expiring at one instant, live or not (findLotsExpiringAt: a period's expired allowance).
    -- The instant leads, so the planner never prefers this index for the account's live lots.
    KEY ${table_prefix}lots_expiring (expires_at_micros, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Ledger entries: immutable, one per change of a balance.
CREATE TABLE IF NOT EXISTS ${table_prefix}entries (
    transaction_id    VARCHAR(128) NOT NULL,
    account_id        VARCHAR(128) NOT NULL,
    sequence_no       BIGINT       NOT NULL,
    entry_type        VARCHAR(16)  NOT NULL,
    credit_type       VARCHAR(64)  NOT NULL,
    amount            BIGINT       NOT NULL,
    balance_after     BIGINT       NOT NULL,
    feature_key       VARCHAR(128),
    quantity          BIGINT       NOT NULL,
    unit_price        BIGINT       NOT NULL,
    price_plan_id     VARCHAR(128),
    retry_number      INTEGER      NOT NULL,
    user_id           VARCHAR(255),
    hold_id           VARCHAR(128),
    reference_id      VARCHAR(128),
    reason            TEXT,
    idempotency_key   VARCHAR(255),
    metadata          MEDIUMTEXT,
    created_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (transaction_id),
    -- Unique per account; also serves keyset history (account_id = ? AND sequence_no < ? ORDER BY sequence_no DESC).
    UNIQUE KEY ${table_prefix}entries_account_seq (account_id, sequence_no),
    -- Refunds and retries of a transaction, expiries of a grant.
    KEY ${table_prefix}entries_reference (reference_id),
    -- History filtered by feature or by user stays a short index walk however long the history is.
    KEY ${table_prefix}entries_feature (account_id, feature_key, sequence_no),
    KEY ${table_prefix}entries_user (account_id, user_id, sequence_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Receipt lines: owner_id is an entry's transaction id or a hold id.
CREATE TABLE IF NOT EXISTS ${table_prefix}allocations (
    owner_id VARCHAR(128) NOT NULL,
    line_no  INTEGER      NOT NULL,
    lot_id   VARCHAR(128) NOT NULL,
    amount   BIGINT       NOT NULL,
    PRIMARY KEY (owner_id, line_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Holds (reservations): OPEN -> COMMITTED | RELEASED | EXPIRED.
CREATE TABLE IF NOT EXISTS ${table_prefix}holds (
    hold_id            VARCHAR(128) NOT NULL,
    account_id         VARCHAR(128) NOT NULL,
    credit_type        VARCHAR(64)  NOT NULL,
    feature_key        VARCHAR(128),
    quantity           BIGINT       NOT NULL,
    unit_price         BIGINT       NOT NULL,
    price_plan_id      VARCHAR(128),
    amount             BIGINT       NOT NULL,
    status             VARCHAR(16)  NOT NULL,
    user_id            VARCHAR(255),
    idempotency_key    VARCHAR(255),
    metadata           MEDIUMTEXT,
    created_at_micros  BIGINT       NOT NULL,
    expires_at_micros  BIGINT       NOT NULL,
    resolved_at_micros BIGINT,
    committed_credits  BIGINT       NOT NULL,
    transaction_id     VARCHAR(128),
    PRIMARY KEY (hold_id),
    -- Open holds of an account, by deadline.
    KEY ${table_prefix}holds_open (account_id, status, expires_at_micros),
    -- Open holds past their deadline, across accounts (findAccountsWithDueItems).
    KEY ${table_prefix}holds_due (status, expires_at_micros)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Idempotency keys: unique per account; result is the ledger's encoding of the first result.
CREATE TABLE IF NOT EXISTS ${table_prefix}idempotency (
    account_id        VARCHAR(128) NOT NULL,
    idempotency_key   VARCHAR(255) NOT NULL,
    fingerprint       MEDIUMTEXT   NOT NULL,
    result            MEDIUMTEXT   NOT NULL,
    created_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The price list: small, so listing one category scans it (a 2048-character category could not be indexed).
-- plan_prices: a JSON object of credits per unit by plan id (NULL when the feature has one price for all).
CREATE TABLE IF NOT EXISTS ${table_prefix}features (
    feature_key       VARCHAR(128) NOT NULL,
    feature_name      VARCHAR(2048) NOT NULL,
    category          VARCHAR(2048),
    credits_per_unit  BIGINT       NOT NULL,
    plan_prices       TEXT,
    free_retries      INTEGER      NOT NULL,
    credit_type       VARCHAR(64)  NOT NULL,
    description       TEXT,
    active            BOOLEAN      NOT NULL,
    created_at_micros BIGINT       NOT NULL,
    updated_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (feature_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- ---- The catalog: packages, plans, promotions. Small tables, written rarely, read by key or listed whole.

-- Credit packages for sale. validity is an ISO-8601 period (P12M), NULL for credits that never expire.
CREATE TABLE IF NOT EXISTS ${table_prefix}packages (
    package_id             VARCHAR(128)  NOT NULL,
    name                   VARCHAR(2048) NOT NULL,
    credits                BIGINT        NOT NULL,
    price_amount           DECIMAL(38,18),
    price_scale            INTEGER,
    price_currency         VARCHAR(3),
    credit_type            VARCHAR(64)   NOT NULL,
    validity               VARCHAR(64),
    active                 BOOLEAN       NOT NULL,
    PRIMARY KEY (package_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Subscription plans. allowances: a JSON object of credits per period by credit type (NULL when none).
CREATE TABLE IF NOT EXISTS ${table_prefix}plans (
    plan_id                VARCHAR(128)  NOT NULL,
    name                   VARCHAR(2048) NOT NULL,
    monthly_price_amount   DECIMAL(38,18),
    monthly_price_scale    INTEGER,
    monthly_price_currency VARCHAR(3),
    allowances             TEXT,
    rollover_cap           BIGINT        NOT NULL,
    can_buy_credits        BOOLEAN       NOT NULL,
    active                 BOOLEAN       NOT NULL,
    PRIMARY KEY (plan_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Promotion codes. uses is the store's count, changed only by purchases (UPDATE ... SET uses = uses + d with the
-- limit in the WHERE clause, atomic across accounts) and never by saving the promotion. package_ids: a JSON array
-- (NULL for every package). percent_off keeps its BigDecimal scale like money.
CREATE TABLE IF NOT EXISTS ${table_prefix}promotions (
    code                   VARCHAR(128)  NOT NULL,
    description            TEXT,
    percent_off            DECIMAL(38,18),
    percent_off_scale      INTEGER,
    amount_off_amount      DECIMAL(38,18),
    amount_off_scale       INTEGER,
    amount_off_currency    VARCHAR(3),
    bonus_credits          BIGINT        NOT NULL,
    valid_from_at_micros   BIGINT,
    valid_until_at_micros  BIGINT,
    package_ids            TEXT,
    max_uses               BIGINT        NOT NULL,
    max_uses_per_account   BIGINT        NOT NULL,
    active                 BOOLEAN       NOT NULL,
    uses                   BIGINT        NOT NULL,
    PRIMARY KEY (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Purchases: PENDING -> COMPLETED | FAILED. purchase_id is unique across accounts (a purchase id another account
-- has fails the insert). purchase_no numbers inserts, so purchases created at the same instant list in order.
CREATE TABLE IF NOT EXISTS ${table_prefix}purchases (
    purchase_id            VARCHAR(128)  NOT NULL,
    purchase_no            BIGINT        NOT NULL AUTO_INCREMENT,
    account_id             VARCHAR(128)  NOT NULL,
    package_id             VARCHAR(128),
    credit_type            VARCHAR(64)   NOT NULL,
    credits                BIGINT        NOT NULL,
    bonus_credits          BIGINT        NOT NULL,
    list_price_amount      DECIMAL(38,18),
    list_price_scale       INTEGER,
    list_price_currency    VARCHAR(3),
    price_amount           DECIMAL(38,18),
    price_scale            INTEGER,
    price_currency         VARCHAR(3),
    promotion_code         VARCHAR(128),
    payment_reference      VARCHAR(2048),
    validity               VARCHAR(64),
    status                 VARCHAR(16)   NOT NULL,
    lot_id                 VARCHAR(128),
    transaction_id         VARCHAR(128),
    metadata               MEDIUMTEXT,
    idempotency_key        VARCHAR(255),
    created_at_micros      BIGINT        NOT NULL,
    resolved_at_micros     BIGINT,
    failure_reason         TEXT,
    refunded_credits       BIGINT        NOT NULL,
    disputed_credits       BIGINT        NOT NULL,
    dispute_status         VARCHAR(16)   NOT NULL,
    frozen_credits         BIGINT        NOT NULL,
    clawed_back            BIGINT        NOT NULL,
    PRIMARY KEY (purchase_id),
    -- An account's purchases, oldest first.
    KEY ${table_prefix}purchases_account (account_id, created_at_micros, purchase_no),
    -- AUTO_INCREMENT needs an index of its own.
    KEY ${table_prefix}purchases_no (purchase_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- External references linked to accounts (AccountLink), e.g. stripe:sub_... -> the account the subscription pays
-- for. Written once (insert if absent) and never updated; read by reference.
CREATE TABLE IF NOT EXISTS ${table_prefix}account_links (
    reference              VARCHAR(128)  NOT NULL,
    account_id             VARCHAR(128)  NOT NULL,
    detail                 VARCHAR(128),
    created_at_micros      BIGINT        NOT NULL,
    PRIMARY KEY (reference)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
