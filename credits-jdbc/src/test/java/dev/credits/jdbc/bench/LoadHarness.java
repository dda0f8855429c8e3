package dev.credits.jdbc.bench;

import dev.credits.Balance;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.HistoryFilter;
import dev.credits.HistoryPage;
import dev.credits.PageRequest;
import dev.credits.jdbc.JdbiCreditStore;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.spi.CreditStore;
import dev.credits.tck.LedgerInvariants;

import javax.sql.DataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The load harness of credits-jdbc: deductions per second and latency percentiles through {@link CreditLedger} on
 * {@link JdbiCreditStore}, N client threads, (a) one hot account and (b) 10,000 accounts chosen at random, on
 * PostgreSQL, MariaDB and an H2 file database; on PostgreSQL the same workload as hand-written SQL run by
 * {@code pgbench} in the same run (the baseline), a few diagnostic runs that take the gap apart, and the growth test
 * (deduction, balance, history page on a 1,000-entry and a 1,000,000-entry ledger). Measures, never asserts a time.
 * Writes a Markdown report. Each database works in an area of its own (schema, table prefix, directory) that is
 * removed at the end. Only talks to 127.0.0.1.
 *
 * <p>Run from the repository root (see {@code credits-jdbc/src/test/resources/bench/RESULTS.md}):
 *
 * <pre>
 * mvn -B -q -pl credits-core,credits-jdbc -am -Pbench test-compile exec:java
 * </pre>
 *
 * <p>Settings (system properties, {@code -Dname=value}): {@code credits.bench.threads} (8),
 * {@code credits.bench.seconds} (20, measured per row), {@code credits.bench.rounds} (4: the rows of a table take
 * turns, each measured in 4 windows of 5 s), {@code credits.bench.warmup} (5 seconds, extended until the JIT has
 * settled),
 * {@code credits.bench.accounts} (10000), {@code credits.bench.databases} (postgresql,mariadb,h2),
 * {@code credits.bench.scenarios} (a,b,p,reports; p: one organization pool spent by its members, PostgreSQL only;
 * "reports" alone runs only the reports rows; "engine" alone runs only the engine on one thread, in memory; "keys"
 * alone runs only the ids' order rows: entries inserted with random against time-ordered ids, PostgreSQL and MariaDB,
 * into a table of {@code credits.bench.keys.rows} (2000000) rows),
 * {@code credits.bench.postgres.url} ({@code $CREDITS_TEST_POSTGRES_URL} or
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres), {@code credits.bench.mariadb.url}
 * ({@code $CREDITS_TEST_MARIADB_URL} or jdbc:mariadb://127.0.0.1:3306/test?user=root),
 * {@code credits.bench.diagnostics} (true: more rows on PostgreSQL that take the gap apart),
 * {@code credits.bench.inflight} (none; e.g. 2,4: on PostgreSQL, rows (a) and (b) of the default ledger with these
 * bounds of {@link CreditLedger.Builder#maxUnitsInFlight(int) units in flight}),
 * {@code credits.bench.growth} (1000000 entries; 0 skips the growth test), {@code credits.bench.growth.samples}
 * (1000 timed calls per operation and ledger), {@code credits.bench.out} (credits-jdbc/target/bench/results.md).
 */
public final class LoadHarness {

    private static final String FEATURE = "bench_deduction";
    private static final String HOT = "hot";
    private static final String COMBINED = "library, combining on";
    private static final String UNCOMBINED = "library, combining off";
    private static final String BASELINE = "baseline";
    private static final long CREDITS_PER_ACCOUNT = 1_000_000_000_000L;
    /** The warm-up of the later rounds of an interleaved comparison (the JIT has settled in the first). */
    private static final Duration REWARM = Duration.ofSeconds(2);

    private final Settings settings;
    private final StringBuilder report = new StringBuilder();

    private LoadHarness(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromSystemProperties();
        LoadHarness harness = new LoadHarness(settings);
        int status = 0;
        try {
            harness.run();
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        Path out = settings.out;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, harness.report.toString());
        log("report written to " + out.toAbsolutePath());
        if (status != 0) {
            throw new IllegalStateException("the benchmark failed; see above");
        }
    }

    // ================================================================================================ the run

    private void run() throws Exception {
        log("settings: " + settings);
        if (settings.scenarios.equals(List.of("engine"))) {
            machine();
            engine(); // -Dcredits.bench.scenarios=engine: only the engine on one thread, no database, about a minute
            return;
        }
        if (settings.scenarios.equals(List.of("keys"))) {
            machine();
            keys(); // -Dcredits.bench.scenarios=keys: only the ids' order, PostgreSQL and MariaDB, a few minutes
            return;
        }
        header();
        if (settings.scenarios.equals(List.of("reports"))) {
            reports(); // -Dcredits.bench.scenarios=reports: only the reports rows (PostgreSQL), a few minutes
            return;
        }
        for (String database : settings.databases) {
            switch (database) {
                case "postgresql" -> postgres();
                case "mariadb" -> mariadb();
                case "h2" -> h2();
                default -> throw new IllegalArgumentException("unknown database " + database
                        + " (postgresql, mariadb, h2)");
            }
        }
        if (settings.databases.contains("postgresql") && settings.growthEntries > 0) {
            growth();
        }
        if (settings.scenarios.contains("reports") && settings.databases.contains("postgresql")) {
            reports();
        }
    }

    /** The title, the machine and the command that reproduces the run. */
    private void machine() {
        report.append("## Performance\n\n");
        report.append(String.format("Measured %s on %d cores, %d GiB (%s %s), Java %s; client and database on the"
                        + " same machine, which other work shares, so only ratios within one run are meaningful.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(), memoryGiB(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version")));
        report.append("```\n").append(settings.command()).append("\n```\n\n");
    }

    private void header() {
        machine();
        report.append(String.format("Each row: %s client threads deducting 1 credit (a feature priced 1 credit,"
                        + " quantity 1, no idempotency key) as fast as they can; (a) one hot account, (b) %,d accounts,"
                        + " one chosen uniformly at random per deduction. The rows of a table take turns: %d rounds of"
                        + " %d s each (%d s per row), the first after a %d s warm-up extended until the JIT has"
                        + " settled, later ones after %d s, so that what other work does to the machine falls on all"
                        + " rows alike; \"per round\" shows the spread. Latency is per deduction, as the caller sees"
                        + " it (own log-linear histogram, pgbench's per-transaction log). CPU is per deduction: client"
                        + " = the JVM (or pgbench), server = the database's processes. \"combining on\": the ledger"
                        + " as built by default (calls on one account, or one organization, wait for its transaction"
                        + " in flight and share the next; beyond the bound of transactions in flight, calls on other"
                        + " accounts share one too: see CreditLedger.Builder#writeCombining); \"combining off\": each"
                        + " call its own transaction."
                        + " The baseline is the hand-written per-request SQL (guarded UPDATE of a balance row + INSERT"
                        + " of an entry, one transaction per deduction): pgbench on PostgreSQL, the same SQL over JDBC"
                        + " (Hikari) on MariaDB and H2 (a file database written at each commit, WRITE_DELAY=0).%n%n",
                settings.threadList(),
                settings.accounts, settings.rounds, Math.max(1, settings.seconds.toSeconds() / settings.rounds),
                settings.seconds.toSeconds(), settings.warmup.toSeconds(), REWARM.toSeconds()));
    }

    // ------------------------------------------------------------------------------------------------ PostgreSQL

    private void postgres() throws Exception {
        try (BenchDatabase.Postgres database = new BenchDatabase.Postgres(settings.postgresUrl)) {
            log("PostgreSQL: schema " + database.schema());
            Path work = Files.createTempDirectory("credits-bench-pgbench-");
            try {
                postgres(database, work);
            } finally {
                deleteTree(work);
            }
        }
    }

    private void postgres(BenchDatabase.Postgres database, Path work) throws Exception {
        String version = PgBench.version();
        JdbiCreditStore store = database.store(database.tablePrefix(), settings.maxThreads(), null);
        CreditLedger ledger = setUpLedger(store);
        CreditLedger uncombined = uncombined(store);
        DataSource admin = database.pool(2, null);
        createPgbenchTables(admin, database.schema());
        String calls = calibrate(database);
        LongSupplier server = () -> Cpu.serverNanos(database.serverCommand());
        PgBench pgbench = version == null ? null : new PgBench(database.target(), work);
        if (pgbench == null) {
            log("pgbench not found: no baseline");
        }
        String a = "(a) one hot account";
        String b = "(b) " + accounts() + " random accounts";
        List<Entry> hot = new ArrayList<>();
        List<Entry> random = new ArrayList<>();
        for (int threads : settings.threads) {
            hot.add(library(COMBINED, ledger, true, server, threads));
            hot.add(library(UNCOMBINED, uncombined, true, server, threads));
            random.add(library(COMBINED, ledger, false, server, threads));
            random.add(library(UNCOMBINED, uncombined, false, server, threads));
            for (int bound : settings.inFlight) {
                // The same default ledger with another bound of units in flight: how the bound moves each load.
                CreditLedger bounded = CreditLedger.builder().store(store).maxUnitsInFlight(bound).build();
                hot.add(library(COMBINED + ", maxUnitsInFlight " + bound, bounded, true, server, threads));
                random.add(library(COMBINED + ", maxUnitsInFlight " + bound, bounded, false, server, threads));
            }
            if (pgbench != null) {
                hot.add(pgbenchEntry(BASELINE + " (pgbench)", pgbench, "hot",
                        pgbenchScript(database.schema(), true, settings.accounts), null, server, threads));
                random.add(pgbenchEntry(BASELINE + " (pgbench)", pgbench, "random",
                        pgbenchScript(database.schema(), false, settings.accounts), null, server, threads));
            }
        }
        int mainRows = random.size();
        if (settings.diagnostics) {
            random.addAll(postgresDiagnostics(database, pgbench, server));
        }
        BenchDatabase.execute(admin, "VACUUM ANALYZE");

        List<Row> rows = new ArrayList<>();
        if (settings.scenarios.contains("a")) {
            rows.addAll(withRatios(interleaved(a, hot)));
        }
        List<Row> randomRows = settings.scenarios.contains("b") ? interleaved(b, random) : List.of();
        rows.addAll(withRatios(randomRows.stream().limit(mainRows).toList()));
        table(database.name() + (version == null ? "" : " (baseline: " + version + ")"), rows);
        report.append("JDBC calls per deduction (one thread, counted at the driver; each is one round trip): ")
                .append(calls).append(".\n\n");
        if (settings.scenarios.contains("p")) {
            hotPool(database, server);
        }
        if (randomRows.size() > mainRows) {
            report.append("Diagnostics on PostgreSQL, scenario (b), interleaved with the rows above:\n\n");
            rowsTable(randomRows.subList(mainRows, randomRows.size()));
        }
        database.closePools();
        if (settings.diagnostics && settings.scenarios.contains("b")) {
            // The ledger's rules alone: the in-memory store, same threads and accounts.
            CreditLedger memory = setUpLedger(new InMemoryCreditStore());
            Entry engine = new Entry("ledger on InMemoryCreditStore (the engine's CPU alone)", (warmup, settle, window) ->
                    LoadRun.run(settings.baseThreads(), warmup, settle, window,
                            random(memory), Cpu::jvmNanos, () -> -1));
            List<Row> engineRows = interleaved(b, List.of(engine));
            report.append("The engine alone, no database: ").append(engineRows.get(0).describe()).append(".\n\n");
        }
    }

    /**
     * The diagnostic runs of scenario (b), interleaved with the library and pgbench: the same SQL as pgbench from
     * Java, both without waiting for the WAL flush, and the library's own SQL from pgbench.
     */
    private List<Entry> postgresDiagnostics(BenchDatabase.Postgres database, PgBench pgbench, LongSupplier server) {
        List<Entry> entries = new ArrayList<>();
        // The same UPDATE + INSERT as pgbench, from Java over JDBC and the same pool: what the JVM client costs.
        DataSource pool = database.pool(settings.baseThreads(), null);
        entries.add(new Entry("hand-written SQL over JDBC (Hikari, 3 round trips)", (warmup, settle, window) ->
                LoadRun.run(settings.baseThreads(), warmup, settle, window,
                        random -> handWritten(pool, "acct-" + (1 + random.nextInt(settings.accounts))),
                        Cpu::jvmNanos, server)));
        // Without waiting for the WAL flush at commit: what fsync costs each side.
        String noSync = "SET synchronous_commit = off";
        JdbiCreditStore asyncStore = database.store(database.tablePrefix(), settings.baseThreads(), noSync);
        CreditLedger asyncLedger = CreditLedger.builder().store(asyncStore).build();
        entries.add(library("library, synchronous_commit=off", asyncLedger, false, server, settings.baseThreads()));
        if (pgbench != null) {
            entries.add(pgbenchEntry("pgbench, synchronous_commit=off", pgbench, "random-nosync",
                    pgbenchScript(database.schema(), false, settings.accounts), "-c synchronous_commit=off", server,
                    settings.baseThreads()));
            // The library's own statements for a deduction, 2 pipelined round trips, from pgbench: the database's
            // share of the gap, with a client that costs next to nothing.
            createLibraryReplica(pool, database.schema());
            for (Replay replay : Replay.values()) {
                entries.add(pgbenchEntry(replay.who, pgbench, "library-sql-" + replay.name().toLowerCase(Locale.ROOT),
                        libraryScript(database.schema(), settings.accounts, replay), null, server,
                        settings.baseThreads()));
            }
        }
        return entries;
    }

    private static boolean handWritten(DataSource pool, String accountId) throws Exception {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            long balance;
            try (PreparedStatement update = connection.prepareStatement("UPDATE pgb_balances SET balance = balance - 1"
                    + " WHERE account_id = ? AND balance >= 1 RETURNING balance")) {
                update.setString(1, accountId);
                try (ResultSet rows = update.executeQuery()) {
                    if (!rows.next()) {
                        connection.rollback();
                        return false;
                    }
                    balance = rows.getLong(1);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO pgb_entries (account_id, amount,"
                    + " balance_after) VALUES (?, -1, ?)")) {
                insert.setString(1, accountId);
                insert.setLong(2, balance);
                insert.executeUpdate();
            }
            connection.commit();
            connection.setAutoCommit(true);
            return true;
        }
    }

    /** pgbench's tables: the hand-written equivalent of a balance row and an entry per deduction. */
    private void createPgbenchTables(DataSource admin, String schema) {
        BenchDatabase.execute(admin,
                "CREATE TABLE " + schema + ".pgb_balances (account_id VARCHAR(128) PRIMARY KEY, balance BIGINT NOT NULL)",
                "CREATE TABLE " + schema + ".pgb_entries (entry_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                        + " account_id VARCHAR(128) NOT NULL, amount BIGINT NOT NULL, balance_after BIGINT NOT NULL,"
                        + " created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                "CREATE INDEX pgb_entries_account ON " + schema + ".pgb_entries (account_id, entry_id)",
                "INSERT INTO " + schema + ".pgb_balances SELECT 'acct-' || i, " + CREDITS_PER_ACCOUNT
                        + " FROM generate_series(1, " + settings.accounts + ") AS i",
                "INSERT INTO " + schema + ".pgb_balances VALUES ('" + HOT + "', " + CREDITS_PER_ACCOUNT + ")");
    }

    /** Tables like the library's (its own schema files, prefix pgl_), filled by SQL for the replica script. */
    private void createLibraryReplica(DataSource pool, String schema) {
        JdbiCreditStore replica = JdbiCreditStore.builder(pool).tablePrefix("pgl_").build();
        replica.installSchema();
        BenchDatabase.execute(pool,
                "INSERT INTO pgl_accounts (account_id, status, overdraft_limit, low_balance_threshold, max_open_holds,"
                        + " sequence_no, created_at_micros, updated_at_micros) SELECT 'acct-' || i, 'ACTIVE', 0, 0, 0, 1,"
                        + " 0, 0 FROM generate_series(1, "
                        + settings.accounts + ") AS i",
                "INSERT INTO pgl_balances SELECT 'acct-' || i, 'credits', " + CREDITS_PER_ACCOUNT + ", 0"
                        + " FROM generate_series(1, " + settings.accounts + ") AS i",
                "INSERT INTO pgl_lots (lot_id, account_id, credit_type, source, priority, amount, remaining, held, live,"
                        + " granted_at_micros, transaction_id) SELECT 'lot-' || i, 'acct-' || i, 'credits', 'ADMIN',"
                        + " 100, " + CREDITS_PER_ACCOUNT + ", " + CREDITS_PER_ACCOUNT + ", 0, TRUE, 0, 'grant-' || i"
                        + " FROM generate_series(1, " + settings.accounts + ") AS i",
                "INSERT INTO pgl_features (feature_key, feature_name, category, credits_per_unit, plan_prices,"
                        + " free_retries, credit_type, description, active, created_at_micros, updated_at_micros)"
                        + " VALUES ('" + FEATURE + "', 'Bench deduction', NULL, 1, NULL, 0, 'credits', NULL, TRUE, 0, 0)",
                "VACUUM ANALYZE " + schema + ".pgl_accounts, " + schema + ".pgl_balances, " + schema + ".pgl_lots");
    }

    /** How much of the library's SQL for a deduction pgbench replays: what each part costs the database. */
    private enum Replay {
        ALL("the library's SQL (11 statements, 2 pipelined round trips) run by pgbench"),
        NO_BALANCES("the same without the balances row (read and upsert; 9 statements) run by pgbench"),
        NO_BALANCES_OR_DUE_HOLDS("the same without the balances row and the due holds' read (8 statements) run by"
                + " pgbench"),
        ESSENTIALS("the same without balances, due holds, price, event, usage row and lock timeout (6 statements) run"
                + " by pgbench");

        final String who;

        Replay(String who) {
            this.who = who;
        }
    }

    /**
     * What the store sends for a deduction without an idempotency key (see PostgresStatements): the snapshot pipeline
     * (the lock, which sets the lock timeout, balances, live lots, due holds, feature), then the change set with the
     * COMMIT (checked account update, balance upsert, checked lot update, entry with its receipt line, event, usage
     * row), or the part of it {@code replay} names. Values are made up; the work is the same. {@link
     * Replay#ESSENTIALS}: only what the hand-written SQL does too, plus the lock read, the live lots and their update.
     */
    private static String libraryScript(String schema, int accounts, Replay replay) {
        boolean full = replay != Replay.ESSENTIALS;
        boolean balances = replay == Replay.ALL;
        boolean dueHolds = replay == Replay.ALL || replay == Replay.NO_BALANCES;
        String account = "'acct-' || :aid";
        String checked = " RETURNING 1) SELECT CASE WHEN count(*) = 1 THEN 1 ELSE CAST('check ' || count(*) AS INTEGER)"
                + " END FROM changed;\n";
        return "\\set aid random(1, " + accounts + ")\n"
                + "\\set tx random(1, 9000000000000000000)\n"
                + "\\startpipeline\n"
                + "BEGIN;\n"
                + "SELECT account_id, status, overdraft_limit, low_balance_threshold, max_open_holds, plan_id,"
                + " next_plan_id, period_start_at_micros, period_end_at_micros, sequence_no, created_at_micros,"
                + " updated_at_micros, subscription_id, parent_id, capped FROM " + schema + ".pgl_accounts"
                + " WHERE account_id = " + account
                + (full ? " AND (SELECT set_config('lock_timeout', '5000ms', true)) IS NOT NULL" : "")
                + " FOR UPDATE;\n"
                + (balances ? "SELECT account_id, credit_type, balance, held FROM " + schema + ".pgl_balances"
                + " WHERE account_id = " + account + " ORDER BY credit_type;\n" : "")
                + "SELECT lot_id, account_id, credit_type, source, priority, amount, remaining, held, expires_at_micros,"
                + " money_amount, money_scale, money_currency, metadata, granted_at_micros, transaction_id FROM "
                + schema + ".pgl_lots WHERE account_id = " + account + " AND live = TRUE;\n"
                + (dueHolds ? ""
                + "SELECT hold_id, account_id, credit_type, feature_key, quantity, unit_price, price_plan_id, amount, status,"
                + " user_id,"
                + " idempotency_key, metadata, created_at_micros, expires_at_micros, resolved_at_micros,"
                + " committed_credits, transaction_id FROM " + schema + ".pgl_holds WHERE account_id = " + account
                + " AND status = 'OPEN' AND expires_at_micros <= 9000000000000000000"
                + " ORDER BY expires_at_micros, hold_id;\n" : "")
                + (full ? ""
                + "SELECT feature_key, feature_name, category, credits_per_unit, plan_prices, free_retries, credit_type,"
                + " description, active,"
                + " created_at_micros, updated_at_micros FROM " + schema + ".pgl_features WHERE feature_key = '"
                + FEATURE + "';\n" : "")
                + "\\endpipeline\n"
                + "\\startpipeline\n"
                + "WITH changed AS (UPDATE " + schema + ".pgl_accounts SET status = 'ACTIVE', overdraft_limit = 0,"
                + " low_balance_threshold = 0, max_open_holds = 0, plan_id = NULL, next_plan_id = NULL,"
                + " period_start_at_micros = NULL, period_end_at_micros = NULL, sequence_no = sequence_no + 1,"
                + " updated_at_micros = 1"
                + " WHERE account_id = " + account + " AND sequence_no >= 0" + checked
                + (balances ? ""
                + "INSERT INTO " + schema + ".pgl_balances (account_id, credit_type, balance, held) VALUES (" + account
                + ", 'credits', 999, 0) ON CONFLICT (account_id, credit_type) DO UPDATE SET balance = EXCLUDED.balance,"
                + " held = EXCLUDED.held;\n" : "")
                + "WITH changed AS (UPDATE " + schema + ".pgl_lots AS l SET remaining = v.remaining, held = v.held,"
                + " live = v.live FROM (VALUES (CAST('lot-' || :aid AS VARCHAR), CAST(999 AS BIGINT), CAST(0 AS BIGINT),"
                + " CAST(TRUE AS BOOLEAN))) AS v (lot_id, remaining, held, live) WHERE l.lot_id = v.lot_id"
                + " AND l.account_id = " + account + checked
                + "INSERT INTO " + schema + ".pgl_entries (transaction_id, account_id, sequence_no, entry_type,"
                + " credit_type, amount, balance_after, feature_key, quantity, unit_price, price_plan_id, retry_number,"
                + " user_id, hold_id, reference_id, reason, idempotency_key, metadata, created_at_micros, lot_id,"
                + " lot_amount) VALUES ('tx-' || :tx, " + account + ", :tx, 'DEDUCTION', 'credits', -1, 999, '"
                + FEATURE + "', 1, 1, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 1, 'lot-' || :aid, -1);\n"
                + (full ? ""
                + "INSERT INTO " + schema + ".pgl_events (account_id, account_sequence, event_index, event_id,"
                + " event_position, event_type, credit_type, payload, occurred_at_micros) VALUES (" + account
                + ", :tx, 0, 'ev-' || :tx, NULL, 'CREDITS_DEDUCTED', 'credits', '" + "{\"payload\":\"x\"}".repeat(12)
                + "', 1);\n"
                + "INSERT INTO " + schema + ".pgl_usage_buckets (account_id, bucket_start_micros, group_key, credit_type,"
                + " usage_kind, lot_source, feature_key, user_id, dimensions, currency, credits, charged, refunded,"
                + " quantity, deductions, free_retries, entry_count, money_amount) VALUES (" + account + ", 0, 'g',"
                + " 'credits', 'DEDUCTION', NULL, '" + FEATURE + "', NULL, NULL, NULL, 1, 1, 0, 1, 1, 0, 1, 0)"
                + " ON CONFLICT (account_id, bucket_start_micros, group_key) DO UPDATE SET credits ="
                + " pgl_usage_buckets.credits + EXCLUDED.credits, charged = pgl_usage_buckets.charged + EXCLUDED.charged,"
                + " quantity = pgl_usage_buckets.quantity + EXCLUDED.quantity, deductions = pgl_usage_buckets.deductions"
                + " + EXCLUDED.deductions, entry_count = pgl_usage_buckets.entry_count + EXCLUDED.entry_count;\n" : "")
                + "COMMIT;\n"
                + "\\endpipeline\n";
    }

    private static String pgbenchScript(String schema, boolean hot, int accounts) {
        String account = hot ? "'" + HOT + "'" : "'acct-' || :aid";
        return (hot ? "" : "\\set aid random(1, " + accounts + ")\n")
                + "BEGIN;\n"
                + "UPDATE " + schema + ".pgb_balances SET balance = balance - 1 WHERE account_id = " + account
                + " AND balance >= 1 RETURNING balance \\gset\n"
                + "INSERT INTO " + schema + ".pgb_entries (account_id, amount, balance_after) VALUES (" + account
                + ", -1, :balance);\n"
                + "END;\n";
    }

    private Entry pgbenchEntry(String who, PgBench pgbench, String name, String script, String pgOptions,
                               LongSupplier server, int threads) {
        return new Entry(who, (warmup, settle, window) -> pgbench.run(name, script, threads,
                settle ? warmup : Duration.ofSeconds(Math.min(2, warmup.toSeconds())), window, pgOptions, server));
    }

    // ------------------------------------------------------------------------------------------------ MariaDB, H2

    private void mariadb() throws Exception {
        try (BenchDatabase.MariaDb database = new BenchDatabase.MariaDb(settings.mariadbUrl)) {
            log("MariaDB: table prefix " + database.tablePrefix());
            LongSupplier server = () -> Cpu.serverNanos(database.serverCommand());
            // The URL as given (combining on and off, and the baseline); with diagnostics, the same tables and
            // accounts through connections that allow multi-statement queries (the store pipelines) and through
            // server-side prepared statements (the server parses each statement once per connection).
            List<String> variants = new ArrayList<>(List.of("as given"));
            if (settings.diagnostics) {
                variants.addAll(List.of("allowMultiQueries=true", "useServerPrepStmts=true"));
            }
            List<CreditLedger> ledgers = new ArrayList<>();
            List<String> calls = new ArrayList<>();
            JdbiCreditStore first = null;
            for (String variant : variants) {
                database.urlOptions(variant.equals("as given") ? null : variant);
                JdbiCreditStore store = database.store(database.tablePrefix(), settings.maxThreads(), null);
                if (first == null) {
                    first = store;
                }
                ledgers.add(ledgers.isEmpty() ? setUpLedger(store) : CreditLedger.builder().store(store).build());
                calls.add(variant + ": " + calibrate(database));
            }
            database.urlOptions(null);
            CreditLedger uncombined = uncombined(first);
            HandWritten baseline = HandWritten.create(database.pool(settings.maxThreads(), null),
                    database.tablePrefix(), "BIGINT AUTO_INCREMENT PRIMARY KEY", settings.accounts);
            List<Row> rows = new ArrayList<>();
            for (String scenario : scenarios()) {
                boolean hot = scenario.startsWith("(a)");
                List<Entry> entries = new ArrayList<>();
                for (int threads : settings.threads) {
                    entries.add(library(COMBINED, ledgers.get(0), hot, server, threads));
                    entries.add(library(UNCOMBINED, uncombined, hot, server, threads));
                    entries.add(baseline.entry(BASELINE + " (JDBC)", hot, server, threads));
                    for (int i = 1; i < variants.size(); i++) {
                        entries.add(library(COMBINED + ", " + variants.get(i), ledgers.get(i), hot, server, threads));
                    }
                }
                rows.addAll(withRatios(interleaved(scenario, entries)));
            }
            table(database.name() + " (pool: READ COMMITTED; URL options per row)", rows);
            report.append("JDBC calls per deduction (one thread, counted at the driver): ")
                    .append(String.join("; ", calls)).append(".\n\n");
            database.closePools();
        }
    }

    private void h2() throws Exception {
        try (BenchDatabase.H2File database = new BenchDatabase.H2File()) {
            log("H2 file database");
            JdbiCreditStore store = database.store(database.tablePrefix(), settings.maxThreads(), null);
            CreditLedger ledger = setUpLedger(store);
            CreditLedger uncombined = uncombined(store);
            org.h2.jdbcx.JdbcConnectionPool pool = org.h2.jdbcx.JdbcConnectionPool.create("jdbc:h2:file:"
                    + database.directory().resolve("baseline").toAbsolutePath() + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000",
                    "sa", "");
            pool.setMaxConnections(settings.maxThreads());
            try {
                HandWritten baseline = HandWritten.create(pool, "", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                        settings.accounts);
                List<Row> rows = new ArrayList<>();
                for (String scenario : scenarios()) {
                    boolean hot = scenario.startsWith("(a)");
                    List<Entry> entries = new ArrayList<>();
                    for (int threads : settings.threads) {
                        entries.add(library(COMBINED, ledger, hot, () -> -1, threads));
                        entries.add(library(UNCOMBINED, uncombined, hot, () -> -1, threads));
                        entries.add(baseline.entry(BASELINE + " (JDBC, WRITE_DELAY=0)", hot, () -> -1, threads));
                    }
                    rows.addAll(withRatios(interleaved(scenario, entries)));
                }
                table(database.name(), rows);
            } finally {
                pool.dispose();
            }
        }
    }

    /**
     * The hand-written per-request SQL over JDBC, in SQL every dialect runs: a guarded UPDATE of the balance row, a
     * SELECT of the new balance, an INSERT of the entry, one transaction per deduction.
     */
    private record HandWritten(DataSource pool, String balances, String entries, int accounts) {

        static HandWritten create(DataSource pool, String prefix, String identity, int accounts) {
            HandWritten hand = new HandWritten(pool, prefix + "hw_balances", prefix + "hw_entries", accounts);
            List<String> statements = new ArrayList<>(List.of(
                    "CREATE TABLE " + hand.balances + " (account_id VARCHAR(128) PRIMARY KEY, balance BIGINT NOT NULL)",
                    "CREATE TABLE " + hand.entries + " (entry_id " + identity + ", account_id VARCHAR(128) NOT NULL,"
                            + " amount BIGINT NOT NULL, balance_after BIGINT NOT NULL,"
                            + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                    "CREATE INDEX " + hand.entries + "_account ON " + hand.entries + " (account_id, entry_id)",
                    "INSERT INTO " + hand.balances + " VALUES ('" + HOT + "', " + CREDITS_PER_ACCOUNT + ")"));
            BenchDatabase.execute(pool, statements.toArray(String[]::new));
            try (Connection connection = pool.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO " + hand.balances
                         + " VALUES (?, ?)")) {
                for (int i = 1; i <= accounts; i++) {
                    insert.setString(1, "acct-" + i);
                    insert.setLong(2, CREDITS_PER_ACCOUNT);
                    insert.addBatch();
                }
                insert.executeBatch();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            return hand;
        }

        Entry entry(String who, boolean hot, LongSupplier server, int threads) {
            LoadRun.Operation operation = random -> deduct(hot ? HOT : "acct-" + (1 + random.nextInt(accounts)));
            return new Entry(who, (warmup, settle, window) -> LoadRun.run(threads, warmup, settle, window, operation,
                    Cpu::jvmNanos, server));
        }

        private boolean deduct(String accountId) throws Exception {
            try (Connection connection = pool.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    try (PreparedStatement update = connection.prepareStatement("UPDATE " + balances
                            + " SET balance = balance - 1 WHERE account_id = ? AND balance >= 1")) {
                        update.setString(1, accountId);
                        if (update.executeUpdate() != 1) {
                            connection.rollback();
                            return false;
                        }
                    }
                    long balance;
                    try (PreparedStatement select = connection.prepareStatement("SELECT balance FROM " + balances
                            + " WHERE account_id = ?")) {
                        select.setString(1, accountId);
                        try (ResultSet rows = select.executeQuery()) {
                            rows.next();
                            balance = rows.getLong(1);
                        }
                    }
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + entries
                            + " (account_id, amount, balance_after) VALUES (?, -1, ?)")) {
                        insert.setString(1, accountId);
                        insert.setLong(2, balance);
                        insert.executeUpdate();
                    }
                    connection.commit();
                    return true;
                } catch (Exception e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ hot pool

    private static final String POOL = "pool";
    private static final int POOL_MEMBERS = 32;

    /**
     * Scenario (p): one organization pool holding the credits and 32 member accounts holding none, 8 and 32 threads
     * each deducting from a member chosen at random, so every deduction draws on the pool (locked root first, then the
     * member) and writes both; a row for the same threads on the one hot account alone, for the cost of the pool.
     */
    private void hotPool(BenchDatabase database, LongSupplier server) throws Exception {
        String scenario = "(p) one pool, " + POOL_MEMBERS + " members";
        int most = Math.max(32, settings.threads.stream().mapToInt(Integer::intValue).max().orElse(8));
        JdbiCreditStore store = database.store(database.tablePrefix(), most, null);
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        if (ledger.getAccount(POOL).isEmpty()) {
            ledger.openAccount(POOL);
            ledger.grant(GrantRequest.of(POOL, CREDITS_PER_ACCOUNT));
            for (int m = 1; m <= POOL_MEMBERS; m++) {
                ledger.openAccount("member-" + m);
                ledger.orgs().setParent("member-" + m, POOL);
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (int threads : new int[] {8, 32}) {
            entries.add(new Entry("member deduction, " + threads + " threads", (warmup, settle, window) ->
                    LoadRun.run(threads, warmup, settle, window,
                            random -> deduct(ledger, "member-" + (1 + random.nextInt(POOL_MEMBERS))),
                            Cpu::jvmNanos, server)));
            entries.add(new Entry("the pool alone (no member), " + threads + " threads", (warmup, settle, window) ->
                    LoadRun.run(threads, warmup, settle, window, random -> deduct(ledger, POOL), Cpu::jvmNanos,
                            server)));
        }
        rowsTable(interleaved(scenario, entries));
        CountingDataSource[] counter = new CountingDataSource[1];
        JdbiCreditStore counting = database.countingStore(database.tablePrefix(), counter);
        if (counting != null) {
            CreditLedger counted = CreditLedger.builder().store(counting).build();
            for (int m = 1; m <= POOL_MEMBERS; m++) {
                deduct(counted, "member-" + m); // learns each member's pool (the first call finds it)
            }
            long executions = counter[0].executions();
            long commits = counter[0].commits();
            int n = 200;
            for (int i = 0; i < n; i++) {
                deduct(counted, "member-" + (1 + i % POOL_MEMBERS));
            }
            report.append(String.format(Locale.ROOT, "JDBC calls per member deduction (one thread, counted at the"
                            + " driver): %.1f statement executions + %.1f commit.%n%n",
                    (counter[0].executions() - executions) / (double) n, (counter[0].commits() - commits) / (double) n));
        }
    }

    private List<String> scenarios() {
        List<String> scenarios = new ArrayList<>();
        if (settings.scenarios.contains("a")) {
            scenarios.add("(a) one hot account");
        }
        if (settings.scenarios.contains("b")) {
            scenarios.add("(b) " + accounts() + " random accounts");
        }
        return scenarios;
    }

    // ------------------------------------------------------------------------------------------------ growth

    private void growth() throws Exception {
        try (BenchDatabase.Postgres database = new BenchDatabase.Postgres(settings.postgresUrl)) {
            log("growth: schema " + database.schema());
            long small = 1_000;
            long big = settings.growthEntries;
            DataSource admin = database.pool(2, null);
            GrowthSide[] sides = {growthSide(database, admin, "g_small_", small),
                    growthSide(database, admin, "g_big_", big)};
            BenchDatabase.execute(admin, "VACUUM ANALYZE");
            // The TCK's own checker (every page of history, every receipt) on the small ledger, built by the same code.
            LedgerInvariants.assertHold(sides[0].ledger, "growth", 0);
            log("growth: LedgerInvariants.assertHold passed on the " + small + "-entry ledger");

            List<String[]> lines = new ArrayList<>();
            lines.add(growthLine("deduction (deductCredits)", sides, ledger -> {
                DeductionResult result = ledger.deductCredits("growth", FEATURE);
                if (!result.success()) {
                    throw new IllegalStateException("deduction refused: " + result);
                }
            }));
            lines.add(growthLine("balance read (balance)", sides, ledger -> ledger.balance("growth")));
            lines.add(growthLine("history, newest page of 50", sides, ledger -> {
                HistoryPage page = ledger.history("growth", HistoryFilter.all(), PageRequest.first(50));
                if (page.entries().size() != 50) {
                    throw new IllegalStateException("short page");
                }
            }));
            lines.add(growthLine("history, a page of 50 in the middle", sides, ledger -> {
                // the ledger's cursor format ("s" + the sequence to read below)
                HistoryPage page = ledger.history("growth", HistoryFilter.all(),
                        new PageRequest("s" + (ledger == sides[0].ledger ? small : big) / 2, 50));
                if (page.entries().size() != 50) {
                    throw new IllegalStateException("short page");
                }
            }));
            String plans = explain(admin, new String[]{"g_small_", "g_big_"}, new long[]{small, big});
            String after = GrowthLedger.check(admin, "g_big_", "growth");
            log("growth: after the timed calls: " + after);

            report.append("### Growth: one account's ledger of ").append(String.format("%,d", small)).append(" vs ")
                    .append(String.format("%,d", big)).append(" entries (PostgreSQL)\n\n");
            report.append(String.format("One thread, %,d timed calls per operation and ledger after %,d warm-up calls,"
                    + " the two ledgers alternating in rounds. Built with INSERT ... SELECT generate_series into the"
                    + " store's tables (%s); the big one in %.1f s.%n%n", settings.growthSamples, settings.growthSamples / 4,
                    "see GrowthLedger: blocks of one 100-credit grant lot and 100 one-credit deductions from it, receipts"
                    + " included, every lot but the last block's fully consumed, then a grant the benchmark spends;"
                    + " VACUUM ANALYZE after", sides[1].buildSeconds));
            report.append("| operation | 1,000 entries p50 ms | ").append(String.format("%,d", big))
                    .append(" entries p50 ms | ratio p50 | 1,000 mean ms | ").append(String.format("%,d", big))
                    .append(" mean ms | ratio mean |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (String[] line : lines) {
                report.append("| ").append(String.join(" | ", line)).append(" |\n");
            }
            report.append("\nChecked after building (SQL aggregates): ").append(sides[1].check)
                    .append(". After the timed calls: ").append(after).append(".\n\n");
            report.append("The plans of the reads behind a balance read and a history page (EXPLAIN ANALYZE, BUFFERS;"
                    + " after the timed calls, so the caches are as warm as the calls had them):\n\n```\n")
                    .append(plans).append("```\n\n");
        }
    }

    private record GrowthSide(CreditLedger ledger, double buildSeconds, String check) {
    }

    /**
     * EXPLAIN (ANALYZE, BUFFERS) of the statements a balance read (the snapshot's reads) and a history page in the
     * middle run on each ledger, trimmed to the plan's lines.
     */
    private static String explain(DataSource admin, String[] prefixes, long[] entries) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection connection = admin.getConnection()) {
            for (int i = 0; i < prefixes.length; i++) {
                String p = prefixes[i];
                String[][] queries = {
                        {"account", "SELECT * FROM " + p + "accounts WHERE account_id = 'growth'"},
                        {"balances", "SELECT * FROM " + p + "balances WHERE account_id = 'growth' ORDER BY credit_type"},
                        {"live lots", "SELECT * FROM " + p + "lots WHERE account_id = 'growth' AND live = TRUE"},
                        {"due holds", "SELECT * FROM " + p + "holds WHERE account_id = 'growth' AND status = 'OPEN'"
                                + " AND expires_at_micros <= 9000000000000000000 ORDER BY expires_at_micros, hold_id"},
                        {"history page in the middle", "SELECT * FROM " + p + "entries WHERE account_id = 'growth'"
                                + " AND sequence_no < " + entries[i] / 2 + " ORDER BY sequence_no DESC LIMIT 51"}};
                out.append(String.format("-- %,d entries%n", entries[i]));
                for (String[] query : queries) {
                    out.append(query[0]).append(":\n");
                    try (PreparedStatement statement = connection.prepareStatement(
                            "EXPLAIN (ANALYZE, BUFFERS) " + query[1]); ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            String line = rows.getString(1);
                            if (!line.contains("Planning:")) {
                                out.append("  ").append(line).append('\n');
                            }
                        }
                    }
                }
            }
        }
        log("growth: plans\n" + out);
        return out.toString();
    }

    private GrowthSide growthSide(BenchDatabase.Postgres database, DataSource admin, String prefix, long entries)
            throws Exception {
        JdbiCreditStore store = database.store(prefix, 2, null);
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        ledger.saveFeaturePricing(FeatureDefinition.of(FEATURE, "Bench deduction", 1));
        ledger.openAccount("growth");
        long started = System.nanoTime();
        GrowthLedger.build(admin, prefix, "growth", FEATURE, entries);
        double seconds = (System.nanoTime() - started) / 1e9;
        String check = GrowthLedger.check(admin, prefix, "growth");
        log(String.format("growth: built %,d entries in %.1f s: %s", entries, seconds, check));
        return new GrowthSide(ledger, seconds, check);
    }

    private interface LedgerCall {
        void call(CreditLedger ledger) throws Exception;
    }

    private String[] growthLine(String name, GrowthSide[] sides, LedgerCall call) throws Exception {
        int samples = settings.growthSamples;
        int rounds = 10;
        for (GrowthSide side : sides) {
            for (int i = 0; i < samples / 4; i++) {
                call.call(side.ledger);
            }
        }
        LatencyHistogram[] histograms = {new LatencyHistogram(), new LatencyHistogram()};
        for (int round = 0; round < rounds; round++) {
            for (int s = 0; s < sides.length; s++) {
                for (int i = 0; i < samples / rounds; i++) {
                    long begin = System.nanoTime();
                    call.call(sides[s].ledger);
                    histograms[s].record((System.nanoTime() - begin) / 1000);
                }
            }
        }
        double p50Small = histograms[0].percentileMillis(50);
        double p50Big = histograms[1].percentileMillis(50);
        String[] line = {name, ms(p50Small), ms(p50Big), ratio(p50Big / p50Small), ms(histograms[0].meanMillis()),
                ms(histograms[1].meanMillis()), ratio(histograms[1].meanMillis() / histograms[0].meanMillis())};
        log("growth: " + String.join(" | ", line));
        return line;
    }

    // ------------------------------------------------------------------------------------------------ reports

    /**
     * The reports rows (PostgreSQL): usage by day over 30 days on a 1,000 vs a 1,000,000-entry history
     * ({@link ReportBench}), the cost of the usage rows to a deduction (scenario (b) with and without them,
     * interleaved), then the system summary over the accounts that load wrote.
     */
    private void reports() throws Exception {
        try (BenchDatabase.Postgres database = new BenchDatabase.Postgres(settings.postgresUrl)) {
            log("reports: schema " + database.schema());
            DataSource admin = database.pool(2, null);
            ReportBench bench = new ReportBench(LoadHarness::log);
            report.append(bench.growth(database, admin, FEATURE, 1_000,
                    settings.growthEntries > 0 ? settings.growthEntries : 1_000_000, settings.growthSamples));

            Instant from = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            int threads = settings.threads.get(0);
            JdbiCreditStore store = database.store(database.tablePrefix(), threads, null);
            CreditLedger ledger = setUpLedger(store);
            CreditLedger without = CreditLedger.builder().store(WithoutUsageRows.of(store)).build();
            LongSupplier server = () -> Cpu.serverNanos(database.serverCommand());
            String b = "(b) " + accounts() + " random accounts";
            BenchDatabase.execute(admin, "VACUUM ANALYZE");
            List<Row> rows = new ArrayList<>(interleaved(b, List.of(library("library", ledger, false, server, threads),
                    library("library without usage rows", without, false, server, threads))));
            double[] perRound = new double[rows.get(0).perRound().length];
            for (int r = 0; r < perRound.length; r++) {
                perRound[r] = rows.get(0).perRound()[r] / rows.get(1).perRound()[r];
            }
            rows.add(new Row(b, "**with / without usage rows**", null,
                    rows.get(0).result().opsPerSecond() / rows.get(1).result().opsPerSecond(), perRound));
            table("Reports: what the usage rows add to a deduction (" + database.name() + ")", rows);

            Instant to = from.plus(Duration.ofDays(31));
            report.append(bench.systemSummary(ledger, settings.accounts + 1, from, to, 50)).append(".\n\n");
        }
    }

    // ================================================================================================ the engine alone

    /**
     * The engine's own cost, no database: one thread deducting 1 credit of a priced feature from one account through
     * {@link CreditLedger} on {@link InMemoryCreditStore}, without and with an idempotency key (a new key each call),
     * write-combining off and on. Each window runs on a fresh store (the in-memory store keeps every entry and event,
     * so a store that grew through earlier windows would measure the garbage collector). Then the calling thread's CPU
     * time and bytes allocated per deduction, counted on this thread over a fixed number of calls: the JVM CPU column
     * minus this one is mostly the collector's work on what the in-memory store keeps.
     */
    private void engine() throws Exception {
        List<Entry> entries = new ArrayList<>();
        for (boolean combining : new boolean[] {false, true}) {
            for (boolean keyed : new boolean[] {false, true}) {
                String who = (keyed ? "with a key" : "no key") + ", combining " + (combining ? "on" : "off");
                entries.add(new Entry(who, (warmup, settle, window) -> {
                    CreditLedger ledger = engineLedger(combining);
                    return LoadRun.run(1, warmup, settle, window, engineCall(ledger, keyed), Cpu::jvmNanos, () -> -1);
                }));
            }
        }
        String scenario = "one thread, one account, in memory";
        List<Row> rows = interleaved(scenario, entries);
        report.append("### The engine alone: InMemoryCreditStore, one thread\n\n");
        report.append("| run | deductions/s | per round | ns per deduction | p99 µs | JVM CPU ns/op | calling thread CPU ns/op"
                + " | bytes allocated/op |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            LoadRun.Result result = row.result();
            boolean combining = i >= 2;
            boolean keyed = i % 2 == 1;
            PerCall perCall = perCall(combining, keyed);
            report.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %,.0f | %.1f | %,.0f | %,d | %,d |%n",
                    row.who(), result.opsPerSecond(), row.spread(), 1e9 / result.opsPerSecond(),
                    result.latencies().percentileMillis(99) * 1000, result.clientMicrosPerOp() * 1000,
                    perCall.threadCpuNanos(), perCall.bytes()));
        }
        report.append('\n');
    }

    /** A ledger on a fresh in-memory store: the feature priced 1 credit and the hot account with plenty. */
    private static CreditLedger engineLedger(boolean combining) {
        CreditLedger ledger = CreditLedger.builder().store(new InMemoryCreditStore()).writeCombining(combining).build();
        ledger.saveFeaturePricing(FeatureDefinition.of(FEATURE, "Bench deduction", 1));
        ledger.openAccount(HOT);
        ledger.grant(GrantRequest.of(HOT, CREDITS_PER_ACCOUNT));
        return ledger;
    }

    private static LoadRun.Operation engineCall(CreditLedger ledger, boolean keyed) {
        if (!keyed) {
            return random -> deduct(ledger, HOT);
        }
        long[] next = {0};
        DeductRequest request = DeductRequest.of(HOT, FEATURE);
        return random -> ledger.deductCredits(request.withIdempotencyKey("k" + next[0]++)).success();
    }

    /**
     * What one deduction costs the calling thread alone: its CPU time (the engine's own work, without the collector's
     * on other threads, which the JVM CPU column counts) and the bytes it allocates (-1 where the JVM does not say).
     */
    private record PerCall(long threadCpuNanos, long bytes) {
    }

    /** @return the calling thread's cost per deduction, over 200,000 calls after 200,000 to warm up */
    private static PerCall perCall(boolean combining, boolean keyed) throws Exception {
        LoadRun.Operation call = engineCall(engineLedger(combining), keyed);
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            call.run(null);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean allocation = threads instanceof com.sun.management.ThreadMXBean sun
                && sun.isThreadAllocatedMemorySupported() ? sun : null;
        long bytesBefore = allocation == null ? 0 : allocation.getCurrentThreadAllocatedBytes();
        long cpuBefore = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            call.run(null);
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        long bytes = allocation == null ? -1 : (allocation.getCurrentThreadAllocatedBytes() - bytesBefore) / n;
        return new PerCall(cpu / n, bytes);
    }

    // ================================================================================================ the ids' order

    /**
     * What the order of ids costs the database: threads inserting one entry each (autocommit) into the library's
     * entries table, filled first with {@code credits.bench.keys.rows} rows, with random (version 4) transaction ids
     * against time-ordered (version 7) ones, shaped as the ledger makes them, on PostgreSQL and MariaDB. The fill's
     * ids are spread evenly over the whole key space, as random ids leave it (written in key order, so filling is
     * quick): a random id lands on any page of the primary key, which outgrows the database's cache (InnoDB's
     * clustered index is the table itself), while time-ordered ids land at one place, one after the other.
     */
    private void keys() throws Exception {
        long rows = Long.getLong("credits.bench.keys.rows", 2_000_000L);
        int threads = settings.baseThreads();
        report.append(String.format(Locale.ROOT, "### The ids' order: inserting entries into a table of %,d rows%n%n"
                + "%d threads, each inserting one entry per transaction into the library's entries table (its"
                + " schema and indexes), filled first with %,d rows whose ids are spread evenly over the key space;"
                + " the transaction id random (version 4 UUID) or time-ordered (version 7, as the ledger makes them"
                + " since issue 17). The two rows take turns: %d rounds of %d s each (`-Dcredits.bench.keys.rows=%d`)."
                + "%n%n", rows, threads, rows, settings.rounds,
                Math.max(1, settings.seconds.toSeconds() / settings.rounds), rows));
        List<Row> all = new ArrayList<>();
        for (String name : settings.databases) {
            BenchDatabase database = switch (name) {
                case "postgresql" -> new BenchDatabase.Postgres(settings.postgresUrl);
                case "mariadb" -> new BenchDatabase.MariaDb(settings.mariadbUrl);
                default -> null; // H2's file database keeps its pages in the JVM's cache: not measured here
            };
            if (database == null) {
                continue;
            }
            try (database) {
                database.store(database.tablePrefix(), 1, null); // installs the schema
                DataSource pool = database.pool(threads, null);
                String entries = database.tablePrefix() + "entries";
                long started = System.nanoTime();
                fillEntries(pool, entries, rows, name.equals("postgresql"));
                log(String.format("%s: filled %s with %,d rows in %.1f s", name, entries, rows,
                        (System.nanoTime() - started) / 1e9));
                LongSupplier server = () -> Cpu.serverNanos(database.serverCommand());
                AtomicLong sequence = new AtomicLong(rows);
                List<Entry> contenders = new ArrayList<>();
                for (boolean timeOrdered : new boolean[] {false, true}) {
                    String who = timeOrdered ? "time-ordered ids (version 7)" : "random ids (version 4)";
                    contenders.add(new Entry(who, (warmup, settle, window) -> LoadRun.run(threads, warmup, settle,
                            window, random -> insertEntry(pool, entries, timeOrdered, random, sequence),
                            Cpu::jvmNanos, server)));
                }
                List<Row> measured = interleaved(name, contenders);
                all.addAll(measured);
                all.add(ratioRow("**time-ordered / random**", measured.get(1), measured.get(0)));
            }
        }
        rowsTable(all);
        report.append("(\"deductions/s\" here: entries inserted per second.)\n\n");
    }

    /**
     * Fills the entries table in key order (ids spread evenly over the space of UUID text) and in the order of its
     * other indexes (10,000 accounts, named so that they sort by number, each given a run of rows), which keeps the
     * fill to a minute or so; the timed inserts then go to random accounts, as the deductions of the tables above.
     */
    private static void fillEntries(DataSource pool, String entries, long rows, boolean postgres) {
        long step = (1L << 32) / rows;
        String columns = " (transaction_id, account_id, sequence_no, entry_type, credit_type, amount, balance_after,"
                + " feature_key, quantity, unit_price, retry_number, created_at_micros) ";
        String rest = ", 'DEDUCTION', 'credits', -1, 999, '" + FEATURE + "', 1, 1, 0, 0";
        BenchDatabase.execute(pool, postgres
                ? "INSERT INTO " + entries + columns + "SELECT lpad(to_hex(i * " + step + "), 8, '0')"
                        + " || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'),"
                        + " 'acct-' || lpad(CAST(i * 10000 / " + rows + " AS VARCHAR), 6, '0'), i" + rest
                        + " FROM generate_series(CAST(1 AS BIGINT), " + rows + ") AS i"
                : "INSERT INTO " + entries + columns + "SELECT CONCAT(LOWER(LPAD(HEX(seq * " + step + "), 8, '0')),"
                        + " '-0000-4000-8000-', LOWER(LPAD(HEX(seq), 12, '0'))),"
                        + " CONCAT('acct-', LPAD(seq * 10000 DIV " + rows + ", 6, '0')), seq" + rest
                        + " FROM seq_1_to_" + rows,
                postgres ? "VACUUM ANALYZE " + entries : "ANALYZE TABLE " + entries);
    }

    private static boolean insertEntry(DataSource pool, String entries, boolean timeOrdered, SplittableRandom random,
                                       AtomicLong sequence) throws Exception {
        // The bits as dev.credits.internal.Ids sets them (internal to credits-core), from this thread's random.
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        long msb = timeOrdered ? (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL)
                : (random.nextLong() & ~0xF000L) | 0x4000L;
        try (Connection connection = pool.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + entries + " (transaction_id,"
                     + " account_id, sequence_no, entry_type, credit_type, amount, balance_after, feature_key, quantity,"
                     + " unit_price, retry_number, created_at_micros) VALUES (?, ?, ?, 'DEDUCTION', 'credits', -1, 999,"
                     + " ?, 1, 1, 0, 0)")) {
            insert.setString(1, new UUID(msb, lsb).toString());
            insert.setString(2, String.format("acct-%06d", random.nextInt(10_000)));
            insert.setLong(3, sequence.incrementAndGet());
            insert.setString(4, FEATURE);
            return insert.executeUpdate() == 1;
        }
    }

    // ================================================================================================ shared steps

    /** The feature, the hot account and the random accounts, through the API (N threads), each with plenty. */
    private CreditLedger setUpLedger(CreditStore store) throws Exception {
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        ledger.saveFeaturePricing(FeatureDefinition.of(FEATURE, "Bench deduction", 1));
        long started = System.nanoTime();
        int threads = settings.maxThreads();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                futures.add(executor.submit(() -> {
                    for (int i = first; i <= settings.accounts; i += threads) {
                        String id = i == 0 ? HOT : "acct-" + i;
                        ledger.openAccount(id);
                        ledger.grant(GrantRequest.of(id, CREDITS_PER_ACCOUNT));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            executor.shutdown();
            executor.awaitTermination(1, TimeUnit.MINUTES);
        }
        log(String.format("set up %,d accounts in %.1f s", settings.accounts + 1,
                (System.nanoTime() - started) / 1e9));
        return ledger;
    }

    /** One thread, a few hundred deductions through a counting pool: JDBC executions and commits per deduction. */
    private String calibrate(BenchDatabase database) throws Exception {
        CountingDataSource[] counter = new CountingDataSource[1];
        JdbiCreditStore store = database.countingStore(database.tablePrefix(), counter);
        if (store == null) {
            return null;
        }
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        int n = 300;
        for (int i = 0; i < 50; i++) {
            deduct(ledger, "acct-" + (1 + i));
        }
        long executions = counter[0].executions();
        long commits = counter[0].commits();
        for (int i = 0; i < n; i++) {
            deduct(ledger, "acct-" + (1 + i % settings.accounts));
        }
        double perExecution = (counter[0].executions() - executions) / (double) n;
        double perCommit = (counter[0].commits() - commits) / (double) n;
        return perCommit == 0
                ? String.format(Locale.ROOT, "%.1f statement executions, the COMMIT travelling in the last", perExecution)
                : String.format(Locale.ROOT, "%.1f statement executions + %.1f commit", perExecution, perCommit);
    }

    /** One contender of an interleaved comparison: runs one measured window after its warm-up. */
    @FunctionalInterface
    private interface Contender {
        LoadRun.Result run(Duration warmup, boolean settleJit, Duration window) throws Exception;
    }

    private record Entry(String who, Contender contender) {
    }

    private Entry library(String who, CreditLedger ledger, boolean hot, LongSupplier server, int threads) {
        LoadRun.Operation operation = hot ? random -> deduct(ledger, HOT) : random(ledger);
        return new Entry(who, (warmup, settle, window) -> LoadRun.run(threads, warmup, settle, window,
                operation, Cpu::jvmNanos, server));
    }

    /** The same store through a ledger whose calls never combine: each its own transaction. */
    private static CreditLedger uncombined(CreditStore store) {
        return CreditLedger.builder().store(store).writeCombining(false).build();
    }

    private LoadRun.Operation random(CreditLedger ledger) {
        return random -> deduct(ledger, "acct-" + (1 + random.nextInt(settings.accounts)));
    }

    /**
     * Runs the contenders round-robin, {@code rounds} times, each for its share of the measured time (the first
     * round after the full warm-up, waiting for the JIT; later ones after a short one), so that the load other work
     * puts on the machine falls on all of them alike; sums each contender's windows into one row.
     */
    private List<Row> interleaved(String scenario, List<Entry> entries) throws Exception {
        int rounds = settings.rounds;
        Duration window = Duration.ofMillis(Math.max(1000, settings.seconds.toMillis() / rounds));
        LoadRun.Result[] totals = new LoadRun.Result[entries.size()];
        double[][] perRound = new double[entries.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                log(scenario + " / " + entry.who() + ", round " + (round + 1) + " of " + rounds + " ...");
                Duration warmup = round == 0 ? settings.warmup : REWARM;
                LoadRun.Result result = entry.contender().run(warmup, round == 0, window);
                perRound[i][round] = result.opsPerSecond();
                totals[i] = totals[i] == null ? result : totals[i].plus(result);
                log(new Row(scenario, entry.who(), result).toString());
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            rows.add(new Row(scenario, entries.get(i).who(), totals[i], null, perRound[i]));
        }
        return rows;
    }

    /**
     * The rows, each thread count's followed by the ratio of each library row (combining on, off) to the baseline row
     * of the same thread count, where there is one.
     */
    private static List<Row> withRatios(List<Row> rows) {
        List<Row> out = new ArrayList<>();
        List<Integer> threadCounts = rows.stream().map(row -> row.result().threads()).distinct().toList();
        for (int threads : threadCounts) {
            List<Row> same = rows.stream().filter(row -> row.result().threads() == threads).toList();
            out.addAll(same);
            Row baseline = same.stream().filter(row -> row.who().startsWith(BASELINE)).findFirst().orElse(null);
            if (baseline == null) {
                continue;
            }
            for (Row library : same) {
                if (!library.who().equals(COMBINED) && !library.who().equals(UNCOMBINED)) {
                    continue;
                }
                out.add(ratioRow("**" + library.who() + " / baseline, " + threads + " threads**", library, baseline));
            }
        }
        return out;
    }

    /** @return the row of {@code row}'s throughput over {@code base}'s, overall and round by round */
    private static Row ratioRow(String who, Row row, Row base) {
        double[] perRound = new double[row.perRound().length];
        for (int r = 0; r < perRound.length; r++) {
            perRound[r] = row.perRound()[r] / base.perRound()[r];
        }
        return new Row(row.scenario(), who, null, row.result().opsPerSecond() / base.result().opsPerSecond(), perRound);
    }

    private static boolean deduct(CreditLedger ledger, String accountId) {
        return ledger.deductCredits(accountId, FEATURE).success();
    }

    // ================================================================================================ report

    /**
     * A row of a table: a run's totals, or (result null) a ratio; {@code perRound} holds the ops/s (or the ratio) of
     * each interleaved round.
     */
    private record Row(String scenario, String who, LoadRun.Result result, Double ratio, double[] perRound) {
        Row(String scenario, String who, LoadRun.Result result) {
            this(scenario, who, result, null, new double[0]);
        }

        String spread() {
            if (perRound.length < 2) {
                return "";
            }
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (double value : perRound) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            return ratio != null ? LoadHarness.ratio(min) + "–" + LoadHarness.ratio(max)
                    : String.format(Locale.ROOT, "%,.0f–%,.0f", min, max);
        }

        String describe() {
            return String.format(Locale.ROOT, "%,.0f deductions/s on %d threads, %s µs of CPU per deduction",
                    result.opsPerSecond(), result.threads(), cpu(result.clientMicrosPerOp()));
        }

        @Override
        public String toString() {
            if (ratio != null) {
                return scenario + " / " + who + ": " + LoadHarness.ratio(ratio);
            }
            return String.format(Locale.ROOT, "%s / %s: %d threads, %.0f ops/s, p50 %s p95 %s p99 %s ms, client %s"
                            + " server %s µs/op, %d errors%s (warm-up +%d ms for the JIT, JIT in window %d ms)",
                    scenario, who, result.threads(), result.opsPerSecond(),
                    ms(result.latencies().percentileMillis(50)), ms(result.latencies().percentileMillis(95)),
                    ms(result.latencies().percentileMillis(99)), cpu(result.clientMicrosPerOp()),
                    cpu(result.serverMicrosPerOp()), result.errors(),
                    result.firstError() == null ? "" : " (first: " + result.firstError() + ")",
                    result.extraWarmupMillis(), result.jitMillis());
        }
    }

    private void table(String title, List<Row> rows) {
        report.append("### ").append(title).append("\n\n");
        rowsTable(rows);
    }

    private void rowsTable(List<Row> rows) {
        report.append("| scenario | run | threads | deductions/s | per round | p50 ms | p95 ms | p99 ms |"
                + " client CPU µs/op | server CPU µs/op | errors |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            if (row.ratio() != null) {
                report.append("| ").append(row.scenario()).append(" | ").append(row.who()).append(" | | **")
                        .append(ratio(row.ratio())).append("** | ").append(row.spread()).append(" | | | | | | |\n");
                continue;
            }
            LoadRun.Result result = row.result();
            report.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %s | %s | %s | %s | %s | %d |%n",
                    row.scenario(), row.who(), result.threads(), result.opsPerSecond(), row.spread(),
                    ms(result.latencies().percentileMillis(50)), ms(result.latencies().percentileMillis(95)),
                    ms(result.latencies().percentileMillis(99)), cpu(result.clientMicrosPerOp()),
                    cpu(result.serverMicrosPerOp()), result.errors()));
        }
        report.append('\n');
    }

    private String accounts() {
        return String.format("%,d", settings.accounts);
    }

    private static String ms(double millis) {
        return millis >= 10 ? String.format(Locale.ROOT, "%.1f", millis) : String.format(Locale.ROOT, "%.2f", millis);
    }

    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f", ratio);
    }

    private static String cpu(double micros) {
        return Double.isNaN(micros) ? "n/a" : String.format(Locale.ROOT, "%.0f", micros);
    }

    private static long memoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return -1;
    }

    private static void log(String message) {
        System.out.println("[bench] " + message);
        System.out.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    // ================================================================================================ settings

    private record Settings(List<Integer> threads, Duration seconds, Duration warmup, int rounds, int accounts,
                            List<String> databases, List<String> scenarios,
                            String postgresUrl, String mariadbUrl, boolean diagnostics, List<Integer> inFlight,
                            long growthEntries, int growthSamples, Path out) {

        static Settings fromSystemProperties() {
            String postgres = firstNonBlank(System.getProperty("credits.bench.postgres.url"),
                    System.getenv("CREDITS_TEST_POSTGRES_URL"), "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
            String mariadb = firstNonBlank(System.getProperty("credits.bench.mariadb.url"),
                    System.getenv("CREDITS_TEST_MARIADB_URL"), "jdbc:mariadb://127.0.0.1:3306/test?user=root");
            Path defaultOut = Files.isDirectory(Path.of("credits-jdbc")) ? Path.of("credits-jdbc/target/bench/results.md")
                    : Path.of("target/bench/results.md");
            // Quick: a subset that runs in minutes (short windows, no diagnostics, no growth), unless set explicitly.
            boolean quick = Boolean.getBoolean("credits.bench.quick");
            Settings settings = new Settings(
                    Stream.of(System.getProperty("credits.bench.threads", "8,32").split("\\s*,\\s*"))
                            .map(Integer::valueOf).toList(),
                    Duration.ofSeconds(Integer.getInteger("credits.bench.seconds", quick ? 6 : 20)),
                    Duration.ofSeconds(Integer.getInteger("credits.bench.warmup", quick ? 3 : 5)),
                    Integer.getInteger("credits.bench.rounds", quick ? 2 : 4),
                    Integer.getInteger("credits.bench.accounts", 10_000),
                    List.of(System.getProperty("credits.bench.databases", "postgresql,mariadb,h2")
                            .toLowerCase(Locale.ROOT).split("\\s*,\\s*")),
                    List.of(System.getProperty("credits.bench.scenarios", "a,b,p,reports").toLowerCase(Locale.ROOT)
                            .split("\\s*,\\s*")),
                    postgres, mariadb,
                    Boolean.parseBoolean(System.getProperty("credits.bench.diagnostics", quick ? "false" : "true")),
                    Stream.of(System.getProperty("credits.bench.inflight", "").split("\\s*,\\s*"))
                            .filter(bound -> !bound.isBlank()).map(Integer::valueOf).toList(),
                    Long.getLong("credits.bench.growth", quick ? 0 : 1_000_000L),
                    Integer.getInteger("credits.bench.growth.samples", 1000),
                    Path.of(System.getProperty("credits.bench.out", defaultOut.toString())));
            if (settings.threads.isEmpty() || settings.threads.stream().anyMatch(t -> t < 1) || settings.accounts < 1
                    || settings.seconds.isZero() || settings.rounds < 1 || settings.growthSamples < 10
                    || settings.inFlight.stream().anyMatch(bound -> bound < 1)) {
                throw new IllegalArgumentException("threads, accounts, seconds, inflight must be positive,"
                        + " growth.samples >= 10");
            }
            if (settings.databases.contains("postgresql")) {
                BenchDatabase.local(postgres);
            }
            if (settings.databases.contains("mariadb")) {
                BenchDatabase.local(mariadb);
            }
            return settings;
        }

        /** @return the first thread count: the diagnostics' */
        int baseThreads() {
            return threads.get(0);
        }

        int maxThreads() {
            return threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
        }

        String threadList() {
            return String.join(" and ", threads.stream().map(String::valueOf).toList());
        }

        String command() {
            StringBuilder command = new StringBuilder("mvn -B -q -pl credits-core,credits-jdbc -am -Pbench test-compile exec:java");
            if (!threadList().equals("8 and 32")) {
                command.append(" -Dcredits.bench.threads=").append(String.join(",",
                        threads.stream().map(String::valueOf).toList()));
            }
            if (seconds.toSeconds() != 20) {
                command.append(" -Dcredits.bench.seconds=").append(seconds.toSeconds());
            }
            if (warmup.toSeconds() != 5) {
                command.append(" -Dcredits.bench.warmup=").append(warmup.toSeconds());
            }
            if (rounds != 4) {
                command.append(" -Dcredits.bench.rounds=").append(rounds);
            }
            if (accounts != 10_000) {
                command.append(" -Dcredits.bench.accounts=").append(accounts);
            }
            if (!String.join(",", databases).equals("postgresql,mariadb,h2")) {
                command.append(" -Dcredits.bench.databases=").append(String.join(",", databases));
            }
            if (!String.join(",", scenarios).equals("a,b,p,reports")) {
                command.append(" -Dcredits.bench.scenarios=").append(String.join(",", scenarios));
            }
            if (!diagnostics) {
                command.append(" -Dcredits.bench.diagnostics=false");
            }
            if (!inFlight.isEmpty()) {
                command.append(" -Dcredits.bench.inflight=").append(String.join(",",
                        inFlight.stream().map(String::valueOf).toList()));
            }
            if (growthEntries != 1_000_000L) {
                command.append(" -Dcredits.bench.growth=").append(growthEntries);
            }
            if (growthSamples != 1000) {
                command.append(" -Dcredits.bench.growth.samples=").append(growthSamples);
            }
            return command.toString();
        }

        private static String firstNonBlank(String... values) {
            for (String value : values) {
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
            throw new IllegalStateException();
        }
    }
}
