-- credits schema, version 8, H2 2.x (tested on 2.3).
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- Organizations. An account may be a member of a pool (parent_id) and may have spending caps (capped: a spend reads
-- the caps table only for a capped account). A cap (caps) limits what an account and its members spend per period,
-- in total or per key; cap_usage counts what each period used per key, under the lock of the cap's account. A
-- purchase above the approval threshold records its approval: approval_state (NULL: it needed none; WAITING,
-- APPROVED, REJECTED), whether approval leads to pending payment, the approver and when they decided. Existing rows
-- keep today's behaviour: no pool, no caps, no approval. Both new tables lead with account_id (for a member, the
-- root pool's id could lead instead where tables are distributed by organization).

ALTER TABLE ${table_prefix}accounts ADD COLUMN IF NOT EXISTS parent_id VARCHAR(128);
ALTER TABLE ${table_prefix}accounts ADD COLUMN IF NOT EXISTS capped BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE ${table_prefix}purchases ADD COLUMN IF NOT EXISTS approval_state VARCHAR(16);
ALTER TABLE ${table_prefix}purchases ADD COLUMN IF NOT EXISTS approval_payment_pending BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE ${table_prefix}purchases ADD COLUMN IF NOT EXISTS approver VARCHAR(128);
ALTER TABLE ${table_prefix}purchases ADD COLUMN IF NOT EXISTS approval_decided_at_micros BIGINT;

CREATE TABLE IF NOT EXISTS ${table_prefix}caps (
    account_id        VARCHAR(128) NOT NULL,
    cap_id            VARCHAR(128) NOT NULL,
    cap_period        VARCHAR(16)  NOT NULL,
    cap_limit         BIGINT       NOT NULL,
    key_name          VARCHAR(128),
    credit_type       VARCHAR(64)  NOT NULL,
    zone_id           VARCHAR(64)  NOT NULL,
    changed_by        VARCHAR(128),
    changed_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (account_id, cap_id)
);

CREATE TABLE IF NOT EXISTS ${table_prefix}cap_usage (
    account_id          VARCHAR(128) NOT NULL,
    cap_id              VARCHAR(128) NOT NULL,
    cap_key             VARCHAR(128) NOT NULL,
    period_start_micros BIGINT       NOT NULL,
    used                BIGINT       NOT NULL,
    PRIMARY KEY (account_id, cap_id, cap_key, period_start_micros)
);

-- A pool's members, for reports of a pool and its members.
CREATE INDEX IF NOT EXISTS ${table_prefix}accounts_parent ON ${table_prefix}accounts (parent_id);
