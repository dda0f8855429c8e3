-- credits schema, version 9, MariaDB 10.5+ (tested on 10.11), InnoDB.
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- Receipts on the entry. Most entries draw on one lot: their one receipt line is kept on the entry itself (lot_id,
-- lot_amount: the lot and the signed change of its remaining amount) instead of a row of allocations, one row and
-- one index entry less per deduction. An entry whose receipt has several lines keeps them all in allocations, as
-- does a hold's reservation. Rows written before this version keep their allocations rows and read as before.

ALTER TABLE ${table_prefix}entries ADD COLUMN IF NOT EXISTS lot_id VARCHAR(128);
ALTER TABLE ${table_prefix}entries ADD COLUMN IF NOT EXISTS lot_amount BIGINT;
