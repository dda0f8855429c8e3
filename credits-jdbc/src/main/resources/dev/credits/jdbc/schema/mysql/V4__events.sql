-- credits schema, version 4, MySQL 8.0.17+, InnoDB (not tested in this build; the MariaDB file is).
--
-- ${table_prefix} is a placeholder for the table prefix (default credits_), in Flyway / Liquibase syntax.
-- JdbiCreditStore.installSchema() runs this file itself; a host may hand it to its own Flyway or
-- Liquibase instead (see the credits-jdbc README section). Every statement is idempotent: where DDL commits
-- statement by statement, a run cut off halfway runs again from the first statement.
--
-- Events (the outbox). A unit of work inserts its events in its own transaction, without a position; a consumer's
-- poll numbers committed unnumbered events in one serialized step (under the lock of the sequencer row), so positions
-- follow commit order and a reader going "after position p" never skips an event that committed late (a sequence or
-- identity value taken at insert time would: transactions commit in another order than they insert).

-- The outbox: one row per event, unique per (account, account sequence, index in its unit of work).
CREATE TABLE IF NOT EXISTS ${table_prefix}events (
    account_id         VARCHAR(128) NOT NULL,
    account_sequence   BIGINT       NOT NULL,
    event_index        INTEGER      NOT NULL,
    event_id           VARCHAR(64)  NOT NULL,
    event_position     BIGINT,
    event_type         VARCHAR(32)  NOT NULL,
    credit_type        VARCHAR(64),
    payload            MEDIUMTEXT,
    occurred_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (account_id, account_sequence, event_index),
    -- Numbered events by position (consumers), and the unnumbered ones (position NULL) for the numbering step.
    UNIQUE KEY ${table_prefix}events_position (event_position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

-- The last position given: the row the numbering step locks.
CREATE TABLE IF NOT EXISTS ${table_prefix}event_sequencer (
    sequencer_name VARCHAR(32) NOT NULL,
    last_position  BIGINT      NOT NULL,
    PRIMARY KEY (sequencer_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;
INSERT IGNORE INTO ${table_prefix}event_sequencer (sequencer_name, last_position) VALUES ('outbox', 0);

-- Named consumers: a durable cursor and a lease (owner and deadline) taken by a conditional UPDATE.
CREATE TABLE IF NOT EXISTS ${table_prefix}event_consumers (
    consumer_name      VARCHAR(128) NOT NULL,
    cursor_position    BIGINT       NOT NULL,
    lease_owner        VARCHAR(64),
    lease_until_micros BIGINT,
    created_at_micros  BIGINT       NOT NULL,
    PRIMARY KEY (consumer_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

-- Low-balance hysteresis: whether an account's credit type is in the low state (no row: not low).
CREATE TABLE IF NOT EXISTS ${table_prefix}alert_states (
    account_id        VARCHAR(128) NOT NULL,
    credit_type       VARCHAR(64)  NOT NULL,
    is_low            BOOLEAN      NOT NULL,
    changed_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (account_id, credit_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

-- Lots whose coming expiry was announced (once per lot).
CREATE TABLE IF NOT EXISTS ${table_prefix}expiry_notices (
    account_id        VARCHAR(128) NOT NULL,
    lot_id            VARCHAR(128) NOT NULL,
    noticed_at_micros BIGINT       NOT NULL,
    PRIMARY KEY (account_id, lot_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;
