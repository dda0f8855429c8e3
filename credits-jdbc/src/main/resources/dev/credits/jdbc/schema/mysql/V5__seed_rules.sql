-- credits schema, version 5, MySQL 8.0.17+, InnoDB (not tested in this build; the MariaDB file is).
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

-- MySQL has no ADD COLUMN IF NOT EXISTS: each column is added by a statement prepared only when the column is
-- missing (otherwise DO 0), which keeps the version idempotent like MariaDB's.
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}accounts ADD COLUMN subscription_id VARCHAR(128)', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}accounts' AND column_name = 'subscription_id');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}holds ADD COLUMN retry_of VARCHAR(128)', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}holds' AND column_name = 'retry_of');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}holds ADD COLUMN retry_number INT DEFAULT 0 NOT NULL', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}holds' AND column_name = 'retry_number');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}plans ADD COLUMN plan_rules TEXT', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}plans' AND column_name = 'plan_rules');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}promotions ADD COLUMN plan_ids TEXT', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}promotions' AND column_name = 'plan_ids');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}holds ADD COLUMN changed_at_sequence BIGINT DEFAULT 0 NOT NULL', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}holds' AND column_name = 'changed_at_sequence');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'CREATE INDEX ${table_prefix}holds_changed ON ${table_prefix}holds (account_id, changed_at_sequence)', 'DO 0')
    FROM information_schema.statistics
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}holds' AND index_name = '${table_prefix}holds_changed');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
