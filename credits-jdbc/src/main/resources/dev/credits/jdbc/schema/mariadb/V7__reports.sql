-- credits schema, version 7, MariaDB 10.5+ (tested on 10.11), InnoDB.
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- Reports. Every unit of work adds its entries to usage rows in the same transaction: one row per account, 15-minute
-- bucket (bucket_start_micros, a multiple of 900 seconds) and group (group_key: a SHA-256 of credit type, kind, lot
-- source, feature, user, declared dimensions and currency), with the sums of its entries. A report over a window reads
-- the rows of that window only (by the primary key for accounts, by usage_buckets_time across accounts), however long
-- the history is. kind: USAGE (deductions and refunds by feature, user and dimensions, a JSON object of strings),
-- GRANT (by lot source; money_amount what the lots cost), EXPIRY and CLAWBACK (money_amount what their credits cost).
-- Entries written before this version are in no row until ledger.reports().rebuildUsage(account) sums an
-- account's history into its rows.

CREATE TABLE IF NOT EXISTS ${table_prefix}usage_buckets (
    account_id          VARCHAR(128)   NOT NULL,
    bucket_start_micros BIGINT         NOT NULL,
    group_key           VARCHAR(64)    NOT NULL,
    credit_type         VARCHAR(64)    NOT NULL,
    usage_kind          VARCHAR(16)    NOT NULL,
    lot_source          VARCHAR(32),
    feature_key         VARCHAR(128),
    user_id             VARCHAR(255),
    dimensions          MEDIUMTEXT,
    currency            VARCHAR(3),
    credits             BIGINT         NOT NULL,
    charged             BIGINT         NOT NULL,
    refunded            BIGINT         NOT NULL,
    quantity            BIGINT         NOT NULL,
    deductions          BIGINT         NOT NULL,
    free_retries        BIGINT         NOT NULL,
    entry_count         BIGINT         NOT NULL,
    money_amount        DECIMAL(50,18) NOT NULL,
    PRIMARY KEY (account_id, bucket_start_micros, group_key),
    KEY ${table_prefix}usage_buckets_time (bucket_start_micros)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
