-- credits schema, version 3, PostgreSQL 12+ (tested on 15).
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

ALTER TABLE ${table_prefix}lots ADD COLUMN IF NOT EXISTS purchase_id VARCHAR(128);
ALTER TABLE ${table_prefix}lots ADD COLUMN IF NOT EXISTS plan_id VARCHAR(128);
ALTER TABLE ${table_prefix}lots ADD COLUMN IF NOT EXISTS period_start_at_micros BIGINT;
ALTER TABLE ${table_prefix}lots ADD COLUMN IF NOT EXISTS rollover BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE ${table_prefix}entries ADD COLUMN IF NOT EXISTS purchase_id VARCHAR(128);

-- A purchase lot and its GRANT entry get the purchase as purchase_id and the purchase's own metadata back (theirs
-- was the purchase's plus the "purchaseId" key: a host key of that name comes back too). A CLAWBACK entry references
-- its purchase's grant (reference_id = purchases.transaction_id); its metadata held nothing but the ledger's key.
UPDATE ${table_prefix}lots AS l
SET purchase_id = p.purchase_id, metadata = p.metadata
FROM ${table_prefix}purchases AS p
WHERE p.lot_id = l.lot_id AND p.account_id = l.account_id AND l.purchase_id IS NULL;

UPDATE ${table_prefix}entries AS e
SET purchase_id = p.purchase_id, metadata = p.metadata
FROM ${table_prefix}purchases AS p
WHERE p.transaction_id = e.transaction_id AND p.account_id = e.account_id AND e.entry_type = 'GRANT'
  AND e.purchase_id IS NULL;

UPDATE ${table_prefix}entries AS e
SET purchase_id = p.purchase_id, metadata = NULL
FROM ${table_prefix}purchases AS p
WHERE e.reference_id = p.transaction_id AND p.account_id = e.account_id AND e.entry_type = 'CLAWBACK'
  AND e.purchase_id IS NULL;

-- Allowance lots: exactly the ledger's keys ("periodStart", "planId" and, on a rollover, "rollover": "true") move into
-- their columns; a lot whose metadata has any other key is the host's and stays as it is. Their GRANT entries carried
-- the same keys, which the lot now keeps: cleared.
UPDATE ${table_prefix}lots
SET plan_id = CAST(metadata AS JSONB) ->> 'planId',
    period_start_at_micros = CAST(EXTRACT(EPOCH FROM CAST(CAST(metadata AS JSONB) ->> 'periodStart' AS TIMESTAMPTZ))
        * 1000000 AS BIGINT),
    rollover = COALESCE(CAST(metadata AS JSONB) ->> 'rollover', '') = 'true',
    metadata = NULL
WHERE source = 'SUBSCRIPTION' AND plan_id IS NULL AND metadata LIKE '{"periodStart":%'
  AND CAST(metadata AS JSONB) ->> 'planId' IS NOT NULL
  AND COALESCE(CAST(metadata AS JSONB) ->> 'rollover', 'true') = 'true'
  AND CAST(metadata AS JSONB) - 'periodStart' - 'planId' - 'rollover' = CAST('{}' AS JSONB);

UPDATE ${table_prefix}entries AS e
SET metadata = NULL
FROM ${table_prefix}lots AS l
WHERE l.transaction_id = e.transaction_id AND l.account_id = e.account_id AND l.plan_id IS NOT NULL
  AND e.entry_type = 'GRANT' AND e.metadata LIKE '{"periodStart":%';
