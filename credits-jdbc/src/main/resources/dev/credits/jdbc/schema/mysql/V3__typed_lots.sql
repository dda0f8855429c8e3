-- credits schema, version 3, MySQL 8.0.17+, InnoDB (not tested in this build; the MariaDB file is).
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- Typed lots. A lot names the purchase whose completion granted it (purchase_id), and an allowance lot the plan
-- period it belongs to (plan_id, period_start_at_micros; its end is the lot's expiry) and whether it is a rollover.
-- A purchase's GRANT entry and every CLAWBACK entry name their purchase (entries.purchase_id). Versions 1 and 2 kept
-- these as metadata keys ("purchaseId" on purchase lots, their grants and clawbacks, overwriting a host key of that
-- name; "planId", "periodStart", "rollover" on allowance lots and their grants); metadata is now the host's alone.

-- MySQL has no ADD COLUMN IF NOT EXISTS: each column is added by a statement prepared only when the column is
-- missing (otherwise DO 0), which keeps the version idempotent like MariaDB's.
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}lots ADD COLUMN purchase_id VARCHAR(128)', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}lots' AND column_name = 'purchase_id');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}lots ADD COLUMN plan_id VARCHAR(128)', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}lots' AND column_name = 'plan_id');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}lots ADD COLUMN period_start_at_micros BIGINT', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}lots' AND column_name = 'period_start_at_micros');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}lots ADD COLUMN rollover BOOLEAN DEFAULT FALSE NOT NULL', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}lots' AND column_name = 'rollover');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}entries ADD COLUMN purchase_id VARCHAR(128)', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}entries' AND column_name = 'purchase_id');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;

-- A purchase lot and its GRANT entry get the purchase as purchase_id and the purchase's own metadata back (theirs
-- was the purchase's plus the "purchaseId" key: a host key of that name comes back too). A CLAWBACK entry references
-- its purchase's grant (reference_id = purchases.transaction_id); its metadata held nothing but the ledger's key.
UPDATE ${table_prefix}lots AS l
JOIN ${table_prefix}purchases AS p ON p.lot_id = l.lot_id AND p.account_id = l.account_id
SET l.purchase_id = p.purchase_id, l.metadata = p.metadata
WHERE l.purchase_id IS NULL;

UPDATE ${table_prefix}entries AS e
JOIN ${table_prefix}purchases AS p ON p.transaction_id = e.transaction_id AND p.account_id = e.account_id
SET e.purchase_id = p.purchase_id, e.metadata = p.metadata
WHERE e.entry_type = 'GRANT' AND e.purchase_id IS NULL;

UPDATE ${table_prefix}entries AS e
JOIN ${table_prefix}purchases AS p ON e.reference_id = p.transaction_id AND p.account_id = e.account_id
SET e.purchase_id = p.purchase_id, e.metadata = NULL
WHERE e.entry_type = 'CLAWBACK' AND e.purchase_id IS NULL;

-- Allowance lots: exactly the ledger's keys ("periodStart", "planId" and, on a rollover, "rollover": "true") move into
-- their columns; a lot whose metadata has any other key is the host's and stays as it is. Their GRANT entries carried
-- the same keys, which the lot now keeps: cleared.
-- Assignments run left to right, each seeing the ones before: metadata is cleared last. The period start is UTC
-- text; both sides of TIMESTAMPDIFF are read as UTC, so no session time zone applies.
UPDATE ${table_prefix}lots
SET plan_id = JSON_UNQUOTE(JSON_EXTRACT(metadata, '$.planId')),
    period_start_at_micros = TIMESTAMPDIFF(MICROSECOND, CAST('1970-01-01 00:00:00' AS DATETIME(6)),
        CAST(REPLACE(REPLACE(JSON_UNQUOTE(JSON_EXTRACT(metadata, '$.periodStart')), 'T', ' '), 'Z', '')
            AS DATETIME(6))),
    rollover = JSON_EXTRACT(metadata, '$.rollover') IS NOT NULL,
    metadata = NULL
WHERE source = 'SUBSCRIPTION' AND plan_id IS NULL AND metadata LIKE '{"periodStart":%'
  AND JSON_EXTRACT(metadata, '$.planId') IS NOT NULL AND JSON_EXTRACT(metadata, '$.periodStart') IS NOT NULL
  AND COALESCE(JSON_UNQUOTE(JSON_EXTRACT(metadata, '$.rollover')), 'true') = 'true'
  AND JSON_LENGTH(metadata) = IF(JSON_EXTRACT(metadata, '$.rollover') IS NULL, 2, 3);

UPDATE ${table_prefix}entries AS e
JOIN ${table_prefix}lots AS l ON l.transaction_id = e.transaction_id AND l.account_id = e.account_id
SET e.metadata = NULL
WHERE l.plan_id IS NOT NULL AND e.entry_type = 'GRANT' AND e.metadata LIKE '{"periodStart":%';
