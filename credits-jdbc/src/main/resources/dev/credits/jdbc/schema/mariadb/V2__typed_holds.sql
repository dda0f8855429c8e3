-- credits schema, version 2, MariaDB 10.5+ (tested on 10.11), InnoDB.
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- Typed holds. A hold says what it holds credits for: kind WORK (a reservation) or FREEZE (a dispute freezing a
-- purchase's unspent credits), and a freeze names its purchase in purchase_id. Version 1 marked a freeze with
-- feature_key NULL, a 9999-12-31 deadline and the metadata key "freezeOf" (the purchase id); metadata is now the
-- host's alone.

ALTER TABLE ${table_prefix}holds ADD COLUMN IF NOT EXISTS kind VARCHAR(16) DEFAULT 'WORK' NOT NULL;
ALTER TABLE ${table_prefix}holds ADD COLUMN IF NOT EXISTS purchase_id VARCHAR(128);

-- Version 1's freezes (open or not) become kind FREEZE. Their purchase is found without JSON functions: a freeze's
-- receipt line (allocations.owner_id = hold_id) is on the purchase's own lot, which purchases.lot_id names. Their
-- metadata held nothing but the ledger's "freezeOf" key, which now lives in purchase_id: it is cleared, so a
-- migrated freeze reads exactly as one written by this version. Work holds are untouched (kind takes its default).
UPDATE ${table_prefix}holds
SET kind = 'FREEZE',
    purchase_id = (SELECT MIN(p.purchase_id)
                   FROM ${table_prefix}allocations a
                   JOIN ${table_prefix}purchases p ON p.lot_id = a.lot_id
                   WHERE a.owner_id = ${table_prefix}holds.hold_id),
    metadata = NULL
WHERE kind = 'WORK' AND feature_key IS NULL AND metadata LIKE '%"freezeOf"%'
  AND EXISTS (SELECT 1
              FROM ${table_prefix}allocations a
              JOIN ${table_prefix}purchases p ON p.lot_id = a.lot_id
              WHERE a.owner_id = ${table_prefix}holds.hold_id);
