package dev.credits.jdbc;

import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.LockTimeoutException;
import dev.credits.StoreConfigurationException;
import dev.credits.TransactionConflictException;
import dev.credits.tck.LedgerInvariants;
import dev.credits.testkit.MutableClock;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.jdbi.v3.core.transaction.TransactionIsolationLevel.READ_COMMITTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ledger calls inside a transaction the host owns ({@link JdbiCreditStore#joining}): the host's own row and the
 * ledger's change commit together, roll back together, and a reader on another connection never sees one without
 * the other; several host transactions on one account keep the invariants. Run on every database by a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostTransactionTestBase {

    private static final String FEATURE = "image_generation";
    private static final long COST = 3;

    private TestDatabase database;
    private DataSource pool;
    private JdbiCreditStore store;
    private CreditLedger ledger;
    private String jobs;

    abstract TestDatabase createDatabase();

    @BeforeAll
    void setUp() throws SQLException {
        database = createDatabase();
        pool = database.newPool(12);
        store = database.builder(pool).build();
        store.installSchema();
        ledger = CreditLedger.builder().store(store).clock(new MutableClock(Instant.parse("2025-01-01T00:00:00Z")))
                .build();
        ledger.saveFeaturePricing(FeatureDefinition.of(FEATURE, "Image generation", COST));
        jobs = database.tablePrefix() + "host_jobs";
        try (Connection connection = pool.getConnection(); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + jobs + " (job_id VARCHAR(128) NOT NULL PRIMARY KEY,"
                    + " account_id VARCHAR(64) NOT NULL)");
        }
    }

    @AfterAll
    void tearDown() {
        if (database != null) {
            database.close();
        }
    }

    private String account(long credits) {
        String accountId = "acct_" + UUID.randomUUID();
        ledger.openAccount(accountId);
        ledger.grant(GrantRequest.of(accountId, credits));
        return accountId;
    }

    /** What a host writes: a READ COMMITTED transaction (MariaDB's default is REPEATABLE READ). */
    private Connection begin() throws SQLException {
        Connection connection = pool.getConnection();
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        connection.setAutoCommit(false);
        return connection;
    }

    private void insertJob(Connection connection, String jobId, String accountId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + jobs + " VALUES (?, ?)")) {
            insert.setString(1, accountId + "/" + jobId); // job ids are unique per account in these tests
            insert.setString(2, accountId);
            insert.executeUpdate();
        }
    }

    /** One host transaction: the job row and its deduction (keyed by the job), committed or rolled back. */
    private DeductionResult job(String accountId, String jobId, boolean commit) throws SQLException {
        try (Connection connection = begin()) {
            try {
                insertJob(connection, jobId, accountId);
                DeductionResult result = ledger.withStore(store.joining(connection))
                        .deductCredits(DeductRequest.of(accountId, FEATURE).withIdempotencyKey(jobId));
                if (commit && result.success()) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return result;
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * The job rows of the account and its credits balance, read by one statement in a REPEATABLE READ transaction (one
     * snapshot on every database; H2 at READ COMMITTED was seen reading a subquery before a commit and the next after).
     */
    private long[] jobsAndBalance(String accountId) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            try {
                return jobsAndBalance(connection, accountId);
            } finally {
                connection.rollback();
            }
        }
    }

    private long[] jobsAndBalance(Connection connection, String accountId) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT (SELECT COUNT(*) FROM " + jobs
                     + " WHERE account_id = ?), (SELECT balance FROM " + database.tablePrefix() + "balances"
                     + " WHERE account_id = ? AND credit_type = 'credits')")) {
            read.setString(1, accountId);
            read.setString(2, accountId);
            try (ResultSet rs = read.executeQuery()) {
                assertTrue(rs.next());
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    @Test
    void theHostsCommitPublishesItsRowAndTheDeductionTogether() throws SQLException {
        String accountId = account(100);
        DeductionResult result = job(accountId, "job-1", true);
        assertTrue(result.success(), "deducted");
        assertEquals(97, ledger.balance(accountId).available());
        assertEquals(1, jobsAndBalance(accountId)[0], "the host's row");
        LedgerInvariants.assertHold(ledger, accountId, 0);
    }

    @Test
    void theHostsRollbackUndoesItsRowAndTheDeductionTogether() throws SQLException {
        String accountId = account(100);
        assertTrue(job(accountId, "job-1", false).success());
        assertEquals(100, ledger.balance(accountId).available(), "nothing deducted");
        assertEquals(0, jobsAndBalance(accountId)[0], "no row");
        assertEquals(1, LedgerInvariants.allEntries(ledger, accountId).size(), "only the grant in the history");
        // The idempotency key went with the rollback: the job runs afresh, not as a replay.
        DeductionResult again = job(accountId, "job-1", true);
        assertTrue(again.success());
        assertFalse(again.replayed(), "not a replay");
        assertEquals(97, ledger.balance(accountId).available());
        LedgerInvariants.assertHold(ledger, accountId, 0);
    }

    @Test
    void severalLedgerCallsAndTheAccountItselfCommitWithTheHost() throws SQLException {
        String accountId = "acct_" + UUID.randomUUID();
        try (Connection connection = begin()) {
            CreditLedger inTransaction = ledger.withStore(store.joining(connection));
            inTransaction.openAccount(accountId);
            inTransaction.grant(GrantRequest.of(accountId, 10));
            insertJob(connection, "job-a", accountId);
            assertTrue(inTransaction.deductCredits(accountId, FEATURE).success());
            assertEquals(7, inTransaction.balance(accountId).available(), "the transaction reads its own writes");
            connection.rollback();
        }
        assertTrue(ledger.getAccount(accountId).isEmpty(), "the account went with the rollback");
        try (Connection connection = begin()) {
            CreditLedger inTransaction = ledger.withStore(store.joining(connection));
            inTransaction.openAccount(accountId);
            inTransaction.grant(GrantRequest.of(accountId, 10));
            assertTrue(inTransaction.deductCredits(accountId, FEATURE).success());
            connection.commit();
        }
        assertEquals(7, ledger.balance(accountId).available());
        LedgerInvariants.assertHold(ledger, accountId, 0);
    }

    @Test
    void aJdbiHandleInATransactionJoinsToo() {
        String accountId = account(100);
        Jdbi jdbi = Jdbi.create(pool);
        assertThrows(IllegalStateException.class, () -> jdbi.useTransaction(READ_COMMITTED, handle -> {
            handle.execute("INSERT INTO " + jobs + " VALUES (?, ?)", accountId + "/job-h", accountId);
            assertTrue(ledger.withStore(store.joining(handle)).deductCredits(accountId, FEATURE).success());
            throw new IllegalStateException("the host's work failed");
        }));
        assertEquals(100, ledger.balance(accountId).available(), "rolled back with the host's work");
        jdbi.useTransaction(READ_COMMITTED, handle -> {
            handle.execute("INSERT INTO " + jobs + " VALUES (?, ?)", accountId + "/job-h", accountId);
            assertTrue(ledger.withStore(store.joining(handle)).deductCredits(accountId, FEATURE).success());
        });
        assertEquals(97, ledger.balance(accountId).available());
        LedgerInvariants.assertHold(ledger, accountId, 0);
    }

    @Test
    void aConnectionInAutoCommitModeIsRefused() throws SQLException {
        try (Connection connection = pool.getConnection()) {
            StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                    () -> store.joining(connection));
            assertTrue(refused.getMessage().contains("setAutoCommit(false)"), refused.getMessage());
        }
    }

    @Test
    void anIsolationThatCouldReadAStaleSnapshotIsRefusedWhereItCould() throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            if (database.dialect() == Dialect.POSTGRESQL) {
                store.joining(connection); // a stricter isolation turns concurrent changes into conflicts
            } else {
                StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                        () -> store.joining(connection));
                assertTrue(refused.getMessage().contains("READ COMMITTED"), refused.getMessage());
            }
            connection.rollback();
        }
    }

    /**
     * A writer commits (or rolls back) job after job while a reader on another connection reads the job rows and the
     * balance in one statement: every read shows as many committed jobs as deductions, never one without the other.
     */
    @Test
    void aReaderOnAnotherConnectionNeverSeesOneWithoutTheOther() throws Exception {
        String accountId = account(1_000_000);
        int jobCount = 100;
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> reader = threads.submit(() -> {
                int reads = 0;
                while (!done.get()) {
                    long[] seen = jobsAndBalance(accountId);
                    assertEquals(1_000_000 - COST * seen[0], seen[1], "jobs " + seen[0] + ", balance " + seen[1]);
                    reads++;
                    Thread.sleep(1); // leave the writer the CPU (the build machine is small)
                }
                return reads;
            });
            Future<Integer> writer = threads.submit(() -> {
                int committed = 0;
                try {
                    for (int i = 0; i < jobCount; i++) {
                        boolean commit = i % 4 != 3;
                        assertTrue(job(accountId, "job-" + i, commit).success());
                        committed += commit ? 1 : 0;
                    }
                } finally {
                    done.set(true);
                }
                return committed;
            });
            int committed = writer.get(5, TimeUnit.MINUTES);
            assertTrue(reader.get(1, TimeUnit.MINUTES) > 0, "the reader read");
            assertEquals(committed, jobsAndBalance(accountId)[0]);
            assertEquals(1_000_000 - COST * committed, ledger.balance(accountId).available());
        } finally {
            done.set(true);
            threads.shutdownNow();
        }
        LedgerInvariants.assertHold(ledger, accountId, 0);
    }

    /**
     * Host transactions from several threads on one account, a quarter rolled back, conflicts retried by the host as
     * documented: the committed jobs and the deductions match one for one, and the invariants hold.
     */
    @Test
    void concurrentHostTransactionsOnOneAccountKeepTheInvariants() throws Exception {
        String accountId = account(300);
        int threadCount = 6;
        int jobsPerThread = 25; // 150 jobs of 3 credits, 112 meant to commit: the 300 credits run out first
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(threadCount);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < jobsPerThread; i++) {
                        String jobId = "job-" + thread + "-" + i;
                        boolean commit = i % 4 != 3;
                        while (true) {
                            try {
                                DeductionResult result = job(accountId, jobId, commit);
                                if (!result.success()) {
                                    refused.incrementAndGet();
                                } else if (commit) {
                                    committed.incrementAndGet();
                                }
                                break;
                            } catch (TransactionConflictException | LockTimeoutException e) {
                                retries.incrementAndGet(); // the host's job: run the whole transaction again
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        long[] seen = jobsAndBalance(accountId);
        assertEquals(committed.get(), seen[0], "a job row per committed deduction");
        assertEquals(300 - COST * committed.get(), seen[1]);
        assertTrue(ledger.balance(accountId).available() >= 0, "never overdrawn");
        assertTrue(refused.get() > 0, "the balance ran out under load");
        LedgerInvariants.assertHold(ledger, accountId, 0);
    }
}
