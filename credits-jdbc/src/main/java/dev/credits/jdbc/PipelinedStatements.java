package dev.credits.jdbc;

/**
 * The statements of a dialect whose driver runs several statements in one execution ({@link Pipeline}): the
 * unit of work's first read (lock, balances, live lots, due holds) and its whole change set each go to the
 * database in one round trip. Positional parameters; multi-row VALUES lists of {@code rows} rows.
 */
interface PipelinedStatements {

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

    /**
     * Parameters: status, overdraft limit, low balance threshold, sequence, updated at, account id, the sequence read
     * under the lock (see {@link SqlStatements#updateAccount()}).
     */
    String pipelinedUpdateAccount();

    /** Rows: account id, credit type, balance, held. */
    String pipelinedUpsertBalances(int rows);

    /** Rows: the lot columns ({@link SqlStatements#LOT_COLUMNS}), then live. */
    String pipelinedInsertLots(int rows);

    /** Rows: lot id, remaining, held, live; then the account id. */
    String pipelinedUpdateLots(int rows);

    /** Rows: the hold columns ({@link SqlStatements#HOLD_COLUMNS}). */
    String pipelinedInsertHolds(int rows);

    /** Rows: hold id, status, resolved at, committed credits, transaction id; then the account id. */
    String pipelinedUpdateHolds(int rows);

    /** Rows: the entry columns ({@link SqlStatements#ENTRY_COLUMNS}). */
    String pipelinedInsertEntries(int rows);

    /** Rows: owner id, position, lot id, amount. */
    String pipelinedInsertAllocations(int rows);

    /** Inserts unless the key exists (then updates 0 rows). Account id, key, fingerprint, result, created at. */
    String pipelinedInsertIdempotency();
}
