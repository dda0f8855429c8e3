package dev.credits.jdbc.bench;

import dev.credits.CreditLedger;
import dev.credits.LotSource;
import dev.credits.spi.UsageKey;
import dev.credits.spi.UsageKind;
import dev.credits.spi.UsageRecord;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Writes a long ledger for one account straight into a PostgreSQL store's tables with {@code INSERT ... SELECT
 * generate_series}, exactly as the ledger would have written it, in seconds instead of a million API calls.
 *
 * <p>Shape, for {@code entries} entries: blocks of one GRANT of {@value #LOT} credits (a lot of its own) followed by
 * {@value #LOT} DEDUCTIONs of 1 credit from that lot (the feature priced at 1 credit), so every lot but the last
 * block's is fully consumed (not live) and the balance runs 100, 99, ..., 0, 100, ...; the last entry is a GRANT of
 * {@value #FINAL_GRANT} credits (a second live lot) that the benchmark spends. Each entry has its receipt line
 * (allocations: +amount for a grant, -1 from the block's lot for a deduction), entries are 1 ms apart and end in the
 * past, sequence numbers are 1..entries, the account's sequence is {@code entries}, and the balance row is the sum.
 * Transaction and lot ids are UUID-shaped (md5 of a seed), spread over the primary key like the ledger's random
 * UUIDs. The usage rows of reports are summed from the entries (per 15-minute bucket: one row of the deductions, one
 * of the grants), as the units of work would have written them.
 */
final class GrowthLedger {

    static final int LOT = 100;
    static final long FINAL_GRANT = 1_000_000_000_000L;

    private GrowthLedger() {
    }

    /**
     * Fills the store's tables for {@code accountId}, which must have been opened (and have nothing else) and be the
     * only account written under {@code prefix}.
     */
    static void build(DataSource dataSource, String prefix, String accountId, String featureKey, long entries)
            throws SQLException {
        build(dataSource, prefix, accountId, featureKey, entries, 1000,
                ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
    }

    /**
     * As {@link #build(DataSource, String, String, String, long)}, the entries {@code spacingMicros} apart, the last
     * one {@code spacingMicros} before {@code endMicros} (the reports benchmark spreads them over years).
     */
    static void build(DataSource dataSource, String prefix, String accountId, String featureKey, long entries,
                      long spacingMicros, long endMicros) throws SQLException {
        if (entries < 2) {
            throw new IllegalArgumentException("at least 2 entries");
        }
        long before = entries - 1;                   // blocks of grant + 100 deductions, then the final grant
        long blocks = (before + LOT) / (LOT + 1);     // the last block may be partial
        long lastBalance = LOT - (before - 1) % (LOT + 1);
        long t0 = endMicros - (entries + 1) * spacingMicros;
        if (t0 < 0) {
            throw new IllegalArgumentException("the entries would start before 1970");
        }
        String seed = prefix + accountId;
        String credits = CreditLedger.DEFAULT_CREDIT_TYPE;
        int block = LOT + 1;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL synchronous_commit = off");
                statement.execute("SET LOCAL maintenance_work_mem = '256MB'");
                statement.execute("SET LOCAL work_mem = '64MB'");
            }
            // Entries 1..before: GRANT at each block start, DEDUCTIONs after it.
            update(connection, "INSERT INTO " + prefix + "entries (transaction_id, account_id, sequence_no, entry_type,"
                    + " credit_type, amount, balance_after, feature_key, quantity, unit_price, retry_number,"
                    + " created_at_micros) SELECT md5(? || '-e' || i)::uuid::text, ?, i,"
                    + " CASE WHEN (i - 1) % " + block + " = 0 THEN 'GRANT' ELSE 'DEDUCTION' END, ?,"
                    + " CASE WHEN (i - 1) % " + block + " = 0 THEN " + LOT + " ELSE -1 END,"
                    + " " + LOT + " - (i - 1) % " + block + ","
                    + " CASE WHEN (i - 1) % " + block + " = 0 THEN NULL ELSE ? END,"
                    + " CASE WHEN (i - 1) % " + block + " = 0 THEN 0 ELSE 1 END,"
                    + " CASE WHEN (i - 1) % " + block + " = 0 THEN 0 ELSE 1 END, 0,"
                    + " ? + i * ?"
                    + " FROM generate_series(1::bigint, ?) AS i", seed, accountId, credits, featureKey, t0, spacingMicros,
                    before);
            // The final grant.
            update(connection, "INSERT INTO " + prefix + "entries (transaction_id, account_id, sequence_no, entry_type,"
                    + " credit_type, amount, balance_after, quantity, unit_price, retry_number, created_at_micros)"
                    + " VALUES (md5(? || '-e' || ?::bigint)::uuid::text, ?, ?, 'GRANT', ?, ?, ?, 0, 0, 0, ?)",
                    seed, entries, accountId, entries, credits, FINAL_GRANT, lastBalance + FINAL_GRANT,
                    t0 + entries * spacingMicros);
            // One lot per block: remaining = 100 - its deductions (0 but for a partial last block); then the final lot.
            update(connection, "INSERT INTO " + prefix + "lots (lot_id, account_id, credit_type, source, priority, amount,"
                    + " remaining, held, live, granted_at_micros, transaction_id)"
                    + " SELECT md5(? || '-l' || b)::uuid::text, ?, ?, 'ADMIN', 100, " + LOT + ", r.remaining, 0,"
                    + " r.remaining <> 0, ? + (b * " + block + " + 1) * " + spacingMicros + ", md5(? || '-e' || (b * " + block
                    + " + 1))::uuid::text"
                    + " FROM generate_series(0::bigint, ?) AS b,"
                    + " LATERAL (SELECT " + LOT + " - (LEAST(?, b * " + block + " + " + block + ") - (b * " + block
                    + " + 1)) AS remaining) AS r",
                    seed, accountId, credits, t0, seed, blocks - 1, before);
            update(connection, "INSERT INTO " + prefix + "lots (lot_id, account_id, credit_type, source, priority, amount,"
                    + " remaining, held, live, granted_at_micros, transaction_id)"
                    + " VALUES (md5(? || '-final')::uuid::text, ?, ?, 'ADMIN', 100, ?, ?, 0, TRUE, ?,"
                    + " md5(? || '-e' || ?::bigint)::uuid::text)",
                    seed, accountId, credits, FINAL_GRANT, FINAL_GRANT, t0 + entries * spacingMicros, seed, entries);
            // Receipt lines: +100 into the block's lot for a grant, -1 from it for a deduction; the final grant.
            update(connection, "INSERT INTO " + prefix + "allocations (owner_id, line_no, lot_id, amount)"
                    + " SELECT md5(? || '-e' || i)::uuid::text, 0, md5(? || '-l' || ((i - 1) / " + block + "))::uuid::text,"
                    + " CASE WHEN (i - 1) % " + block + " = 0 THEN " + LOT + " ELSE -1 END"
                    + " FROM generate_series(1::bigint, ?) AS i", seed, seed, before);
            update(connection, "INSERT INTO " + prefix + "allocations (owner_id, line_no, lot_id, amount)"
                    + " VALUES (md5(? || '-e' || ?::bigint)::uuid::text, 0, md5(? || '-final')::uuid::text, ?)",
                    seed, entries, seed, FINAL_GRANT);
            update(connection, "INSERT INTO " + prefix + "balances (account_id, credit_type, balance, held)"
                    + " VALUES (?, ?, ?, 0)", accountId, credits, lastBalance + FINAL_GRANT);
            int updated = update(connection, "UPDATE " + prefix + "accounts SET sequence_no = ?, created_at_micros = ?,"
                    + " updated_at_micros = ? WHERE account_id = ? AND sequence_no = 0",
                    entries, t0, t0 + entries * spacingMicros, accountId);
            if (updated != 1) {
                throw new IllegalStateException("account " + accountId + " is not a fresh account");
            }
            // The usage rows of reports: per 15-minute bucket, the deductions (by feature) and the grants (ADMIN lots).
            UsageKey deductions = new UsageKey(credits, UsageKind.USAGE, null, featureKey, null, null, null);
            UsageKey grants = new UsageKey(credits, UsageKind.GRANT, LotSource.ADMIN, null, null, null, null);
            long grain = UsageRecord.GRAIN_SECONDS * 1_000_000L;
            update(connection, "INSERT INTO " + prefix + "usage_buckets (account_id, bucket_start_micros, group_key,"
                    + " credit_type, usage_kind, lot_source, feature_key, credits, charged, refunded, quantity,"
                    + " deductions, free_retries, entry_count, money_amount)"
                    + " SELECT account_id, created_at_micros / " + grain + " * " + grain + ","
                    + " CASE WHEN entry_type = 'GRANT' THEN ? ELSE ? END, credit_type,"
                    + " CASE WHEN entry_type = 'GRANT' THEN 'GRANT' ELSE 'USAGE' END,"
                    + " CASE WHEN entry_type = 'GRANT' THEN 'ADMIN' END, max(feature_key), sum(amount),"
                    + " sum(CASE WHEN entry_type = 'DEDUCTION' THEN -amount ELSE 0 END), 0, sum(quantity),"
                    + " sum(CASE WHEN entry_type = 'DEDUCTION' THEN 1 ELSE 0 END), 0, count(*), 0"
                    + " FROM " + prefix + "entries WHERE account_id = ?"
                    + " GROUP BY account_id, created_at_micros / " + grain + ", entry_type, credit_type"
                    // in time order, as a ledger appends them (an unordered INSERT would scatter a window's rows)
                    + " ORDER BY created_at_micros / " + grain,
                    grants.groupKey(), deductions.groupKey(), accountId);
            connection.commit();
        }
    }

    /**
     * Checks the invariants with SQL aggregates (cheap enough for a million entries): sequence numbers 1..n without
     * gaps, each balance_after the running sum, balance row = sum of entries = sum of the live lots' remaining, every
     * lot's remaining = the sum of its receipt lines, the account's sequence = the newest entry's.
     *
     * @return a one-line summary
     * @throws IllegalStateException if one does not hold
     */
    static String check(DataSource dataSource, String prefix, String accountId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            long[] entries = longs(connection, "SELECT count(*), min(sequence_no), max(sequence_no), sum(amount)"
                    + " FROM " + prefix + "entries WHERE account_id = ?", accountId);
            long brokenRunning = longs(connection, "SELECT count(*) FROM (SELECT balance_after, sum(amount) OVER"
                    + " (ORDER BY sequence_no) AS running FROM " + prefix + "entries WHERE account_id = ?) AS e"
                    + " WHERE balance_after <> running", accountId)[0];
            long balance = longs(connection, "SELECT balance FROM " + prefix + "balances WHERE account_id = ?",
                    accountId)[0];
            long[] lots = longs(connection, "SELECT coalesce(sum(remaining), 0), count(*) FROM " + prefix + "lots"
                    + " WHERE account_id = ? AND live", accountId);
            long allLots = longs(connection, "SELECT count(*) FROM " + prefix + "lots WHERE account_id = ?",
                    accountId)[0];
            // Receipt lines: rows of allocations, and since schema version 9 the one line an entry may carry.
            long brokenLots = longs(connection, "SELECT count(*) FROM " + prefix + "lots AS l LEFT JOIN (SELECT"
                    + " lot_id, sum(amount) AS total FROM (SELECT a.lot_id, a.amount FROM " + prefix + "allocations"
                    + " AS a JOIN " + prefix + "entries AS e ON e.transaction_id = a.owner_id WHERE e.account_id = ?"
                    + " UNION ALL SELECT lot_id, lot_amount FROM " + prefix + "entries WHERE account_id = ?"
                    + " AND lot_id IS NOT NULL) AS lines GROUP BY lot_id) AS r"
                    + " ON r.lot_id = l.lot_id WHERE l.account_id = ? AND coalesce(r.total, 0) <> l.remaining",
                    accountId, accountId, accountId)[0];
            long sequence = longs(connection, "SELECT sequence_no FROM " + prefix + "accounts WHERE account_id = ?",
                    accountId)[0];
            boolean ok = entries[1] == 1 && entries[2] == entries[0] && brokenRunning == 0 && balance == entries[3]
                    && balance == lots[0] && brokenLots == 0 && sequence == entries[2];
            String summary = String.format("%,d entries (sequence %d..%d), balance %,d = sum of entries %,d = live lots'"
                            + " remaining %,d (%d live of %,d lots), %d running-balance and %d lot-receipt mismatches,"
                            + " account sequence %,d", entries[0], entries[1], entries[2], balance, entries[3], lots[0],
                    lots[1], allLots, brokenRunning, brokenLots, sequence);
            if (!ok) {
                throw new IllegalStateException("growth ledger " + prefix + " breaks an invariant: " + summary);
            }
            return summary;
        }
    }

    private static int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            return statement.executeUpdate();
        }
    }

    private static long[] longs(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new IllegalStateException("no row: " + sql);
                }
                int columns = rows.getMetaData().getColumnCount();
                long[] values = new long[columns];
                for (int i = 0; i < columns; i++) {
                    values[i] = rows.getLong(i + 1);
                }
                return values;
            }
        }
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }
}
