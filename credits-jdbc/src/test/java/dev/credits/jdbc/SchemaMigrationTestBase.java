package dev.credits.jdbc;

import dev.credits.AccountLink;
import dev.credits.HistoryFilter;
import dev.credits.LedgerEntry;
import dev.credits.StoreConfigurationException;
import dev.credits.StoreUnavailableException;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.EntryQuery;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;
import liquibase.ui.LoggerUIService;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.credits.jdbc.JdbiStoreTestBase.T0;
import static dev.credits.jdbc.JdbiStoreTestBase.account;
import static dev.credits.jdbc.JdbiStoreTestBase.grant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The versioned schema on every database (a subclass per database): {@code installSchema()} records each version
 * once, adopts tables an earlier install made without a version table, upgrades in place with the data kept, refuses
 * a database newer than the jar or a version whose file changed, completes an upgrade cut off at any statement, and
 * takes turns with concurrent installs; and the README's Flyway and Liquibase recipes run the same files. Every test
 * works with a table prefix of its own, dropped afterwards. Version 2 exists only in the test resources
 * ({@code dev/credits/jdbc/schema-test/V2__test_extra.sql}) and reaches the runner through the package-private
 * {@link JdbiCreditStore#installSchema(List)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchemaMigrationTestBase {

    static final String V2 = "dev/credits/jdbc/schema-test/V2__test_extra.sql";
    static final String V2_CHANGED = "dev/credits/jdbc/schema-test/changed/V2__test_extra.sql";

    /** Held, so that the level set on it stays. */
    private static final java.util.logging.Logger LIQUIBASE_LOG = java.util.logging.Logger.getLogger("liquibase");

    private TestDatabase database;
    private DataSource pool;
    private int prefixes;
    private String prefix;

    /** @return a new database for this class's run */
    abstract TestDatabase createDatabase();

    @BeforeEach
    void newPrefix() {
        if (database == null) {
            database = createDatabase();
            pool = database.newPool(4);
        }
        prefix = database.tablePrefix() + "m" + (++prefixes) + "_";
    }

    @AfterEach
    void dropPrefix() {
        TestDatabase.dropTables(pool, prefix);
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    // ---------------------------------------------------------------- fixtures

    JdbiCreditStore store() {
        return database.builder(pool).tablePrefix(prefix).build();
    }

    Dialect dialect() {
        return database.dialect();
    }

    List<String> v1() {
        return dialect().schemaResources();
    }

    List<String> v1AndV2() {
        List<String> resources = new ArrayList<>(v1());
        resources.add(V2);
        return resources;
    }

    /** @return the rows of the version table, oldest first (none when it does not exist) */
    List<SchemaMigrator.AppliedVersion> recorded() {
        try (Handle handle = Jdbi.open(pool)) {
            if (!tableExists(handle, prefix + TestDatabase.VERSION_TABLE)) {
                return List.of();
            }
            return handle.createQuery("SELECT version_no, description, script, checksum, baseline, applied_at_micros"
                            + " FROM " + prefix + TestDatabase.VERSION_TABLE + " ORDER BY version_no")
                    .map((rs, ctx) -> new SchemaMigrator.AppliedVersion(rs.getInt(1), rs.getString(2),
                            rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getLong(6)))
                    .list();
        }
    }

    List<Integer> recordedVersions() {
        return recorded().stream().map(SchemaMigrator.AppliedVersion::number).toList();
    }

    boolean tableExists(Handle handle, String table) {
        return handle.createQuery(dialect().statements(prefix, Duration.ofSeconds(1)).countTables())
                .bind("name", table).mapTo(Integer.class).one() > 0;
    }

    boolean tableExists(String table) {
        try (Handle handle = Jdbi.open(pool)) {
            return tableExists(handle, table);
        }
    }

    /** SHA-256 of the resource's bytes, computed here rather than by the code under test. */
    static String sha256(String resource) throws Exception {
        try (var in = SchemaMigrationTestBase.class.getClassLoader().getResourceAsStream(resource)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }

    /** Creates the tables the way installSchema() did before it kept versions: version 1's statements, as they are. */
    void installTheOldWay() {
        try (Handle handle = Jdbi.open(pool)) {
            Schema.statements(dialect(), prefix).forEach(handle::execute);
        }
    }

    /** An account with a grant of 10 and an account link: data every version must keep. */
    record Data(Optional<dev.credits.Account> account, List<BalanceRecord> balances, List<LedgerEntry> entries,
                Optional<AccountLink> link) {
    }

    Data writeData(JdbiCreditStore store) {
        store.insertAccountIfAbsent(account("acc-m"));
        store.inAccount("acc-m", tx -> {
            grant(tx, "lot-m1", 10, null);
            return null;
        });
        store.insertAccountLinkIfAbsent(new AccountLink("stripe:sub_m", "acc-m", "detail", T0));
        return data(store);
    }

    Data data(JdbiCreditStore store) {
        return new Data(store.findAccount("acc-m"), store.readAccount("acc-m", tx -> tx.snapshot(T0, null, null).balances()),
                store.findEntries("acc-m", new EntryQuery(HistoryFilter.all(), Long.MAX_VALUE, 100)),
                store.findAccountLink("stripe:sub_m"));
    }

    /** What version 2 did: the new column, filled for the account of {@link #writeData}, and the new table. */
    void assertVersion2IsApplied() {
        assertVersion2IsApplied("v2");
    }

    void assertVersion2IsApplied(String note) {
        try (Handle handle = Jdbi.open(pool)) {
            assertEquals(note, handle.createQuery("SELECT test_note FROM " + prefix + "accounts WHERE account_id = 'acc-m'")
                    .mapTo(String.class).one());
            handle.execute("INSERT INTO " + prefix + "test_extra (extra_id, note) VALUES ('x-" + System.nanoTime()
                    + "', 'ok')");
        }
    }

    // ---------------------------------------------------------------- version 1

    @Test
    void installSchemaRecordsVersion1AndASecondCallChangesNothing() throws Exception {
        JdbiCreditStore store = store();
        assertFalse(tableExists(prefix + TestDatabase.VERSION_TABLE));
        Instant before = Instant.now().minusSeconds(1);
        store.installSchema();
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertEquals(1, rows.size(), "one row: " + rows);
        SchemaMigrator.AppliedVersion v1 = rows.get(0);
        assertEquals(1, v1.number());
        assertEquals("credits schema", v1.description());
        assertEquals("V1__credits_schema.sql", v1.script());
        assertEquals(sha256(v1().get(0)), v1.checksum(), "SHA-256 of the file as shipped, placeholder and all");
        assertFalse(v1.baseline());
        Instant appliedAt = Rows.instant(v1.appliedAtMicros());
        assertTrue(!appliedAt.isBefore(before) && !appliedAt.isAfter(Instant.now().plusSeconds(1)), appliedAt.toString());

        store.installSchema();
        assertEquals(List.of(), store.installSchema(v1()), "nothing left to apply");
        assertEquals(rows, recorded(), "a second call changes nothing");
        Data data = writeData(store);
        assertEquals(10, data.balances().get(0).balance());
    }

    @Test
    void tablesInstalledBeforeTheVersionTableAreAdoptedAsVersion1WithTheirData() {
        installTheOldWay();
        JdbiCreditStore store = store();
        Data before = writeData(store);
        try (Handle handle = Jdbi.open(pool)) {
            // an old install cut off before its last tables (H2 and MariaDB commit each CREATE on its own)
            handle.execute("DROP TABLE " + prefix + "purchases");
        }
        assertFalse(tableExists(prefix + TestDatabase.VERSION_TABLE));

        assertEquals(List.of(1), store.installSchema(v1()));
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertEquals(List.of(1), recordedVersions());
        assertTrue(rows.get(0).baseline(), "recorded as a baseline: " + rows);
        assertEquals(Schema.versions(v1()).get(0).checksum(), rows.get(0).checksum());
        assertEquals(before, data(store), "the data stays");
        assertTrue(tableExists(prefix + "purchases"), "what was missing is created");
        store.inAccount("acc-m", tx -> {
            grant(tx, "lot-m2", 5, null);
            return null;
        });
        assertEquals(15, data(store).balances().get(0).balance());

        store.installSchema();
        assertEquals(rows, recorded(), "adopted once");
    }

    @Test
    void tablesThatDoNotMatchVersion1AreRefusedAndNoVersionIsRecorded() {
        installTheOldWay();
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("ALTER TABLE " + prefix + "entries DROP COLUMN price_plan_id");
        }
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                () -> store().installSchema());
        assertTrue(refused.getMessage().contains(prefix + "entries"), refused.getMessage());
        assertTrue(refused.getMessage().contains("V1__credits_schema.sql"), refused.getMessage());
        assertFalse(tableExists(prefix + TestDatabase.VERSION_TABLE), "nothing changed, no version table either");
        assertThrows(StoreConfigurationException.class, () -> store().installSchema(), "and again");
    }

    // ---------------------------------------------------------------- upgrades

    @Test
    void anUpgradeAppliesTheNewVersionAndKeepsTheData() throws Exception {
        JdbiCreditStore store = store();
        assertEquals(List.of(1), store.installSchema(v1()));
        Data before = writeData(store);

        assertEquals(List.of(2), store.installSchema(v1AndV2()));
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertEquals(List.of(1, 2), recordedVersions());
        SchemaMigrator.AppliedVersion v2 = rows.get(1);
        assertEquals("test extra", v2.description());
        assertEquals("V2__test_extra.sql", v2.script());
        assertEquals(sha256(V2), v2.checksum());
        assertFalse(v2.baseline());
        assertEquals(before, data(store), "the data stays");
        assertVersion2IsApplied();
        store.inAccount("acc-m", tx -> {
            grant(tx, "lot-m2", 5, null);
            return null;
        });
        assertEquals(15, data(store).balances().get(0).balance(), "the store works on the new schema");

        assertEquals(List.of(), store.installSchema(v1AndV2()));
        assertEquals(rows, recorded(), "a second call changes nothing");
    }

    @Test
    void aFreshDatabaseGetsEveryVersionInOrder() {
        assertEquals(List.of(1, 2), store().installSchema(v1AndV2()));
        assertEquals(List.of(1, 2), recordedVersions());
        assertFalse(recorded().get(0).baseline());
    }

    @Test
    void aJarOlderThanTheDatabaseIsRefusedAndChangesNothing() {
        JdbiCreditStore store = store();
        store.installSchema(v1AndV2());
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        // installSchema() of this jar knows version 1 only
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class, store::installSchema);
        assertTrue(refused.getMessage().contains("schema version 2"), refused.getMessage());
        assertTrue(refused.getMessage().contains("knows versions up to 1"), refused.getMessage());
        assertEquals(rows, recorded());
    }

    @Test
    void aVersionWhoseFileChangedAfterItWasAppliedIsRefused() throws Exception {
        JdbiCreditStore store = store();
        store.installSchema(v1AndV2());
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertNotEquals(sha256(V2), sha256(V2_CHANGED));
        List<String> changed = new ArrayList<>(v1());
        changed.add(V2_CHANGED);
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                () -> store.installSchema(changed));
        assertTrue(refused.getMessage().contains("V2__test_extra.sql"), refused.getMessage());
        assertTrue(refused.getMessage().contains(sha256(V2_CHANGED)), refused.getMessage());
        assertEquals(rows, recorded());

        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("UPDATE " + prefix + TestDatabase.VERSION_TABLE + " SET checksum = 'edited'"
                    + " WHERE version_no = 1");
        }
        refused = assertThrows(StoreConfigurationException.class, () -> store.installSchema(v1AndV2()));
        assertTrue(refused.getMessage().contains("V1__credits_schema.sql"), refused.getMessage());
    }

    @Test
    void aVersionMissingBelowARecordedOneIsRefused() {
        JdbiCreditStore store = store();
        store.installSchema(v1AndV2());
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("DELETE FROM " + prefix + TestDatabase.VERSION_TABLE + " WHERE version_no = 1");
        }
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                () -> store.installSchema(v1AndV2()));
        assertTrue(refused.getMessage().contains("schema version 1"), refused.getMessage());
        assertEquals(List.of(2), recordedVersions());
    }

    /**
     * Breaks the connection at every statement of an upgrade in turn (lock, version table, reads, each statement of
     * version 2, its record, unlock, commit): the install fails with the cause, version 2 is never recorded without
     * its changes (on PostgreSQL nothing of it remains at all: one transaction), and the next install completes it.
     */
    @Test
    void anUpgradeCutOffAtAnyStatementIsCompletedByTheNextInstall() {
        // One connection: a MariaDB session lock the broken test proxy could not release stays with that connection
        // (a real broken connection ends its session and the lock with it), where the next install takes it again.
        FailingDataSource failing = new FailingDataSource(database.newPool(1));
        JdbiCreditStore store = database.builder(failing).tablePrefix(prefix).maxRetries(0).build();
        store.installSchema(v1());
        Data before = writeData(store);
        int position = 1;
        while (true) {
            failing.failOnStatement(position, "08006", true);
            int failuresBefore = failing.failures();
            try {
                store.installSchema(v1AndV2());
            } catch (StoreUnavailableException e) {
                assertEquals(failuresBefore + 1, failing.failures(), "failed at statement " + position + ": " + e);
                failing.disarm();
                List<Integer> versions = recordedVersions();
                if (versions.contains(2)) {
                    assertVersion2IsApplied(); // recorded last: only once every statement ran
                } else if (dialect().statements(prefix, Duration.ofSeconds(1)).transactionalDdl()) {
                    assertFalse(tableExists(prefix + "test_extra"), "rolled back whole at statement " + position);
                }
                assertEquals(versions.contains(2) ? List.of() : List.of(2), store.installSchema(v1AndV2()),
                        "the next install completes it (cut at statement " + position + ")");
                assertEquals(List.of(1, 2), recordedVersions());
                assertVersion2IsApplied();
                assertEquals(before, data(store));
                undoVersion2();
                position++;
                continue;
            }
            failing.disarm();
            if (failing.failures() > failuresBefore) {
                // MariaDB: the failure hit the release of the session lock, after the work; the install stands (and
                // a really broken connection would have ended its session, and the lock with it)
                assertTrue(dialect() == Dialect.MARIADB, "only the unlock may fail without failing the install");
                assertEquals(List.of(1, 2), recordedVersions());
                assertVersion2IsApplied();
                undoVersion2();
                position++;
                continue;
            }
            break;
        }
        assertTrue(position > 6, "lock, version table, versions, 3 statements, record...: " + position);
        assertEquals(List.of(1, 2), recordedVersions());
        assertVersion2IsApplied();
        assertEquals(before, data(store));
    }

    private void undoVersion2() {
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("DROP TABLE " + prefix + "test_extra");
            handle.execute("ALTER TABLE " + prefix + "accounts DROP COLUMN test_note");
            handle.execute("DELETE FROM " + prefix + TestDatabase.VERSION_TABLE + " WHERE version_no = 2");
        }
    }

    // ---------------------------------------------------------------- concurrency

    /**
     * Stores on pools of their own (as many JVMs would be) install a fresh schema at once: all succeed, and each
     * version is applied by exactly one of them (the database's install lock; in one JVM on H2).
     */
    @Test
    void concurrentInstallsApplyEachVersionExactlyOnce() throws Exception {
        int racers = 4;
        ExecutorService threads = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Integer>>> installs = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                JdbiCreditStore racer = database.builder(database.newPool(1)).tablePrefix(prefix).build();
                installs.add(threads.submit(() -> {
                    start.await();
                    return racer.installSchema(v1AndV2());
                }));
            }
            start.countDown();
            List<Integer> applied = new ArrayList<>();
            for (Future<List<Integer>> install : installs) {
                applied.addAll(install.get(120, TimeUnit.SECONDS));
            }
            assertEquals(List.of(1, 2), applied.stream().sorted().toList(), "each version applied by one racer");
            assertEquals(List.of(1, 2), recordedVersions());
            writeData(store());
            assertVersion2IsApplied(null); // the account came after version 2's update
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * PostgreSQL and MariaDB: an install waits while another connection holds the install lock (as another JVM's install
     * would), and goes on when it is released. (H2's installs take turns inside the JVM.)
     */
    @Test
    void anInstallWaitsForTheInstallLockAnotherConnectionHolds() throws Exception {
        SqlStatements sql = dialect().statements(prefix, Duration.ofSeconds(1));
        assumeTrue(sql.schemaLockStatement() != null, "no lock across connections on " + dialect());
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Handle holder = Jdbi.open(pool)) {
            if (sql.transactionalDdl()) {
                holder.begin();
            }
            assertEquals(1, holder.createQuery(sql.schemaLockStatement()).mapTo(Integer.class).one());
            Future<List<Integer>> install = thread.submit(() -> store().installSchema(v1()));
            assertThrows(TimeoutException.class, () -> install.get(2, TimeUnit.SECONDS), "waits for the lock");
            assertFalse(tableExists(prefix + TestDatabase.VERSION_TABLE), "nothing done before it has the lock");
            if (sql.transactionalDdl()) {
                holder.rollback();
            } else {
                holder.createQuery(sql.schemaUnlockStatement()).mapTo(Integer.class).one();
            }
            assertEquals(List.of(1), install.get(120, TimeUnit.SECONDS));
        } finally {
            thread.shutdownNow();
        }
        assertEquals(List.of(1), recordedVersions());
    }

    // ---------------------------------------------------------------- the README's recipes

    /** The README's Flyway recipe, as written (the prefix aside), then installSchema() on the same tables. */
    @Test
    void theReadmesFlywayRecipeRunsTheShippedFiles() {
        MigrateResult result = Flyway.configure()
                .dataSource(pool)
                .locations("classpath:" + dialect().schemaLocation())
                .placeholders(Map.of("table_prefix", prefix))
                .table(prefix + "schema_history")
                .baselineOnMigrate(true).baselineVersion("0")
                .load()
                .migrate();
        assertEquals(1, result.migrationsExecuted, "V1");
        JdbiCreditStore store = store();
        Data before = writeData(store);
        assertEquals(10, before.balances().get(0).balance());
        assertEquals(List.of(), recorded(), "Flyway keeps its own history table, never the store's");

        // A host that moves from Flyway to installSchema(): the tables are adopted as version 1.
        assertEquals(List.of(1), store.installSchema(v1()));
        assertTrue(recorded().get(0).baseline());
        assertEquals(before, data(store));
    }

    /** The README's Liquibase recipe, as written (the prefix aside), then installSchema() on the same tables. */
    @Test
    void theReadmesLiquibaseRecipeRunsTheShippedFiles(@TempDir Path directory) throws Exception {
        String changelog = """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
                  <property name="table_prefix" value="%s"/>
                  <changeSet id="credits-schema-v1" author="credits">
                    <sqlFile path="%s/V1__credits_schema.sql"
                             relativeToChangelogFile="false" splitStatements="true" endDelimiter=";" stripComments="true"/>
                  </changeSet>
                </databaseChangeLog>
                """.formatted(prefix, dialect().schemaLocation());
        Files.writeString(directory.resolve("changelog.xml"), changelog, StandardCharsets.UTF_8);
        try (Connection connection = pool.getConnection()) {
            Database liquibaseDatabase = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            // Tables of its own per test: concurrent runs on one MariaDB database must not share Liquibase's.
            liquibaseDatabase.setDatabaseChangeLogTableName(prefix + "changelog");
            liquibaseDatabase.setDatabaseChangeLogLockTableName(prefix + "changelog_lock");
            Liquibase liquibase = new Liquibase("changelog.xml", new CompositeResourceAccessor(
                    new DirectoryResourceAccessor(directory), new ClassLoaderResourceAccessor()), liquibaseDatabase);
            // Liquibase's console output goes to its log, which says only what went wrong.
            LIQUIBASE_LOG.setLevel(java.util.logging.Level.WARNING);
            Scope.child(Scope.Attr.ui.name(), new LoggerUIService(), () -> {
                liquibase.update(new Contexts(), new LabelExpression());
                liquibase.update(new Contexts(), new LabelExpression()); // a second run changes nothing
            });
        }
        JdbiCreditStore store = store();
        Data before = writeData(store);
        assertEquals(10, before.balances().get(0).balance());
        assertEquals(List.of(), recorded());

        assertEquals(List.of(1), store.installSchema(v1()));
        assertTrue(recorded().get(0).baseline());
        assertEquals(before, data(store));
    }
}
