-- credits schema, version 9, MySQL 8.0.17+, InnoDB (not tested in this build; the MariaDB file is).
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

-- MySQL has no ADD COLUMN IF NOT EXISTS: each column is added by a statement prepared only when the column is
-- missing (otherwise DO 0), which keeps the version idempotent like MariaDB's.
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}entries ADD COLUMN lot_id VARCHAR(128)', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}entries' AND column_name = 'lot_id');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
SET @credits_ddl = (SELECT IF(COUNT(*) = 0,
    'ALTER TABLE ${table_prefix}entries ADD COLUMN lot_amount BIGINT', 'DO 0')
    FROM information_schema.columns
    WHERE table_schema = DATABASE() AND table_name = '${table_prefix}entries' AND column_name = 'lot_amount');
PREPARE credits_ddl FROM @credits_ddl;
EXECUTE credits_ddl;
DEALLOCATE PREPARE credits_ddl;
