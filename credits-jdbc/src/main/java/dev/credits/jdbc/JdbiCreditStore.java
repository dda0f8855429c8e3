package dev.credits.jdbc;

import dev.credits.Account;
import dev.credits.AccountLink;
import dev.credits.EntryType;
import dev.credits.HistoryFilter;
import dev.credits.LedgerEntry;
import dev.credits.LockTimeoutException;
import dev.credits.StoreConfigurationException;
import dev.credits.StoreUnavailableException;
import dev.credits.TransactionConflictException;
import dev.credits.spi.AccountSnapshot;
import dev.credits.spi.AccountWork;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.CreditStore;
import dev.credits.spi.MultiAccountWork;
import dev.credits.spi.EntryQuery;
import dev.credits.spi.EventStore;
import dev.credits.spi.ReportStore;
import dev.credits.spi.SnapshotRequest;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A {@link CreditStore} on a relational database through JDBI 3: H2 2.x (the embedded default, file or
 * in-memory), PostgreSQL and MariaDB/MySQL.
 *
 * <pre>{@code
 * // embedded: an H2 file database in ./credits-db (created on first use; delete the folder to start over)
 * JdbiCreditStore store = JdbiCreditStore.h2File(Path.of("credits-db"));
 *
 * // or on the host's connection pool
 * JdbiCreditStore store = JdbiCreditStore.builder(dataSource).build();
 * store.installSchema(); // creates or upgrades the tables; or run the shipped SQL with Flyway/Liquibase (see Dialect)
 *
 * CreditLedger ledger = CreditLedger.builder().store(store).build();
 * }</pre>
 *
 * <p><b>How it keeps the ledger exact.</b> Every unit of work ({@link #inAccount}) is one database transaction at
 * READ COMMITTED that first locks the account's row with {@code SELECT ... FOR UPDATE}, so units of work on one
 * account run one after another across threads, connection pools and JVMs, while different accounts run in
 * parallel. The changes are written at the end, one JDBC batch per kind of row, and committed together, or not at
 * all; the account row is updated only if its sequence is still the one read under the lock, so even a database
 * that let a lock slip could not lose a change (the unit of work would be retried). Reads ({@link #readAccount})
 * run in a read-only REPEATABLE READ transaction on PostgreSQL and MariaDB: one consistent snapshot, no lock, so
 * they never wait for writers nor make them wait; on H2 they lock the row.
 *
 * <p><b>Round trips.</b> On PostgreSQL a unit of work's first read (lock, balances, live lots, due holds, the
 * feature it prices, its idempotency record) is one multi-statement round trip, and its whole change set with the
 * COMMIT another, so a deduction takes two round trips; the statements whose row count matters check it in the
 * database, so a wrong count aborts the transaction before the COMMIT. MariaDB/MySQL pipeline too when the JDBC URL
 * allows multi-statement queries ({@code allowMultiQueries=true}, client-side prepared statements): three round
 * trips with the commit. Otherwise they, and H2, send one statement per read and one batch per kind of row.
 *
 * <p><b>Isolation.</b> The store needs READ COMMITTED, the default of PostgreSQL and H2. It checks the
 * connections' default once; if it differs (MariaDB/MySQL default to REPEATABLE READ) it sets READ COMMITTED on
 * every transaction, which costs one statement per transaction on MariaDB/MySQL (configure the pool with READ
 * COMMITTED to save it, e.g. HikariCP's {@code transactionIsolation=TRANSACTION_READ_COMMITTED}).
 *
 * <p><b>Failures.</b> Deadlocks and serialization failures (SQLState 40001, 40P01, MariaDB error 1213) roll back and
 * retry the whole unit of work up to {@linkplain Builder#maxRetries(int) maxRetries} times with a short jittered
 * backoff, then throw {@link StoreUnavailableException} with the earlier failures suppressed. A wait for a locked
 * account longer than the {@linkplain Builder#lockTimeout(Duration) lock timeout} (default 10 s) rolls back and
 * throws {@link LockTimeoutException} at once (not retried: the wait is the bound). A lost connection (SQLState class 08)
 * or any other database error throws {@link StoreUnavailableException} with the cause after rolling back; a
 * value the database rejects (SQLState class 22) throws {@link dev.credits.InvalidArgumentException}. Nothing is
 * ever half-written.
 *
 * <p><b>Durability.</b> A call returns only after its transaction committed durably: on H2 the store refuses a file
 * or server database that delays writing commits ({@code WRITE_DELAY} above 0, H2's default is 500 ms) unless the
 * builder {@linkplain Builder#allowDelayedCommits() allows it} (set {@code ;WRITE_DELAY=0} on its URL instead);
 * {@link #h2File(Path)} writes each call's commit to the file itself before returning, concurrent calls sharing one
 * write.
 * On PostgreSQL ({@code synchronous_commit}, {@code fsync}) and MariaDB ({@code innodb_flush_log_at_trx_commit})
 * durability is the server's setting: the store logs a warning once if it is relaxed.
 *
 * <p><b>Connections.</b> Every operation takes a connection from the data source, runs its own transaction (or
 * auto-commit statements) and gives the connection back. The store never commits, rolls back or changes the
 * isolation of a connection that is already inside a transaction: a connection handed over with auto-commit off
 * (a Spring {@code TransactionAwareDataSourceProxy} inside a {@code @Transactional} method, a pool configured with
 * {@code autoCommit=false}) is refused with {@link StoreConfigurationException} before any statement runs. Give the
 * store the pool itself; a ledger call made while the host has a transaction open then runs in a transaction of
 * its own, commits on its own, and is not undone by the host's rollback. To make ledger calls part of the host's
 * transaction instead, ask for it: {@link #joining(Connection)}.
 *
 * <p><b>Starting.</b> The first use opens one connection: it detects the dialect (or checks the configured one against
 * the database product: a mismatch is a {@link StoreConfigurationException} naming both), checks durability, and logs
 * one INFO line with the dialect, the table prefix and the schema version. Tables that are not there make calls fail
 * with {@link dev.credits.SchemaMissingException} (call {@link #installSchema()} or run {@link #migrations()}).
 *
 * <p><b>Time.</b> Instants are stored as microseconds since the epoch: sub-microsecond parts are dropped.
 *
 * <p>Thread-safe: share one instance per database (and table prefix).
 */
public final class JdbiCreditStore implements CreditStore, AutoCloseable {

    /** The default table prefix: {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = "credits_";
    /** The default number of retries after a transient conflict: {@value}. */
    public static final int DEFAULT_MAX_RETRIES = 5;
    /**
     * The default lock timeout: 10 s. Long enough for a queue of thousands of units of work on one hot account
     * (each holds the row for about a millisecond), short enough to answer well before an HTTP gateway gives up.
     */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);
    /** The longest lock timeout the databases accept (H2: 2147483.647 s). */
    static final Duration MAX_LOCK_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    private static final Logger LOG = LoggerFactory.getLogger(JdbiCreditStore.class);
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*");
    private static final int MAX_PREFIX_LENGTH = 30;
    private static final long MAX_BACKOFF_MILLIS = 100;
    private static final int CHECKPOINT_ATTEMPTS = 3;
    /** H2's in-process account locks, striped, shared by every store of the JVM (see {@link #lockLocally}). */
    private static final Lock[] H2_ACCOUNT_LOCKS = new Lock[1024];

    static {
        Arrays.setAll(H2_ACCOUNT_LOCKS, i -> new ReentrantLock());
    }

    private static final int ISOLATION_UNKNOWN = 0;
    private static final int ISOLATION_DEFAULT_OK = 1;
    private static final int ISOLATION_EXPLICIT = 2;

    private final Jdbi jdbi;
    private final String tablePrefix;
    private final Dialect configuredDialect;
    private final int maxRetries;
    private final Duration lockTimeout;
    private final boolean allowDelayedCommits;
    /** H2 with a write delay that the store makes durable itself (h2File); null otherwise. */
    private final GroupFlush groupFlush;
    private final AutoCloseable owned;
    /** A view {@linkplain #joining(Handle) joining a host's transaction}: every statement runs on it; else null. */
    private final Handle joined;

    /** H2: the database and prefix whose accounts {@link #lockLocally} serializes (set with the statements). */
    private volatile String localLockScope = "";
    private volatile SqlStatements statements;
    private final JdbiCatalog catalog = new JdbiCatalog(this);
    private final JdbcReportStore reports = new JdbcReportStore(this);
    private final JdbcEventStore events = new JdbcEventStore(new JdbcEventStore.Runner() {
        @Override
        public <T> T transaction(String operation, Function<Handle, T> body) {
            return JdbiCreditStore.this.transaction(operation, body);
        }

        @Override
        public <T> T autocommit(String operation, Function<Handle, T> body) {
            return JdbiCreditStore.this.autocommit(operation, body);
        }

        @Override
        public EventStatements statements() {
            return sql().events;
        }
    });
    private volatile int isolation = ISOLATION_UNKNOWN;

    private JdbiCreditStore(Builder builder) {
        this.jdbi = builder.jdbi;
        this.tablePrefix = builder.tablePrefix;
        this.configuredDialect = builder.dialect;
        this.maxRetries = builder.maxRetries;
        this.lockTimeout = builder.lockTimeout;
        this.allowDelayedCommits = builder.allowDelayedCommits;
        this.groupFlush = builder.flushCommitsInGroups ? new GroupFlush(this::checkpoint) : null;
        this.owned = builder.owned;
        this.joined = null;
    }

    /** A view of {@code parent} whose statements run on {@code joined}, inside the host's transaction. */
    private JdbiCreditStore(JdbiCreditStore parent, Handle joined) {
        this.jdbi = parent.jdbi;
        this.tablePrefix = parent.tablePrefix;
        this.configuredDialect = parent.configuredDialect;
        this.maxRetries = 0;
        this.lockTimeout = parent.lockTimeout;
        this.allowDelayedCommits = parent.allowDelayedCommits;
        this.groupFlush = null; // durability follows the host's commit, which the store does not see
        this.owned = null;
        this.joined = joined;
        this.statements = parent.sql();
        this.localLockScope = parent.localLockScope;
    }

    /**
     * Starts a store on a configured {@link Jdbi}. The store uses only the Jdbi's connections; it adds no plugins
     * or mappers to it.
     *
     * @param jdbi the database
     * @return a new builder
     */
    public static Builder builder(Jdbi jdbi) {
        return new Builder(Objects.requireNonNull(jdbi, "jdbi"), null);
    }

    /**
     * Starts a store on a {@link DataSource}, normally the host's connection pool (the store opens a connection
     * per operation and gives it back at once, so an unpooled data source works but is slow).
     *
     * @param dataSource the database
     * @return a new builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Jdbi.create(Objects.requireNonNull(dataSource, "dataSource")), null);
    }

    /**
     * The embedded default: a store on an H2 file database {@code credits.mv.db} in {@code directory} (created if
     * missing), with its own small connection pool and the schema installed. Running a program twice reuses the
     * data; deleting the directory starts over. {@link #close()} the store to close the database (H2 also closes
     * it when the JVM exits). One process at a time: H2 locks the file, and a second JVM opening it gets a
     * {@link StoreUnavailableException}; to share a ledger between processes use PostgreSQL or MariaDB (or an H2
     * server). Equivalent to
     * {@code builder(JdbcConnectionPool.create("jdbc:h2:file:<directory>/credits;LOCK_TIMEOUT=10000", "sa", ""))
     * .build()} plus {@link #installSchema()}, except that it makes every call durable itself.
     *
     * <p>Durable: a call returns only after H2 wrote its commit to the file ({@code CHECKPOINT}; calls committing
     * at the same time share one write, like a server's group commit), so a process crash ({@code kill -9})
     * loses no acknowledged call. H2 does not force the file to the disk: an operating-system crash or a power
     * loss may lose the last commits. Where that matters, use PostgreSQL or MariaDB.
     *
     * <p>Needs H2 on the class path: credits-jdbc declares it optional, so add {@code com.h2database:h2} (2.x) to
     * your build.
     *
     * @param directory where the database files live, e.g. {@code Path.of("credits-db")}
     * @return a ready store, owning its pool
     * @throws StoreConfigurationException if H2 is not on the class path
     * @throws StoreUnavailableException   if the directory or the database cannot be opened
     */
    public static JdbiCreditStore h2File(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path absolute = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create the H2 database directory " + absolute, e);
        }
        // H2 writes commits to the file up to WRITE_DELAY (500 ms) after they returned, so a killed process lost
        // acknowledged calls; the store makes each call durable itself before returning, flushing concurrent commits
        // together (GroupFlush), which costs far less than H2's WRITE_DELAY=0 (one file write per commit).
        // LOCK_TIMEOUT: waits for rows other than the account's (bounded by the store's lock timeout) give up after
        // 10 s, not H2's default 2 s.
        requireH2();
        H2Pool pool = H2Pool.open("jdbc:h2:file:" + absolute.resolve("credits") + ";LOCK_TIMEOUT=10000", 16);
        JdbiCreditStore store = new Builder(Jdbi.create(pool.dataSource()), pool).dialect(Dialect.H2)
                .flushCommitsInGroups().build();
        try {
            store.installSchema();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return store;
    }

    /** Fails clearly where H2, an optional dependency, is not on the class path (before {@link H2Pool} loads). */
    private static void requireH2() {
        try {
            Class.forName("org.h2.jdbcx.JdbcConnectionPool", false, JdbiCreditStore.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new StoreConfigurationException("JdbiCreditStore.h2File needs the H2 database on the class path,"
                    + " which credits-jdbc declares optional: add the dependency com.h2database:h2 (2.x) to your build,"
                    + " or build the store on your own DataSource with JdbiCreditStore.builder(dataSource)");
        }
    }

    /** @return the table prefix */
    public String tablePrefix() {
        return tablePrefix;
    }

    /**
     * @return the dialect: the configured one, else the detected one (detecting it opens a connection once)
     * @throws StoreUnavailableException if it must be detected and the database cannot be reached
     */
    public Dialect dialect() {
        return configuredDialect != null ? configuredDialect : sql().dialect;
    }

    /**
     * How to run this store's schema with the host's Flyway or Liquibase instead of {@link #installSchema()}: the
     * location of the dialect's files, the table prefix placeholder, a Flyway history table of its own and the shipped
     * Liquibase changelog (see {@link SchemaMigrations} and the README).
     *
     * @return the migrations for this store's dialect and prefix
     * @throws StoreUnavailableException if the dialect must be detected and the database cannot be reached
     */
    public SchemaMigrations migrations() {
        return SchemaMigrations.of(dialect(), tablePrefix);
    }

    /**
     * A view of this store that runs every statement on the host's connection, inside the transaction the host has
     * open on it, so that ledger calls and the host's own writes commit together or not at all:
     *
     * <pre>{@code
     * try (Connection connection = dataSource.getConnection()) {
     *     connection.setAutoCommit(false);
     *     insertJob(connection, jobId);                                   // the host's own row
     *     DeductionResult result = ledger.withStore(store.joining(connection))
     *             .deductCredits(DeductRequest.of(accountId, "image_generation").withIdempotencyKey(jobId));
     *     if (result.success()) {
     *         connection.commit();                                        // publishes both
     *     } else {
     *         connection.rollback();
     *     }
     * }
     * }</pre>
     *
     * <p>What changes in this mode:
     * <ul>
     * <li>The store never begins, commits, rolls back or reconfigures the transaction, and never closes the
     * connection. The account's row stays locked from the ledger call until the host commits or rolls back (reads
     * lock it too, as they see no snapshot of their own): keep the transaction short.</li>
     * <li>Nothing is retried: a deadlock or serialization failure throws {@link TransactionConflictException}; roll
     * back and run the whole transaction again (idempotency keys make that safe).</li>
     * <li>When a ledger call throws, roll the transaction back: the call may have written part of its change set
     * (and PostgreSQL has aborted the transaction anyway). A rejection (a result with a reason) wrote nothing.</li>
     * <li>The lock timeout still bounds the wait for the account: on PostgreSQL through {@code SET LOCAL
     * lock_timeout}, which then applies to the host's later statements of the transaction as well.</li>
     * <li>Durability is the host's commit: on an H2 file database that delays commits ({@link #h2File}) the store
     * cannot flush a commit it does not make; use {@code WRITE_DELAY=0} or a server database for host
     * transactions. On H2 the account is locked by the database only, not also in the JVM as the store's own
     * transactions do (that lock would have to outlive the call): tested on in-memory H2.</li>
     * </ul>
     *
     * <p>Isolation: READ COMMITTED on H2 and MariaDB/MySQL (at REPEATABLE READ a read could see a snapshot older
     * than the locked account: refused); READ COMMITTED or stricter on PostgreSQL (a concurrent change then
     * surfaces as {@link TransactionConflictException}). The view is for the one transaction: build it after
     * {@code setAutoCommit(false)} and drop it with the transaction. Not thread-safe (a connection is not).
     *
     * @param connection the host's connection, auto-commit off
     * @return a store for {@code CreditLedger.withStore(...)}
     * @throws StoreConfigurationException if the connection is in auto-commit mode or at an isolation the store
     *                                     cannot keep the ledger exact under
     */
    public CreditStore joining(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return joining(Jdbi.create(connection).open());
    }

    /**
     * {@link #joining(Connection)} on a JDBI handle the host has begun a transaction on ({@code handle.begin()},
     * or inside {@code jdbi.useTransaction(...)}).
     *
     * @param handle the host's handle, in a transaction
     * @return a store for {@code CreditLedger.withStore(...)}
     * @throws StoreConfigurationException as {@link #joining(Connection)}
     */
    public CreditStore joining(Handle handle) {
        Objects.requireNonNull(handle, "handle");
        if (joined != null) {
            throw new StoreConfigurationException("joining: this store already joins a host's transaction");
        }
        SqlStatements sql = sql();
        try {
            Connection connection = handle.getConnection();
            if (connection.getAutoCommit()) {
                throw new StoreConfigurationException("joining: the connection is in auto-commit mode, so it is in"
                        + " no transaction to join; call connection.setAutoCommit(false) (or handle.begin()) first,"
                        + " and commit it yourself");
            }
            int level = connection.getTransactionIsolation();
            boolean accepted = sql.dialect == Dialect.POSTGRESQL
                    ? level != Connection.TRANSACTION_READ_UNCOMMITTED && level != Connection.TRANSACTION_NONE
                    : level == Connection.TRANSACTION_READ_COMMITTED;
            if (!accepted) {
                throw new StoreConfigurationException("joining: the transaction's isolation is " + isolationName(level)
                        + "; on " + sql.dialect + " the store needs READ COMMITTED"
                        + (sql.dialect == Dialect.POSTGRESQL ? " or stricter" : "") + ": call"
                        + " connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED) before the"
                        + " transaction's first statement (or configure the pool so)");
            }
        } catch (SQLException e) {
            throw Failures.translate(new org.jdbi.v3.core.ConnectionException(e), sql, "joining");
        }
        return new JdbiCreditStore(this, handle);
    }

    private static String isolationName(int level) {
        return switch (level) {
            case Connection.TRANSACTION_NONE -> "NONE";
            case Connection.TRANSACTION_READ_UNCOMMITTED -> "READ UNCOMMITTED";
            case Connection.TRANSACTION_READ_COMMITTED -> "READ COMMITTED";
            case Connection.TRANSACTION_REPEATABLE_READ -> "REPEATABLE READ";
            case Connection.TRANSACTION_SERIALIZABLE -> "SERIALIZABLE";
            default -> "level " + level;
        };
    }

    /**
     * Brings the database to the schema of this jar: applies, in order, the versions of the dialect's shipped SQL
     * files ({@link Dialect#schemaResources()}, table prefix substituted) that the database does not have yet, and
     * records each in the store's version table {@code <prefix>schema_version} (version, description, file name,
     * SHA-256 of the file as shipped, whether it was a baseline, when). Safe to call at every start: when every version
     * is recorded it only reads the version table (and needs no privilege to create tables).
     *
     * <p>Each version runs in one transaction on PostgreSQL (DDL is transactional there: the version and its record
     * commit together or not at all). H2 and MariaDB/MySQL commit DDL implicitly, so a version runs statement by
     * statement and is recorded last; the shipped statements are idempotent ({@code IF NOT EXISTS}), so a version cut
     * off halfway is completed by the next call.
     *
     * <p>Safe when several JVMs start at once: installs take turns on a lock of the database (PostgreSQL
     * {@code pg_advisory_xact_lock}; MariaDB/MySQL {@code GET_LOCK('credits_schema:<prefix>')}, waiting at most 10
     * minutes, then {@link LockTimeoutException}). An embedded H2 database belongs to one process, whose installs take
     * turns in the JVM; several processes on one H2 server rely on the idempotent statements, the version table's
     * primary key deciding which one records a version.
     *
     * <p>Tables that an earlier {@code installSchema()} (or a host's Flyway or Liquibase) created without this version
     * table are adopted: if every existing table of version 1 has version 1's columns, whatever is missing is created
     * and version 1 is recorded as a baseline; otherwise the call refuses. Not needed when the host runs the same
     * files with its own Flyway or Liquibase (which keep their own history table, never this one).
     *
     * @throws StoreConfigurationException if the database is at a version newer than this jar knows (it was upgraded by
     *                                     a newer credits-jdbc), if the file of a recorded version has changed since
     *                                     (its checksum differs; the message names the file), or if existing tables
     *                                     without a version table do not match version 1; nothing is changed
     * @throws LockTimeoutException        if another connection's install held the MariaDB/MySQL lock for 10 minutes
     * @throws StoreUnavailableException   if the database cannot be reached or refuses a statement
     */
    public void installSchema() {
        if (joined != null) {
            throw new StoreConfigurationException("installSchema: not inside a host's transaction (DDL commits it on"
                    + " H2 and MariaDB); call it on the store itself");
        }
        installSchema(sql().dialect.schemaResources());
        durable(null); // h2File: the schema is in the file before the store is used
    }

    /**
     * {@link #installSchema()} with the given schema files instead of the dialect's (tests give the runner a version
     * the jar does not ship).
     *
     * @param resources class-path resources named {@code V<n>__<description>.sql}, oldest first
     * @return the versions whose statements this call ran (baselines included), oldest first; on an H2 server shared
     *         by several processes another process may have run (and recorded) one of them too
     */
    List<Integer> installSchema(List<String> resources) {
        return new SchemaInstall(this, sql(), tablePrefix).install(resources);
    }

    /**
     * Closes what the store itself opened: the connection pool of {@link #h2File(Path)}. A store built on a
     * host's {@link Jdbi} or {@link DataSource} leaves it open. Idempotent.
     */
    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("closing the credits store's connection pool failed", e);
            }
        }
    }

    // ---------------------------------------------------------------- accounts

    /**
     * {@inheritDoc}
     *
     * <p>Reads first (one statement when the account exists); otherwise inserts, tolerating a concurrent insert
     * of the same id ({@code ON CONFLICT DO NOTHING} on PostgreSQL, the duplicate-key error elsewhere), and
     * reads the winner.
     */
    @Override
    public Account insertAccountIfAbsent(Account account) {
        Objects.requireNonNull(account, "account");
        SqlStatements sql = sql();
        return insertIfAbsent("insertAccountIfAbsent", "account '" + account.accountId() + "'", account,
                () -> findAccount(account.accountId()), handle -> {
                    Update insert = handle.createUpdate(sql.insertAccount());
                    Tables.ACCOUNTS.bind(account, new CatalogRows.JdbiParams(insert));
                    return insert;
                });
    }

    /**
     * Inserts a row under a unique key unless one exists: reads first (one statement when it exists); otherwise
     * inserts, tolerating a concurrent insert of the same key (the statement's {@code ON CONFLICT DO NOTHING} on
     * PostgreSQL, the duplicate-key error elsewhere), and reads the winner.
     */
    private <R> R insertIfAbsent(String operation, String what, R row, Supplier<Optional<R>> find,
                                 Function<Handle, Update> insert) {
        Optional<R> existing = find.get();
        if (existing.isPresent()) {
            return existing.get();
        }
        int inserted = autocommit(operation, handle -> {
            try {
                return insert.apply(handle).execute();
            } catch (JdbiException e) {
                if (isConstraintViolation(e)) {
                    return 0;
                }
                throw e;
            }
        });
        if (inserted == 1) {
            return durable(row);
        }
        return find.get().orElseThrow(() -> new StoreUnavailableException(what + " was neither inserted nor found",
                null));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One READ COMMITTED transaction: {@code SELECT ... FOR UPDATE} of the account row, the work's reads, its
     * {@link dev.credits.spi.AccountTransaction#write write} as one batch per kind of row, commit (on PostgreSQL the
     * change set is sent with the COMMIT once the work has returned). Retried on transient conflicts as described in
     * the class documentation.
     */
    @Override
    public <T> T inAccount(String accountId, AccountWork<T> work) {
        return unitOfWork("inAccount", accountId, work, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>One READ COMMITTED transaction over every account, as {@link #inAccount} is over one. Where the dialect does
     * not pipeline, the account rows are locked ({@code FOR UPDATE}) in the order named before the work runs; where it
     * does (PostgreSQL, MariaDB/MySQL with multi-statement queries), each is locked by its transaction's first read,
     * in one round trip with its snapshot, and the ledger reads them in the order named (any the work did not read are
     * locked, in order, when it returns). The last account's change set travels with the COMMIT. H2: this JVM's
     * account locks are taken first, in one fixed order of their own.
     */
    @Override
    public <T> T inAccounts(List<String> accountIdsInLockOrder, MultiAccountWork<T> work) {
        Objects.requireNonNull(work, "work");
        List<String> ids = List.copyOf(accountIdsInLockOrder);
        if (ids.isEmpty() || new HashSet<>(ids).size() != ids.size()) {
            throw new IllegalArgumentException("inAccounts needs distinct account ids, at least one: " + ids);
        }
        SqlStatements sql = sql();
        // One account (a combined batch on one organization) is named as a unit of work on it: see Failures.describe.
        String what = ids.size() == 1 ? "inAccounts of account '" + ids.get(0) + "'" : "inAccounts of accounts " + ids;
        T outcome = withRetries(what, s -> {
            List<Lock> locals = new ArrayList<>();
            try {
                if (s.dialect == Dialect.H2 && joined == null) {
                    // Stripes in index order: two units never wait for each other's stripes in a cycle.
                    for (int stripe : new TreeSet<>(ids.stream().map(this::stripe).toList())) {
                        locals.add(lockStripe(stripe, what));
                    }
                }
                return attempt(s, what, handle -> {
                    List<JdbcAccountTransaction> txs = new ArrayList<>(ids.size());
                    for (int i = 0; i < ids.size(); i++) {
                        // Only the last one sends its change set with the COMMIT (none inside a host's transaction).
                        boolean commits = i == ids.size() - 1 && joined == null;
                        txs.add(JdbcAccountTransaction.begin(handle, sql, ids.get(i), false, !commits));
                    }
                    T result = work.run(List.copyOf(txs));
                    JdbcAccountTransaction.finishAll(txs);
                    return result;
                }, true, true);
            } finally {
                for (int i = locals.size() - 1; i >= 0; i--) {
                    locals.get(i).unlock();
                }
            }
        });
        return durable(outcome);
    }

    /**
     * {@inheritDoc}
     *
     * <p>True where the dialect pipelines (PostgreSQL; MariaDB/MySQL with multi-statement queries): there a unit of
     * work over several accounts reads them all in one round trip and writes them all with its commit. On H2, and on
     * MariaDB/MySQL without multi-statement queries, it would cost a round trip per account and kind of row, so
     * write-combining keeps each batch to one organization.
     */
    @Override
    public boolean combinesAcrossAccounts() {
        return sql().pipelines();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Where the dialect pipelines (PostgreSQL; MariaDB/MySQL with multi-statement queries), every account's locking
     * read and snapshot go in one round trip, in the order given; elsewhere one account at a time.
     */
    @Override
    public List<AccountSnapshot> snapshots(List<SnapshotRequest> requests, Instant now) {
        List<JdbcAccountTransaction> txs = new ArrayList<>(requests.size());
        for (SnapshotRequest request : requests) {
            if (!(request.transaction() instanceof JdbcAccountTransaction tx)) {
                return CreditStore.super.snapshots(requests, now);
            }
            txs.add(tx);
        }
        return JdbcAccountTransaction.snapshots(txs, requests, now);
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL, MariaDB/MySQL: a read-only REPEATABLE READ transaction, so the work sees one consistent
     * snapshot without taking a lock (readers and writers never wait for each other). H2: the account row is locked
     * ({@code FOR UPDATE}) for the duration.
     */
    @Override
    public <T> T readAccount(String accountId, AccountWork<T> work) {
        return unitOfWork("readAccount", accountId, work, true);
    }

    private <T> T unitOfWork(String operation, String accountId, AccountWork<T> work, boolean readOnly) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(work, "work");
        SqlStatements sql = sql();
        // A snapshot read sets its own isolation (REPEATABLE READ, READ ONLY) as its first statement.
        boolean readCommitted = !readOnly || sql.snapshotReadStatement() == null;
        String what = operation + " of account '" + accountId + "'";
        T outcome = withRetries(what, s -> {
            // Not in a host's transaction: the row lock outlives the call, and the host's next call on the account
            // would wait for a thread that waits for the host's row lock.
            Lock local = s.dialect == Dialect.H2 && joined == null ? lockLocally(accountId, what) : null;
            try {
                return attempt(s, what, handle -> {
                    JdbcAccountTransaction tx = JdbcAccountTransaction.begin(handle, sql, accountId, readOnly,
                            joined != null);
                    T result = work.run(tx);
                    tx.finish();
                    return result;
                }, true, readCommitted);
            } finally {
                if (local != null) {
                    local.unlock();
                }
            }
        });
        // Outside the account's lock: the next unit of work on it runs while this one waits for the file write.
        return readOnly ? outcome : durable(outcome);
    }

    /**
     * Returns once the commits made so far are durable: at once, unless the store writes H2's commits itself
     * ({@link #h2File}), then after a flush that started after this call's commit.
     */
    <T> T durable(T result) {
        if (groupFlush != null) {
            groupFlush.awaitDurable();
        }
        return result;
    }

    /**
     * Writes every committed change of the H2 database to its file, on a fresh connection each try (a broken
     * connection must not fail a call whose commit already happened).
     */
    private void checkpoint() {
        for (int attempt = 1; ; attempt++) {
            try {
                autocommit("checkpoint", handle -> handle.execute("CHECKPOINT"));
                return;
            } catch (StoreUnavailableException e) {
                if (attempt >= CHECKPOINT_ATTEMPTS) {
                    throw new StoreUnavailableException("the call committed, but writing it to the H2 database file"
                            + " failed, so it may not survive a crash: retry it with its idempotency key", e);
                }
                LOG.debug("credits store: CHECKPOINT attempt {} failed, trying again", attempt, e);
            }
        }
    }

    /**
     * H2 only: takes the account's lock in this JVM (shared by every store on the same database and prefix) before
     * the database's row lock. Under concurrent commits H2 2.3 with {@code WRITE_DELAY=0} (which durability needs)
     * was seen granting a row lock still held by another transaction; an embedded database belongs to one process,
     * so serializing a process's units of work per account restores the guarantee. Waits at most the lock timeout.
     */
    private Lock lockLocally(String accountId, String operation) {
        return lockStripe(stripe(accountId), operation);
    }

    /** @return the index of the account's lock in this JVM (H2) */
    private int stripe(String accountId) {
        return Math.floorMod(31 * localLockScope.hashCode() + accountId.hashCode(), H2_ACCOUNT_LOCKS.length);
    }

    private Lock lockStripe(int stripe, String operation) {
        Lock lock = H2_ACCOUNT_LOCKS[stripe];
        try {
            if (lock.tryLock(lockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return lock;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(Failures.describe(operation) + ": interrupted while waiting for the"
                    + " account", e);
        }
        throw new LockTimeoutException(Failures.describe(operation) + ": timed out after " + lockTimeout.toMillis()
                + " ms waiting for the account, which another unit of work of this process holds; nothing was changed",
                lockTimeout, null);
    }

    @Override
    public Optional<Account> findAccount(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        SqlStatements sql = sql();
        return autocommit("findAccount", handle -> handle.createQuery(sql.selectAccount())
                .bind("accountId", accountId)
                .map(Tables.ACCOUNTS.mapper())
                .findOne());
    }

    /** Reads the accounts table by a key no account has: one round trip that also fails when the schema is missing. */
    @Override
    public void ping() {
        SqlStatements sql = sql();
        autocommit("ping", handle -> handle.createQuery(sql.selectAccount())
                .bind("accountId", "")
                .map(Tables.ACCOUNTS.mapper())
                .findOne());
    }

    @Override
    public Optional<String> findAccountOfTransaction(String transactionId) {
        Objects.requireNonNull(transactionId, "transactionId");
        SqlStatements sql = sql();
        return autocommit("findAccountOfTransaction", handle -> handle.createQuery(sql.selectAccountOfTransaction())
                .bind("transactionId", transactionId)
                .mapTo(String.class)
                .findOne());
    }

    @Override
    public Optional<String> findAccountOfHold(String holdId) {
        Objects.requireNonNull(holdId, "holdId");
        SqlStatements sql = sql();
        return autocommit("findAccountOfHold", handle -> handle.createQuery(sql.selectAccountOfHold())
                .bind("holdId", holdId)
                .mapTo(String.class)
                .findOne());
    }

    @Override
    public Optional<String> findAccountOfPurchase(String purchaseId) {
        Objects.requireNonNull(purchaseId, "purchaseId");
        SqlStatements sql = sql();
        return autocommit("findAccountOfPurchase", handle -> handle.createQuery(sql.selectAccountOfPurchase())
                .bind("purchaseId", purchaseId)
                .mapTo(String.class)
                .findOne());
    }

    /** {@inheritDoc} Ordered by account id. */
    @Override
    public List<String> findAccountsWithDueItems(Instant now, int limit) {
        Objects.requireNonNull(now, "now");
        if (limit <= 0) {
            return List.of();
        }
        SqlStatements sql = sql();
        return autocommit("findAccountsWithDueItems", handle -> handle.createQuery(sql.selectAccountsWithDueItems())
                .bind("now", Rows.micros(now))
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
    }

    /** {@inheritDoc} Keyset pagination on the unique (account, sequence) index; no lock. */
    @Override
    public List<LedgerEntry> findEntries(String accountId, EntryQuery query) {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(query, "query");
        if (query.limit() <= 0) {
            return List.of();
        }
        HistoryFilter filter = query.filter() == null ? HistoryFilter.all() : query.filter();
        SqlStatements sql = sql();
        return autocommit("findEntries", handle -> {
            Query select = handle.createQuery(sql.selectEntries(filter))
                    .bind("accountId", accountId)
                    .bind("before", query.beforeSequence())
                    .bind("limit", query.limit());
            if (filter.from() != null) {
                select.bind("from", Rows.micros(filter.from()));
            }
            if (filter.to() != null) {
                select.bind("to", Rows.micros(filter.to()));
            }
            List<EntryType> types = SqlStatements.filterTypes(filter);
            for (int i = 0; i < types.size(); i++) {
                select.bind("type" + i, types.get(i).name());
            }
            if (filter.creditType() != null) {
                select.bind("creditType", filter.creditType());
            }
            if (filter.featureKey() != null) {
                select.bind("featureKey", filter.featureKey());
            }
            if (filter.userId() != null) {
                select.bind("userId", filter.userId());
            }
            return select.map(Tables::entry).list();
        });
    }

    @Override
    public List<dev.credits.AuditRecord> findAuditRecords(dev.credits.spi.AuditQuery query) {
        Objects.requireNonNull(query, "query");
        String prefix = sql().prefix;
        return autocommit("findAuditRecords", handle -> AuditStatements.findAuditRecords(handle, prefix, query));
    }

    @Override
    public List<dev.credits.ChargeDispute> findDisputes(dev.credits.spi.DisputeQuery query) {
        Objects.requireNonNull(query, "query");
        String prefix = sql().prefix;
        return autocommit("findDisputes", handle -> AuditStatements.findDisputes(handle, prefix, query));
    }

    // ---------------------------------------------------------------- account links

    /**
     * {@inheritDoc}
     *
     * <p>Reads first (one statement when the reference is linked); otherwise inserts, tolerating a concurrent insert
     * of the same reference ({@code ON CONFLICT DO NOTHING} on PostgreSQL, the duplicate-key error elsewhere), and
     * reads the winner.
     */
    @Override
    public AccountLink insertAccountLinkIfAbsent(AccountLink link) {
        Objects.requireNonNull(link, "link");
        SqlStatements sql = sql();
        return insertIfAbsent("insertAccountLinkIfAbsent", "account link '" + link.reference() + "'", link,
                () -> findAccountLink(link.reference()), handle -> {
                    Update insert = handle.createUpdate(sql.insertAccountLink());
                    Tables.ACCOUNT_LINKS.bind(link, new CatalogRows.JdbiParams(insert));
                    return insert;
                });
    }

    @Override
    public Optional<AccountLink> findAccountLink(String reference) {
        Objects.requireNonNull(reference, "reference");
        SqlStatements sql = sql();
        return autocommit("findAccountLink", handle -> handle.createQuery(sql.selectAccountLink())
                .bind("reference", reference)
                .map(Tables.ACCOUNT_LINKS.mapper())
                .findOne());
    }

    // ---------------------------------------------------------------- the catalog

    @Override
    public CatalogStore catalog() {
        return catalog;
    }

    /** {@inheritDoc} See {@link JdbcEventStore}. */
    @Override
    public EventStore events() {
        return events;
    }

    /** {@inheritDoc} See {@link JdbcReportStore}. */
    @Override
    public ReportStore reports() {
        return reports;
    }

    // ---------------------------------------------------------------- plumbing

    SqlStatements sql() {
        SqlStatements current = statements;
        if (current == null) {
            synchronized (this) {
                current = statements;
                if (current == null) {
                    current = resolveStatements();
                    statements = current;
                }
            }
        }
        return current;
    }

    /**
     * The statements: of the configured dialect, else of the one detected from the database product; on MariaDB/MySQL
     * also reads from a connection's URL whether multi-statement queries are allowed (then units of work pipeline).
     */
    private SqlStatements resolveStatements() {
        try (Handle handle = jdbi.open()) {
            DatabaseMetaData metaData = handle.getConnection().getMetaData();
            Dialect dialect = checkedDialect(metaData.getDatabaseProductName());
            boolean multiStatements = dialect.dependsOnConnections() && MariaDbStatements.allowsMultiStatements(metaData);
            if (multiStatements) {
                LOG.debug("credits store: the connections allow multi-statement queries; units of work pipeline");
            }
            checkDurability(handle, dialect, metaData.getURL());
            localLockScope = metaData.getURL() + "|" + tablePrefix;
            SqlStatements resolved = dialect.statements(tablePrefix, lockTimeout, multiStatements);
            LOG.info("credits store started: dialect {}, table prefix {}, schema version {}", dialect, tablePrefix,
                    schemaVersion(handle, resolved));
            return resolved;
        } catch (JdbiException | SQLException e) {
            throw new StoreUnavailableException("cannot reach the database to detect its dialect", e);
        }
    }

    /**
     * The configured dialect, checked against the database product (MariaDB and MySQL pass for each other: each
     * one's driver may report the other); else the detected one.
     */
    private Dialect checkedDialect(String product) {
        Dialect detected;
        try {
            detected = Dialect.fromProductName(product);
        } catch (IllegalArgumentException unsupported) {
            if (configuredDialect == null) {
                throw new StoreConfigurationException(unsupported.getMessage() + "; or configure a Dialect");
            }
            LOG.warn("credits store: database product '{}' is not one the store knows; using the configured dialect {}",
                    product, configuredDialect);
            return configuredDialect;
        }
        if (configuredDialect == null) {
            LOG.debug("credits store detected dialect {} from database product '{}'", detected, product);
            return detected;
        }
        boolean sameFamily = configuredDialect.dependsOnConnections() && detected.dependsOnConnections();
        if (configuredDialect != detected && !sameFamily) {
            throw new StoreConfigurationException("the store is configured with Dialect." + configuredDialect
                    + " but the database is " + product + " (Dialect." + detected + "): configure Dialect." + detected
                    + ", or leave the dialect out to detect it");
        }
        return configuredDialect;
    }

    /** For the start line: the newest version recorded by installSchema(), or what else is known. */
    private static String schemaVersion(Handle handle, SqlStatements sql) {
        try {
            if (!handle.getConnection().getAutoCommit()) {
                return "unknown"; // a failed query would abort the transaction the connection is in
            }
            Integer newest = handle.createQuery("SELECT MAX(version_no) FROM " + sql.prefix + "schema_version")
                    .mapTo(Integer.class).one();
            return newest == null ? "none recorded" : String.valueOf(newest);
        } catch (JdbiException | SQLException e) {
            return "not recorded (no " + sql.prefix + "schema_version table: installSchema() not run yet, or the host's"
                    + " Flyway/Liquibase runs the migrations)";
        }
    }

    /**
     * Checks, once, that a commit the database acknowledges is written: an H2 file or server database that delays
     * writing commits is refused (unless allowed), a relaxed PostgreSQL or MariaDB server setting is logged.
     */
    private void checkDurability(Handle handle, Dialect dialect, String url) {
        switch (dialect) {
            case H2 -> {
                if (url != null && url.startsWith("jdbc:h2:mem:")) {
                    return; // nothing survives a crash of an in-memory database anyway
                }
                int writeDelay = handle.createQuery("SELECT COALESCE(MAX(CAST(SETTING_VALUE AS INT)), 0)"
                        + " FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'").mapTo(Integer.class).one();
                if (writeDelay > 0 && groupFlush != null) {
                    return; // the store writes every call's commit itself (h2File)
                }
                if (writeDelay > 0 && !allowDelayedCommits) {
                    throw new StoreConfigurationException("the H2 database " + url + " writes commits up to "
                            + writeDelay + " ms after acknowledging them (WRITE_DELAY=" + writeDelay + "), so a crash"
                            + " would lose acknowledged ledger calls. Add ;WRITE_DELAY=0 to its URL (or use"
                            + " JdbiCreditStore.h2File), or accept the risk with Builder.allowDelayedCommits().");
                }
                if (writeDelay > 0) {
                    LOG.warn("credits store: H2 database {} delays commits by {} ms (allowed by the builder): a crash"
                            + " loses the ledger calls of the last {} ms", url, writeDelay, writeDelay);
                }
            }
            case POSTGRESQL -> {
                String synchronousCommit = handle.createQuery("SHOW synchronous_commit").mapTo(String.class).one();
                String fsync = handle.createQuery("SHOW fsync").mapTo(String.class).one();
                if ("off".equalsIgnoreCase(synchronousCommit) || "off".equalsIgnoreCase(fsync)) {
                    LOG.warn("credits store: PostgreSQL runs with synchronous_commit={} and fsync={}: a server crash"
                            + " may lose ledger calls it acknowledged", synchronousCommit, fsync);
                }
            }
            case MARIADB, MYSQL -> {
                String flush = handle.createQuery("SELECT @@innodb_flush_log_at_trx_commit").mapTo(String.class).one();
                if (!"1".equals(flush)) {
                    LOG.warn("credits store: innodb_flush_log_at_trx_commit={} (not 1): a server or operating-system"
                            + " crash may lose ledger calls the database acknowledged", flush);
                }
            }
        }
    }

    static boolean isConstraintViolation(JdbiException e) {
        SQLException cause = Failures.sqlCause(e);
        return cause != null && SqlStatements.isConstraintViolation(cause);
    }

    /** Runs {@code body} in one READ COMMITTED transaction with bounded lock waits, retrying transient conflicts. */
    <T> T transaction(String operation, Function<Handle, T> body) {
        return durable(withRetries(operation, sql -> attempt(sql, operation, handle -> {
            if (sql.lockTimeoutStatement() != null) {
                handle.execute(sql.lockTimeoutStatement());
            }
            return body.apply(handle);
        }, true, true)));
    }

    /** Runs {@code body} on a connection in auto-commit mode (single statements), retrying transient conflicts. */
    <T> T autocommit(String operation, Function<Handle, T> body) {
        return withRetries(operation, sql -> attempt(sql, operation, body, false, false));
    }

    <T> T withRetries(String operation, Function<SqlStatements, T> attempt) {
        SqlStatements sql = sql();
        if (joined != null) {
            try {
                return attempt.apply(sql);
            } catch (Failures.Transient transientFailure) {
                throw new TransactionConflictException(Failures.describe(operation) + ": a transient conflict"
                        + " (deadlock or serialization failure) in the host's transaction; roll it back and run the whole transaction again",
                        transientFailure.getCause());
            }
        }
        List<Throwable> failures = null;
        for (int attemptNo = 0; ; attemptNo++) {
            try {
                return attempt.apply(sql);
            } catch (Failures.Transient transientFailure) {
                Throwable cause = transientFailure.getCause();
                if (attemptNo >= maxRetries) {
                    StoreUnavailableException giveUp = new StoreUnavailableException(Failures.describe(operation)
                            + ": transient conflict persisted after " + (attemptNo + 1) + " attempts", cause);
                    if (failures != null) {
                        failures.forEach(giveUp::addSuppressed);
                    }
                    LOG.warn("credits store {} gave up after {} attempts: {}", operation, attemptNo + 1,
                            cause.getMessage());
                    throw giveUp;
                }
                if (failures == null) {
                    failures = new ArrayList<>();
                }
                failures.add(cause);
                LOG.debug("credits store {} attempt {} hit a transient conflict, retrying: {}", operation,
                        attemptNo + 1, cause.getMessage());
                pause(operation, attemptNo, cause, failures);
            }
        }
    }

    private static void pause(String operation, int attemptNo, Throwable cause, List<Throwable> failures) {
        long cap = Math.min(MAX_BACKOFF_MILLIS, 2L << Math.min(attemptNo, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            StoreUnavailableException interrupted =
                    new StoreUnavailableException(operation + ": interrupted while waiting to retry", cause);
            failures.forEach(interrupted::addSuppressed);
            throw interrupted;
        }
    }

    <T> T attempt(SqlStatements sql, String operation, Function<Handle, T> body, boolean transactional,
                          boolean readCommitted) {
        if (joined != null) {
            try {
                return body.apply(joined); // the host begins, commits and rolls back
            } catch (RuntimeException e) {
                throw Failures.translate(e, sql, operation);
            }
        }
        Handle handle;
        try {
            handle = jdbi.open();
        } catch (RuntimeException e) {
            throw Failures.translate(e, sql, operation);
        }
        Integer isolationToRestore = null;
        boolean begun = false;
        try {
            refuseForeignTransaction(handle, operation);
            if (!transactional) {
                return body.apply(handle);
            }
            boolean explicit = readCommitted && needsExplicitIsolation(handle);
            if (explicit && sql.readCommittedStatement() == null) {
                Connection connection = handle.getConnection();
                isolationToRestore = connection.getTransactionIsolation();
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            handle.begin();
            begun = true;
            if (explicit && sql.readCommittedStatement() != null) {
                handle.execute(sql.readCommittedStatement());
            }
            T result = body.apply(handle);
            handle.commit();
            return result;
        } catch (RuntimeException e) {
            rollbackQuietly(handle, begun, e);
            throw Failures.translate(e, sql, operation);
        } catch (SQLException e) {
            rollbackQuietly(handle, begun, e);
            throw Failures.translate(new org.jdbi.v3.core.ConnectionException(e), sql, operation);
        } catch (Error e) {
            rollbackQuietly(handle, begun, e);
            throw e;
        } finally {
            if (isolationToRestore != null) {
                try {
                    handle.getConnection().setTransactionIsolation(isolationToRestore);
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("credits store could not restore the connection's isolation level", e);
                }
            }
            try {
                handle.close();
            } catch (RuntimeException e) {
                LOG.debug("credits store could not close a handle cleanly", e);
            }
        }
    }

    /**
     * Refuses a connection that is inside a transaction the store did not begin, before running anything on it: the
     * store's commit would commit the host's pending work, its rollback would undo it. JDBC hands out connections in
     * auto-commit mode; one with auto-commit off comes from a transaction-aware data source (or a pool configured
     * so), and the store cannot tell whether work is pending on it.
     */
    private static void refuseForeignTransaction(Handle handle, String operation) throws SQLException {
        if (!handle.getConnection().getAutoCommit()) {
            throw new StoreConfigurationException(Failures.describe(operation) + ": the data source handed the credits"
                    + " store a connection with auto-commit off, which may be inside a transaction of the host (e.g. a"
                    + " Spring TransactionAwareDataSourceProxy in a @Transactional method, or a pool configured with"
                    + " autoCommit=false). The store never commits or rolls back a transaction it did not begin."
                    + " Build the store on the connection pool itself (auto-commit on, the JDBC default): each ledger"
                    + " call then runs and commits in a transaction of its own.");
        }
    }

    /** Checks the connections' default isolation once per store. */
    private boolean needsExplicitIsolation(Handle handle) throws SQLException {
        int known = isolation;
        if (known == ISOLATION_UNKNOWN) {
            int level = handle.getConnection().getTransactionIsolation();
            known = level == Connection.TRANSACTION_READ_COMMITTED ? ISOLATION_DEFAULT_OK : ISOLATION_EXPLICIT;
            isolation = known;
            LOG.debug("credits store: connections default to isolation {}; {}", level,
                    known == ISOLATION_EXPLICIT ? "setting READ COMMITTED per transaction" : "using it");
        }
        return known == ISOLATION_EXPLICIT;
    }

    private static void rollbackQuietly(Handle handle, boolean begun, Throwable failure) {
        if (!begun) {
            return;
        }
        try {
            handle.rollback();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Builds a {@link JdbiCreditStore}. Defaults: table prefix {@value #DEFAULT_TABLE_PREFIX}, dialect detected
     * from the database, {@value #DEFAULT_MAX_RETRIES} retries after a transient conflict, a lock timeout of 10 s,
     * durable commits required. Not thread-safe; each
     * {@link #build()} copies the settings, so reusing a builder never changes a store it built.
     */
    public static final class Builder {
        private final Jdbi jdbi;
        private final AutoCloseable owned;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private Dialect dialect;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private boolean allowDelayedCommits;
        private boolean flushCommitsInGroups;

        private Builder(Jdbi jdbi, AutoCloseable owned) {
            this.jdbi = jdbi;
            this.owned = owned;
        }

        /**
         * The prefix of every table and index name (default {@value #DEFAULT_TABLE_PREFIX}), so several stores
         * (or a host's own tables) can share one schema.
         *
         * @param tablePrefix lowercase letters, digits and {@code _}, starting with a letter, at most 30 characters
         * @return this builder
         * @throws IllegalArgumentException if the prefix is malformed
         */
        public Builder tablePrefix(String tablePrefix) {
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            if (!PREFIX.matcher(tablePrefix).matches() || tablePrefix.length() > MAX_PREFIX_LENGTH) {
                throw new IllegalArgumentException("tablePrefix must match [a-z][a-z0-9_]* and have at most "
                        + MAX_PREFIX_LENGTH + " characters: '" + tablePrefix + "'");
            }
            this.tablePrefix = tablePrefix;
            return this;
        }

        /**
         * The SQL dialect, instead of detecting it from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
         * on first use.
         *
         * @param dialect the dialect
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * How often a unit of work is retried after a transient conflict (deadlock, serialization failure, lock
         * timeout) before {@link StoreUnavailableException} (default {@value #DEFAULT_MAX_RETRIES}; 0 never retries).
         * Retries wait a random 1 to 2^n ms (at most 100 ms).
         *
         * @param maxRetries zero or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * How long a call waits for an account (or another row) that a different transaction holds locked before it
         * fails with {@link LockTimeoutException} and changes nothing (default 10 s, {@link #DEFAULT_LOCK_TIMEOUT}).
         * Not retried. PostgreSQL bounds every lock wait of the call's transaction ({@code SET LOCAL lock_timeout});
         * H2 and MariaDB bound the wait for the account's row ({@code FOR UPDATE WAIT}; MariaDB counts whole seconds,
         * rounded up), other rows wait as long as the connection's own setting allows ({@code LOCK_TIMEOUT},
         * {@code innodb_lock_wait_timeout}, default 50 s); MySQL has no per-statement wait: its
         * {@code innodb_lock_wait_timeout} applies. A hung server or network is not a lock wait: bound it with the
         * driver's socket timeout (see the README).
         *
         * @param lockTimeout at least 1 ms, at most about 24 days
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder lockTimeout(Duration lockTimeout) {
            Objects.requireNonNull(lockTimeout, "lockTimeout");
            if (lockTimeout.toMillis() < 1 || lockTimeout.compareTo(MAX_LOCK_TIMEOUT) > 0) {
                throw new IllegalArgumentException("lockTimeout must be between 1 ms and " + MAX_LOCK_TIMEOUT + ": "
                        + lockTimeout);
            }
            this.lockTimeout = lockTimeout;
            return this;
        }

        /**
         * Accepts an H2 file or server database that writes commits a while after acknowledging them
         * ({@code WRITE_DELAY} above 0), which the store otherwise refuses with {@link StoreConfigurationException}.
         * Faster, but a crash of the process (or the H2 server) loses the calls of the last {@code WRITE_DELAY}
         * milliseconds although they returned successfully, and a lost idempotency key runs again as new work. Only
         * for data you can afford to lose. No effect on other databases.
         *
         * @return this builder
         */
        public Builder allowDelayedCommits() {
            this.allowDelayedCommits = true;
            return this;
        }

        /**
         * H2 only, for a database the store's owner administers ({@link #h2File}, tests): the store makes each call
         * durable itself, with {@code CHECKPOINT} after the commit, concurrent calls sharing one (needs admin rights).
         */
        Builder flushCommitsInGroups() {
            this.flushCommitsInGroups = true;
            return this;
        }

        /**
         * Builds the store. Does not touch the database: the dialect (unless set) is detected on first use (on
         * MariaDB/MySQL that first use also reads whether the connection URL allows multi-statement queries), and the
         * schema is installed only by {@link JdbiCreditStore#installSchema()}.
         *
         * @return a new store
         */
        public JdbiCreditStore build() {
            return new JdbiCreditStore(this);
        }
    }
}
