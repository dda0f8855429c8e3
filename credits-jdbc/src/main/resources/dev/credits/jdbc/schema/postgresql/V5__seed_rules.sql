-- credits schema, version 5, PostgreSQL 12+ (tested on 15).
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- The seeds' rules. An account records the billing subscription its plan comes from (subscription_id), so events
-- of another subscription never change the plan. A retry's hold names the original deduction it counts against
-- (retry_of) and its retry number, so free retries reserved through holds take a slot while open and give it back
-- when released. A plan keeps its rules per credit type (may buy, may spend), its own credit rate and its discount on
-- purchases in plan_rules (a JSON object of strings, NULL when none). A promotion may be limited to plans: plan_ids,
-- a JSON array (NULL for every plan). A hold records the account sequence number of its last change (placed, or
-- left OPEN: changed_at_sequence), so changesSince returns the holds changed after a sequence, by the index
-- holds_changed. Existing rows keep today's behaviour: no subscription recorded, no retry, no plan rules, every
-- plan, and holds changed at sequence 0 (before any a client can ask after).

ALTER TABLE ${table_prefix}accounts ADD COLUMN IF NOT EXISTS subscription_id VARCHAR(128);
ALTER TABLE ${table_prefix}holds ADD COLUMN IF NOT EXISTS retry_of VARCHAR(128);
ALTER TABLE ${table_prefix}holds ADD COLUMN IF NOT EXISTS retry_number INT DEFAULT 0 NOT NULL;
ALTER TABLE ${table_prefix}plans ADD COLUMN IF NOT EXISTS plan_rules TEXT;
ALTER TABLE ${table_prefix}promotions ADD COLUMN IF NOT EXISTS plan_ids TEXT;
ALTER TABLE ${table_prefix}holds ADD COLUMN IF NOT EXISTS changed_at_sequence BIGINT DEFAULT 0 NOT NULL;
CREATE INDEX IF NOT EXISTS ${table_prefix}holds_changed ON ${table_prefix}holds (account_id, changed_at_sequence);
