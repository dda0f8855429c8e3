-- The test-only version (99) changed after it was applied (note is longer): the runner must refuse it.
-- A version (99) that only the tests ship, to prove the runner upgrades a database in place (SchemaMigrationTestBase).
-- The same SQL runs on H2, PostgreSQL and MariaDB; every statement is idempotent, like the shipped files, so a
-- version cut off halfway on a database whose DDL commits implicitly can run again from the start.

-- A column added to a table that holds data, filled for the rows already there.
ALTER TABLE ${table_prefix}accounts ADD COLUMN IF NOT EXISTS test_note VARCHAR(64);
UPDATE ${table_prefix}accounts SET test_note = 'v2' WHERE test_note IS NULL;

-- A new table.
CREATE TABLE IF NOT EXISTS ${table_prefix}test_extra (
    extra_id VARCHAR(64) NOT NULL PRIMARY KEY,
    note     VARCHAR(128)
);
