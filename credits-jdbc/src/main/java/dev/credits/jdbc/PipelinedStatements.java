package dev.credits.jdbc;

/**
 * The statements of a dialect whose driver runs several statements in one execution ({@link Pipeline}): the
 * unit of work's first read (lock, balances, live lots, due holds, the feature, the idempotency record) goes to the
 * database in one round trip, and its whole change set in one more. Positional parameters; multi-row VALUES lists of
 * {@code rows} rows.
 *
 * <p>Where the dialect {@linkplain #checksInDatabase() checks in the database} (PostgreSQL) the COMMIT travels with
 * the change set, so nothing can be checked on the client between them: the statements whose row count matters (the
 * conditional account update, lot and hold updates, the idempotency insert) are <em>checked</em>: they return one
 * row, and fail with SQLState 22P02 and the text {@value #CHECK_FAILED}{@code <what> <changed> of <expected>} in the
 * message when they did not change exactly the rows expected, which aborts the transaction before the COMMIT runs.
 * Elsewhere (MariaDB/MySQL) they are plain statements: the store checks their update counts, then commits (one more
 * round trip), and a duplicate idempotency key fails the insert itself.
 *
 * <p>A change set's purchases and promotion uses are not part of the pipeline: the store sends them as statements of
 * their own, in the same transaction, before it (see {@link SqlStatements#usePromotion()},
 * {@link SqlStatements#updatePurchase()}). Only purchases have them, so a deduction's round trips stay as they are.
 */
interface PipelinedStatements {

    /** Marks the failure of a checked statement: followed by what was checked and the rows it changed. */
    String CHECK_FAILED = "credits check failed: ";
    /** What a checked statement checks: the account row's update. */
    String CHECK_ACCOUNT = "account";
    /** What a checked statement checks: lot updates. */
    String CHECK_LOTS = "lots";
    /** What a checked statement checks: hold updates. */
    String CHECK_HOLDS = "holds";
    /** What a checked statement checks: the idempotency record's insert. */
    String CHECK_IDEMPOTENCY = "idempotency";

    /**
     * Reads the account row: locks it FOR UPDATE, or reads it in the transaction's snapshot when
     * {@code readOnly} (then {@link SqlStatements#snapshotReadStatement()} runs first); parameter: account id.
     */
    String pipelinedAccount(boolean readOnly);

    /** Parameter: account id. */
    String pipelinedBalances();

    /** Parameter: account id. */
    String pipelinedLiveLots();

    /** Parameters: account id, now. */
    String pipelinedDueHolds();

    /** Parameter: feature key. */
    String pipelinedFeature();

    /** Parameters: account id, idempotency key. */
    String pipelinedIdempotency();

    /**
     * Whether the row-count checks run in the database (the statements below are <em>checked</em>) and the COMMIT
     * ends the change set's pipeline; otherwise the store checks update counts and commits separately.
     */
    boolean checksInDatabase();

    /** Ends the transaction, as the last statement of the change set's pipeline (when {@link #checksInDatabase()}). */
    String pipelinedCommit();

    /**
     * Checked: one row (see {@link #checksInDatabase()}). Parameters: status, overdraft limit, low balance threshold,
     * max open holds, plan id, next plan id, subscription id, period start, period end, sequence, updated at, account
     * id, the sequence read under the lock (see {@link SqlStatements#updateAccount()}).
     */
    String pipelinedUpdateAccount();

    /** Rows: account id, credit type, balance, held. */
    String pipelinedUpsertBalances(int rows);

    /** Rows: the lot columns ({@link SqlStatements#LOT_COLUMNS}), then live. */
    String pipelinedInsertLots(int rows);

    /** Checked: {@code rows} rows. Rows: lot id, remaining, held, live; then the account id. */
    String pipelinedUpdateLots(int rows);

    /** Rows: the hold columns ({@link SqlStatements#HOLD_COLUMNS}). */
    String pipelinedInsertHolds(int rows);

    /**
     * Checked: {@code rows} rows, each an OPEN hold. Rows: hold id, status, resolved at, committed credits, transaction
     * id; then the account id.
     */
    String pipelinedUpdateHolds(int rows);

    /** Rows: the entry columns ({@link SqlStatements#ENTRY_COLUMNS}). */
    String pipelinedInsertEntries(int rows);

    /** Rows: owner id, position, lot id, amount. */
    String pipelinedInsertAllocations(int rows);

    /**
     * Checked: one row (none if the key exists); or, not checking in the database, fails on a duplicate key. Account
     * id, key, fingerprint, result, created at.
     */
    String pipelinedInsertIdempotency();
}
