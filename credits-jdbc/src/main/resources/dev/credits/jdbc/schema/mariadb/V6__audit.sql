-- credits schema, version 6, MariaDB 10.5+ (tested on 10.11), InnoDB.
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- Who did what. An entry records the actor of the call that wrote it (actor_id, actor_reason; NULL when the call
-- named none, and for entries written before this version). audit_records keep changes that are not entries (an
-- account's status, settings and plan, the catalog), numbered by audit_no in the order written, with the changed
-- fields before and after as JSON objects of strings; account_id is NULL for a catalog record. charge_disputes keep
-- users' disputes of a charge (OPEN -> UNDER_REVIEW -> RESOLVED | REJECTED), written in the account's unit of work.

ALTER TABLE ${table_prefix}entries ADD COLUMN IF NOT EXISTS actor_id VARCHAR(128);
ALTER TABLE ${table_prefix}entries ADD COLUMN IF NOT EXISTS actor_reason TEXT;

CREATE TABLE IF NOT EXISTS ${table_prefix}audit_records (
    audit_no          BIGINT       NOT NULL AUTO_INCREMENT,
    account_id        VARCHAR(128),
    sequence_no       BIGINT       NOT NULL,
    action            VARCHAR(64)  NOT NULL,
    subject           VARCHAR(255) NOT NULL,
    actor_id          VARCHAR(128),
    actor_reason      TEXT,
    before_fields     MEDIUMTEXT,
    after_fields      MEDIUMTEXT,
    created_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (audit_no),
    -- One account's trail (or the catalog's: account_id NULL), newest first.
    KEY ${table_prefix}audit_records_account (account_id, audit_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS ${table_prefix}charge_disputes (
    dispute_id           VARCHAR(128) NOT NULL,
    account_id           VARCHAR(128) NOT NULL,
    transaction_id       VARCHAR(128) NOT NULL,
    credit_type          VARCHAR(64)  NOT NULL,
    reason               VARCHAR(255) NOT NULL,
    description          TEXT,
    credits_requested    BIGINT       NOT NULL,
    status               VARCHAR(16)  NOT NULL,
    submitted_by_id      VARCHAR(128),
    submitted_by_reason  TEXT,
    submitted_at_micros  BIGINT       NOT NULL,
    reviewed_by_id       VARCHAR(128),
    reviewed_by_reason   TEXT,
    reviewed_at_micros   BIGINT,
    resolved_by_id       VARCHAR(128),
    resolved_by_reason   TEXT,
    resolved_at_micros   BIGINT,
    credits_refunded     BIGINT       NOT NULL,
    resolution_note      TEXT,
    refund_id            VARCHAR(128),
    changed_at_sequence  BIGINT       NOT NULL,
    PRIMARY KEY (dispute_id),
    -- The disputes of one charge (at most one in progress), read under the account's lock.
    KEY ${table_prefix}charge_disputes_charge (account_id, transaction_id),
    -- The queue by status, oldest first; an account's disputes; a period's statistics.
    KEY ${table_prefix}charge_disputes_queue (status, submitted_at_micros, dispute_id),
    KEY ${table_prefix}charge_disputes_account (account_id, submitted_at_micros, dispute_id),
    KEY ${table_prefix}charge_disputes_submitted (submitted_at_micros, dispute_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
