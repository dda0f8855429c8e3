-- credits schema, version 3, H2 2.x (tested on 2.3).
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
MERGE INTO ${table_prefix}lots AS l
USING ${table_prefix}purchases AS p
ON p.lot_id = l.lot_id AND p.account_id = l.account_id AND l.purchase_id IS NULL
WHEN MATCHED THEN UPDATE SET purchase_id = p.purchase_id, metadata = p.metadata;

MERGE INTO ${table_prefix}entries AS e
USING ${table_prefix}purchases AS p
ON p.transaction_id = e.transaction_id AND p.account_id = e.account_id AND e.entry_type = 'GRANT'
   AND e.purchase_id IS NULL
WHEN MATCHED THEN UPDATE SET purchase_id = p.purchase_id, metadata = p.metadata;

MERGE INTO ${table_prefix}entries AS e
USING ${table_prefix}purchases AS p
ON e.reference_id = p.transaction_id AND p.account_id = e.account_id AND e.entry_type = 'CLAWBACK'
   AND e.purchase_id IS NULL
WHEN MATCHED THEN UPDATE SET purchase_id = p.purchase_id, metadata = NULL;

-- Allowance lots: exactly the ledger's keys ("periodStart", "planId" and, on a rollover, "rollover": "true") move into
-- their columns; a lot whose metadata has any other key is the host's and stays as it is. Their GRANT entries carried
-- the same keys, which the lot now keeps: cleared.
-- H2 has no JSON path functions: the metadata is Jackson's compact JSON with sorted keys, matched whole by a regular
-- expression; a plan id's escapes (\" and \\) are undone.
UPDATE ${table_prefix}lots
SET plan_id = REGEXP_REPLACE(REGEXP_SUBSTR(metadata, '"planId":"((?:[^"\\]|\\.)*)"', 1, 1, '', 1), '\\(.)', '$1'),
    period_start_at_micros = DATEDIFF(MICROSECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00Z',
        CAST(REGEXP_SUBSTR(metadata, '^\{"periodStart":"([^"]*)"', 1, 1, '', 1) AS TIMESTAMP WITH TIME ZONE)),
    rollover = REGEXP_LIKE(metadata, ',"rollover":"true"\}$'),
    metadata = NULL
WHERE source = 'SUBSCRIPTION' AND plan_id IS NULL
  AND REGEXP_LIKE(metadata, '^\{"periodStart":"[^"]*","planId":"(?:[^"\\]|\\.)*"(?:,"rollover":"true")?\}$');

MERGE INTO ${table_prefix}entries AS e
USING (SELECT transaction_id, account_id FROM ${table_prefix}lots WHERE plan_id IS NOT NULL) AS l
ON l.transaction_id = e.transaction_id AND l.account_id = e.account_id AND e.entry_type = 'GRANT'
   AND e.metadata LIKE '{"periodStart":%'
WHEN MATCHED THEN UPDATE SET metadata = NULL;
