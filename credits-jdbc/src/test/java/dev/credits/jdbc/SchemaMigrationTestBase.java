package dev.credits.jdbc;

import dev.credits.AccountLink;
import dev.credits.Balance;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.FeatureDefinition;
import dev.credits.Hold;
import dev.credits.HoldKind;
import dev.credits.HoldStatus;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Purchase;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.ReserveRequest;
import dev.credits.HistoryFilter;
import dev.credits.LedgerEntry;
import dev.credits.StoreConfigurationException;
import dev.credits.StoreUnavailableException;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.EntryQuery;
import dev.credits.tck.LedgerInvariants;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
import java.util.stream.Stream;

import static dev.credits.jdbc.JdbiStoreTestBase.T0;
import static dev.credits.jdbc.JdbiStoreTestBase.account;
import static dev.credits.jdbc.JdbiStoreTestBase.grant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The versioned schema on every database (a subclass per database): {@code installSchema()} records each version
 * once, adopts tables an earlier install made without a version table, upgrades in place with the data kept, refuses
 * a database newer than the jar or a version whose file changed, completes an upgrade cut off at any statement, and
 * takes turns with concurrent installs; and the README's Flyway and Liquibase recipes run the same files. Version 2
 * (typed holds) turns version 1's freezes into holds of kind FREEZE naming their purchase, keeping every other value.
 * Every test works with a table prefix of its own, dropped afterwards. Version 99 exists only in the test resources
 * ({@code dev/credits/jdbc/schema-test/V99__test_extra.sql}), after whatever the jar ships, and reaches the runner through the package-private
 * {@link JdbiCreditStore#installSchema(List)}, as does version 1 alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchemaMigrationTestBase {

    /** A version after the shipped ones, only in the test resources. */
    static final String V3 = "dev/credits/jdbc/schema-test/V99__test_extra.sql";
    static final String V3_CHANGED = "dev/credits/jdbc/schema-test/changed/V99__test_extra.sql";
    /** The number of the test-only version. */
    static final int TEST = 99;

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

    /** @return version 1 alone */
    List<String> v1() {
        return List.of(dialect().schemaResources().get(0));
    }

    /** @return the versions the jar ships */
    List<String> shipped() {
        return dialect().schemaResources();
    }

    /** @return the numbers of the shipped versions (1, 2, ...) */
    List<Integer> shippedNumbers() {
        return java.util.stream.IntStream.rangeClosed(1, shipped().size()).boxed().toList();
    }

    /** @return the numbers of the shipped versions and the test-only one */
    List<Integer> allNumbers() {
        List<Integer> numbers = new ArrayList<>(shippedNumbers());
        numbers.add(TEST);
        return numbers;
    }

    /** @return the shipped versions and the test-only version (99) */
    List<String> shippedAndTest() {
        List<String> resources = new ArrayList<>(shipped());
        resources.add(V3);
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
            Schema.versions(v1()).get(0).statements(prefix).forEach(handle::execute);
        }
    }

    /**
     * A store on a scratch prefix of its own with every shipped version, for data to copy with
     * {@link #copyAsVersion1}; its tables are dropped by {@link #dropScratch}.
     */
    JdbiCreditStore scratchStore() {
        JdbiCreditStore scratch = database.builder(pool).tablePrefix(scratchPrefix()).build();
        scratch.installSchema();
        return scratch;
    }

    String scratchPrefix() {
        return database.tablePrefix() + "s" + prefixes + "_";
    }

    @AfterEach
    void dropScratch() {
        TestDatabase.dropTables(pool, scratchPrefix());
    }

    /**
     * Copies every row of the scratch prefix's version-1 tables into this test's version-1 tables, as version 1 stored
     * them: version 1's columns only, and a freeze written as version 1 wrote it (no feature, the 9999-12-31 deadline,
     * and its purchase in the metadata key {@code freezeOf}).
     */
    void copyAsVersion1() {
        String from = scratchPrefix();
        Map<String, List<String>> tables = Schema.createdColumns(Schema.versions(v1()).get(0).statements(""));
        try (Handle handle = Jdbi.open(pool)) {
            for (Map.Entry<String, List<String>> table : tables.entrySet()) {
                String columns = String.join(", ", table.getValue());
                handle.execute("INSERT INTO " + prefix + table.getKey() + " (" + columns + ") SELECT " + columns
                        + " FROM " + from + table.getKey());
            }
            List<Map<String, Object>> freezes = handle.createQuery("SELECT hold_id, purchase_id, feature_key, metadata"
                    + " FROM " + from + "holds WHERE kind = 'FREEZE'").mapToMap().list();
            for (Map<String, Object> freeze : freezes) {
                assertEquals(null, freeze.get("feature_key"));
                assertEquals(null, freeze.get("metadata"), "a freeze of version 2 has no metadata");
                assertEquals(1, handle.createUpdate("UPDATE " + prefix + "holds SET metadata = :metadata"
                                + " WHERE hold_id = :holdId")
                        .bind("metadata", Rows.json(Map.of("freezeOf", (String) freeze.get("purchase_id"))))
                        .bind("holdId", (String) freeze.get("hold_id")).execute());
            }
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

    /** What the test-only version did: the new column, filled for the account of {@link #writeData}, and the new table. */
    void assertTestVersionIsApplied() {
        assertTestVersionIsApplied("v2");
    }

    void assertTestVersionIsApplied(String note) {
        try (Handle handle = Jdbi.open(pool)) {
            assertEquals(note, handle.createQuery("SELECT test_note FROM " + prefix + "accounts WHERE account_id = 'acc-m'")
                    .mapTo(String.class).one());
            handle.execute("INSERT INTO " + prefix + "test_extra (extra_id, note) VALUES ('x-" + System.nanoTime()
                    + "', 'ok')");
        }
    }

    // ---------------------------------------------------------------- version 1

    @Test
    void installSchemaRecordsEachShippedVersionAndASecondCallChangesNothing() throws Exception {
        JdbiCreditStore store = store();
        assertFalse(tableExists(prefix + TestDatabase.VERSION_TABLE));
        Instant before = Instant.now().minusSeconds(1);
        store.installSchema();
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertEquals(shipped().size(), rows.size(), "one row per version: " + rows);
        SchemaMigrator.AppliedVersion v2 = rows.get(1);
        assertEquals(2, v2.number());
        assertEquals("typed holds", v2.description());
        assertEquals("V2__typed_holds.sql", v2.script());
        assertEquals(sha256(shipped().get(1)), v2.checksum());
        assertFalse(v2.baseline());
        SchemaMigrator.AppliedVersion v1 = rows.get(0);
        assertEquals(1, v1.number());
        assertEquals("credits schema", v1.description());
        assertEquals("V1__credits_schema.sql", v1.script());
        assertEquals(sha256(v1().get(0)), v1.checksum(), "SHA-256 of the file as shipped, placeholder and all");
        assertFalse(v1.baseline());
        Instant appliedAt = Rows.instant(v1.appliedAtMicros());
        assertTrue(!appliedAt.isBefore(before) && !appliedAt.isAfter(Instant.now().plusSeconds(1)), appliedAt.toString());

        store.installSchema();
        assertEquals(List.of(), store.installSchema(shipped()), "nothing left to apply");
        assertEquals(rows, recorded(), "a second call changes nothing");
        Data data = writeData(store);
        assertEquals(10, data.balances().get(0).balance());
    }

    @Test
    void tablesInstalledBeforeTheVersionTableAreAdoptedAsVersion1WithTheirData() {
        installTheOldWay();
        JdbiCreditStore store = store();
        Data before = writeData(scratchStore()); // the data written by this jar, copied as version 1 stored it
        copyAsVersion1();
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
        assertTrue(tableExists(prefix + "purchases"), "what was missing is created");
        assertEquals(shippedNumbers().subList(1, shipped().size()), store.installSchema(shipped()),
                "then the later versions as usual");
        assertEquals(before, data(store), "the data stays");
        store.inAccount("acc-m", tx -> {
            grant(tx, "lot-m2", 5, null);
            return null;
        });
        assertEquals(15, data(store).balances().get(0).balance());

        store.installSchema();
        assertEquals(rows.get(0), recorded().get(0), "adopted once");
        assertEquals(shippedNumbers(), recordedVersions());
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
        assertEquals(shippedNumbers(), store.installSchema(shipped()));
        Data before = writeData(store);

        assertEquals(List.of(TEST), store.installSchema(shippedAndTest()));
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertEquals(allNumbers(), recordedVersions());
        SchemaMigrator.AppliedVersion v3 = rows.get(shipped().size());
        assertEquals("test extra", v3.description());
        assertEquals("V99__test_extra.sql", v3.script());
        assertEquals(sha256(V3), v3.checksum());
        assertFalse(v3.baseline());
        assertEquals(before, data(store), "the data stays");
        assertTestVersionIsApplied();
        store.inAccount("acc-m", tx -> {
            grant(tx, "lot-m2", 5, null);
            return null;
        });
        assertEquals(15, data(store).balances().get(0).balance(), "the store works on the new schema");

        assertEquals(List.of(), store.installSchema(shippedAndTest()));
        assertEquals(rows, recorded(), "a second call changes nothing");
    }

    // ---------------------------------------------------------------- version 2: typed holds

    static final String LEDGER_ACCOUNT = "acc-v1";
    static final Clock LEDGER_CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    /** What a ledger reports of {@link #LEDGER_ACCOUNT}: every value the upgrade must keep (or type). */
    record Ledger(Balance balance, List<Hold> holds, List<LedgerEntry> history, List<Purchase> purchases) {
    }

    static CreditLedger ledger(JdbiCreditStore store) {
        return CreditLedger.builder().store(store).clock(LEDGER_CLOCK).build();
    }

    /**
     * Through the ledger: two purchases of 100, a reservation of 10 whose host metadata names a purchase under the key
     * {@code freezeOf}, a deduction of 5, a dispute of 30 won (its freeze released) and a dispute of 40 still open
     * (its freeze open).
     */
    Ledger writeLedgerData(JdbiCreditStore store) {
        CreditLedger ledger = ledger(store);
        ledger.openAccount(LEDGER_ACCOUNT);
        ledger.createFeaturePricing(FeatureDefinition.of("image_gen", "Image", 5));
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 100, Money.of("19.99", "USD")));
        for (String purchaseId : List.of("pi-won", "pi-open")) {
            assertTrue(ledger.commerce().purchase(PurchaseRequest.ofPackage(LEDGER_ACCOUNT, "starter")
                    .withPurchaseId(purchaseId)).success());
        }
        assertTrue(ledger.reserve(ReserveRequest.of(LEDGER_ACCOUNT, "image_gen").withQuantity(2)
                .withTimeout(Duration.ofHours(1)).withMetadata(Map.of("freezeOf", "pi-open", "job", "j-1"))).success());
        assertTrue(ledger.deductCredits(LEDGER_ACCOUNT, "image_gen").success());
        assertTrue(ledger.commerce().disputePurchase("pi-won", 30, "chargeback").success());
        assertTrue(ledger.commerce().resolveDispute("pi-won", 30, true, "won").success());
        assertTrue(ledger.commerce().disputePurchase("pi-open", 40, "chargeback").success());
        Ledger data = ledgerData(store);
        assertEquals(List.of(HoldKind.WORK, HoldKind.FREEZE, HoldKind.FREEZE),
                data.holds().stream().map(Hold::kind).sorted().toList(), "two freezes and a reservation");
        return data;
    }

    Ledger ledgerData(JdbiCreditStore store) {
        CreditLedger ledger = ledger(store);
        List<String> holdIds;
        try (Handle handle = Jdbi.open(pool)) {
            holdIds = handle.createQuery("SELECT hold_id FROM " + store.tablePrefix() + "holds ORDER BY hold_id")
                    .mapTo(String.class).list();
        }
        return new Ledger(ledger.balance(LEDGER_ACCOUNT),
                holdIds.stream().map(id -> ledger.getHold(id).orElseThrow()).toList(),
                LedgerInvariants.allEntries(ledger, LEDGER_ACCOUNT),
                Stream.of("pi-won", "pi-open").map(id -> ledger.commerce().getPurchase(id).orElseThrow()).toList());
    }

    /**
     * A database of version 1 holding version 1's freezes (no feature, deadline 9999-12-31, the purchase in the
     * metadata key {@code freezeOf}, a receipt line on the purchase's lot) is upgraded by installSchema(): every hold
     * reads back typed (kind, purchase id; the ledger's metadata key gone, the host's kept), balances, holds and
     * history as they were otherwise, and the migrated freeze is resolved by its dispute as a new one would be.
     */
    @Test
    void version2TypesTheFreezesOfVersion1AndKeepsEverythingElse() {
        JdbiCreditStore store = store();
        assertEquals(List.of(1), store.installSchema(v1()));
        Ledger before = writeLedgerData(scratchStore());
        copyAsVersion1();
        Map<String, String> v1Metadata = new java.util.TreeMap<>();
        try (Handle handle = Jdbi.open(pool)) {
            handle.createQuery("SELECT hold_id, metadata FROM " + prefix + "holds WHERE feature_key IS NULL")
                    .map((rs, ctx) -> v1Metadata.put(rs.getString(1), rs.getString(2))).list();
        }
        Hold openFreeze = before.holds().stream()
                .filter(hold -> hold.isFreeze() && hold.status() == HoldStatus.OPEN).findFirst().orElseThrow();
        Hold wonFreeze = before.holds().stream()
                .filter(hold -> hold.isFreeze() && hold.status() == HoldStatus.RELEASED).findFirst().orElseThrow();
        assertEquals(Map.of(openFreeze.holdId(), "{\"freezeOf\":\"pi-open\"}",
                wonFreeze.holdId(), "{\"freezeOf\":\"pi-won\"}"), v1Metadata, "freezes as version 1 wrote them");

        store.installSchema();

        assertEquals(shippedNumbers(), recordedVersions());
        Ledger after = ledgerData(store);
        assertEquals(before, after, "typed holds, and everything else as it was");
        assertEquals("pi-open", after.holds().stream().filter(hold -> hold.holdId().equals(openFreeze.holdId()))
                .findFirst().orElseThrow().purchaseId());
        Hold work = after.holds().stream().filter(hold -> hold.kind() == HoldKind.WORK).findFirst().orElseThrow();
        assertEquals(null, work.purchaseId());
        assertEquals(Map.of("freezeOf", "pi-open", "job", "j-1"), work.metadata(), "the host's metadata stays");
        try (Handle handle = Jdbi.open(pool)) {
            assertEquals(List.of(), handle.createQuery("SELECT metadata FROM " + prefix + "holds WHERE kind = 'FREEZE'"
                    + " AND metadata IS NOT NULL").mapTo(String.class).list(), "the ledger's freezeOf key is gone");
        }
        assertEquals(List.of(), store.installSchema(shipped()), "nothing left to apply");

        CreditLedger ledger = ledger(store);
        assertEquals(145, ledger.balance(LEDGER_ACCOUNT).available(), "200 - 5 spent - 10 reserved - 40 frozen");
        PurchaseResult resolved = ledger.commerce().resolveDispute("pi-open", 40, true, "won");
        assertTrue(resolved.success(), resolved::toString);
        assertEquals(HoldStatus.RELEASED, ledger.getHold(openFreeze.holdId()).orElseThrow().status(),
                "the migrated freeze is found by its purchase and released");
        assertEquals(185, ledger.balance(LEDGER_ACCOUNT).available(), "the 40 unfrozen");
        assertEquals(HoldStatus.OPEN, ledger.getHold(work.holdId()).orElseThrow().status(), "the reservation stays");
        LedgerInvariants.assertHold(ledger, LEDGER_ACCOUNT, 0);
    }

    /**
     * Version 2 run a second time over itself changes nothing more: where DDL commits statement by statement (H2,
     * MariaDB) a run cut off halfway starts again from its first statement, and a host moving from Flyway or Liquibase
     * to installSchema() has it run again too.
     */
    @Test
    void version2RunTwiceChangesNothingMore() {
        JdbiCreditStore store = store();
        store.installSchema(v1());
        Ledger before = writeLedgerData(scratchStore());
        copyAsVersion1();
        List<String> statements = Schema.versions(shipped()).get(1).statements(prefix);
        try (Handle handle = Jdbi.open(pool)) {
            for (String statement : statements) {
                handle.execute(statement); // a first run, not recorded
            }
        }
        assertEquals(shippedNumbers().subList(1, shipped().size()), store.installSchema(shipped()),
                "every statement again, then the record");
        assertEquals(before, ledgerData(store));
    }

    /**
     * Version 3 (the seeds' rules) adds columns whose defaults keep today's behaviour for the rows already there:
     * accounts record no subscription, holds read as no retry, plans without rules per credit type, rate or discount,
     * promotions open to every plan; run twice it changes nothing more.
     */
    @Test
    void version3KeepsTheRowsOfVersion2AsTheyWere() {
        JdbiCreditStore store = store();
        store.installSchema(v1());
        Ledger before = writeLedgerData(scratchStore());
        copyAsVersion1();
        assertEquals(List.of(2), store.installSchema(shipped().subList(0, 2)));
        try (Handle handle = Jdbi.open(pool)) {
            handle.createUpdate("INSERT INTO " + prefix + "plans (plan_id, name, allowances, rollover_cap,"
                    + " can_buy_credits, active) VALUES ('old', 'Old', '{\"credits\":100}', 0, :buy, :active)")
                    .bind("buy", false).bind("active", true).execute();
            handle.createUpdate("INSERT INTO " + prefix + "promotions (code, bonus_credits, max_uses,"
                    + " max_uses_per_account, active, uses) VALUES ('OLD', 5, 0, 0, :active, 0)")
                    .bind("active", true).execute();
        }

        assertEquals(List.of(3), store.installSchema(shipped().subList(0, 3)));
        try (Handle handle = Jdbi.open(pool)) {
            Schema.versions(shipped()).get(2).statements(prefix).forEach(handle::execute); // and once more
        }

        assertEquals(before, ledgerData(store), "holds, balances, history and purchases as they were");
        CreditLedger ledger = ledger(store);
        assertTrue(ledgerData(store).holds().stream().allMatch(hold -> hold.retryOf() == null
                && hold.retryNumber() == 0));
        assertNull(ledger.getAccount(LEDGER_ACCOUNT).orElseThrow().subscriptionId());
        Plan plan = ledger.plans().getPlan("old").orElseThrow();
        assertEquals(Map.of(), plan.creditAccess());
        assertEquals(null, plan.creditRate());
        assertEquals(null, plan.purchasePercentOff());
        assertFalse(plan.canBuy("credits"));
        assertTrue(plan.canSpend("credits"));
        assertEquals(java.util.Set.of(), ledger.commerce().getPromotion("OLD").orElseThrow().planIds());
        ledger.plans().savePlan(plan.withCreditAccess("voice", true, false));
        assertFalse(ledger.plans().getPlan("old").orElseThrow().canSpend("voice"), "the new columns are written");
    }

    /**
     * MySQL's later versions (columns added by statements prepared only when missing), which this build has no MySQL
     * to run on, run on MariaDB, which has the same prepared statements: they type version 1's freezes, add the
     * columns the store reads, and run twice.
     */
    @Test
    void theMySqlLaterVersionsRunOnMariaDbAndTwice() {
        assumeTrue(dialect() == Dialect.MARIADB, "MariaDB only");
        JdbiCreditStore store = store();
        store.installSchema(v1());
        Ledger before = writeLedgerData(scratchStore());
        copyAsVersion1();
        List<String> mySql = new ArrayList<>(v1());
        mySql.addAll(Dialect.MYSQL.schemaResources().subList(1, shipped().size()));
        assertEquals(shippedNumbers().subList(1, shipped().size()), store.installSchema(mySql));
        assertEquals(before, ledgerData(store));
        try (Handle handle = Jdbi.open(pool)) {
            for (Schema.Version version : Schema.versions(mySql).subList(1, mySql.size())) {
                version.statements(prefix).forEach(handle::execute);
            }
        }
        assertEquals(before, ledgerData(store));
    }

    @Test
    void aFreshDatabaseGetsEveryVersionInOrder() {
        assertEquals(allNumbers(), store().installSchema(shippedAndTest()));
        assertEquals(allNumbers(), recordedVersions());
        assertFalse(recorded().get(0).baseline());
    }

    @Test
    void aJarOlderThanTheDatabaseIsRefusedAndChangesNothing() {
        JdbiCreditStore store = store();
        store.installSchema(shippedAndTest());
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        // installSchema() of this jar knows versions 1 and 2 only
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class, store::installSchema);
        assertTrue(refused.getMessage().contains("schema version " + TEST), refused.getMessage());
        assertTrue(refused.getMessage().contains("knows versions up to " + shipped().size()), refused.getMessage());
        assertEquals(rows, recorded());
    }

    @Test
    void aVersionWhoseFileChangedAfterItWasAppliedIsRefused() throws Exception {
        JdbiCreditStore store = store();
        store.installSchema(shippedAndTest());
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertNotEquals(sha256(V3), sha256(V3_CHANGED));
        List<String> changed = new ArrayList<>(shipped());
        changed.add(V3_CHANGED);
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                () -> store.installSchema(changed));
        assertTrue(refused.getMessage().contains("V99__test_extra.sql"), refused.getMessage());
        assertTrue(refused.getMessage().contains(sha256(V3_CHANGED)), refused.getMessage());
        assertEquals(rows, recorded());

        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("UPDATE " + prefix + TestDatabase.VERSION_TABLE + " SET checksum = 'edited'"
                    + " WHERE version_no = 1");
        }
        refused = assertThrows(StoreConfigurationException.class, () -> store.installSchema(shippedAndTest()));
        assertTrue(refused.getMessage().contains("V1__credits_schema.sql"), refused.getMessage());
    }

    @Test
    void aVersionMissingBelowARecordedOneIsRefused() {
        JdbiCreditStore store = store();
        store.installSchema(shippedAndTest());
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("DELETE FROM " + prefix + TestDatabase.VERSION_TABLE + " WHERE version_no = 1");
        }
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                () -> store.installSchema(shippedAndTest()));
        assertTrue(refused.getMessage().contains("schema version 1"), refused.getMessage());
        assertEquals(allNumbers().subList(1, allNumbers().size()), recordedVersions());
    }

    /**
     * Breaks the connection at every statement of an upgrade in turn (lock, version table, reads, each statement of
     * the test-only version, its record, unlock, commit): the install fails with the cause, it is never recorded without
     * its changes (on PostgreSQL nothing of it remains at all: one transaction), and the next install completes it.
     */
    @Test
    void anUpgradeCutOffAtAnyStatementIsCompletedByTheNextInstall() {
        // One connection: a MariaDB session lock the broken test proxy could not release stays with that connection
        // (a real broken connection ends its session and the lock with it), where the next install takes it again.
        FailingDataSource failing = new FailingDataSource(database.newPool(1));
        JdbiCreditStore store = database.builder(failing).tablePrefix(prefix).maxRetries(0).build();
        store.installSchema(shipped());
        Data before = writeData(store);
        int position = 1;
        while (true) {
            failing.failOnStatement(position, "08006", true);
            int failuresBefore = failing.failures();
            try {
                store.installSchema(shippedAndTest());
            } catch (StoreUnavailableException e) {
                assertEquals(failuresBefore + 1, failing.failures(), "failed at statement " + position + ": " + e);
                failing.disarm();
                List<Integer> versions = recordedVersions();
                if (versions.contains(TEST)) {
                    assertTestVersionIsApplied(); // recorded last: only once every statement ran
                } else if (dialect().statements(prefix, Duration.ofSeconds(1)).transactionalDdl()) {
                    assertFalse(tableExists(prefix + "test_extra"), "rolled back whole at statement " + position);
                }
                assertEquals(versions.contains(TEST) ? List.of() : List.of(TEST), store.installSchema(shippedAndTest()),
                        "the next install completes it (cut at statement " + position + ")");
                assertEquals(allNumbers(), recordedVersions());
                assertTestVersionIsApplied();
                assertEquals(before, data(store));
                undoTestVersion();
                position++;
                continue;
            }
            failing.disarm();
            if (failing.failures() > failuresBefore) {
                // MariaDB: the failure hit the release of the session lock, after the work; the install stands (and
                // a really broken connection would have ended its session, and the lock with it)
                assertTrue(dialect() == Dialect.MARIADB, "only the unlock may fail without failing the install");
                assertEquals(allNumbers(), recordedVersions());
                assertTestVersionIsApplied();
                undoTestVersion();
                position++;
                continue;
            }
            break;
        }
        assertTrue(position > 6, "lock, version table, versions, 3 statements, record...: " + position);
        assertEquals(allNumbers(), recordedVersions());
        assertTestVersionIsApplied();
        assertEquals(before, data(store));
    }

    private void undoTestVersion() {
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("DROP TABLE " + prefix + "test_extra");
            handle.execute("ALTER TABLE " + prefix + "accounts DROP COLUMN test_note");
            handle.execute("DELETE FROM " + prefix + TestDatabase.VERSION_TABLE + " WHERE version_no = " + TEST);
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
                    return racer.installSchema(shippedAndTest());
                }));
            }
            start.countDown();
            List<Integer> applied = new ArrayList<>();
            for (Future<List<Integer>> install : installs) {
                applied.addAll(install.get(120, TimeUnit.SECONDS));
            }
            assertEquals(allNumbers(), applied.stream().sorted().toList(), "each version applied by one racer");
            assertEquals(allNumbers(), recordedVersions());
            writeData(store());
            assertTestVersionIsApplied(null); // the account came after the test version's update
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
        MigrateResult result = flyway(null).migrate();
        assertEquals(shipped().size(), result.migrationsExecuted, "V1, V2, ...");
        JdbiCreditStore store = store();
        Data before = writeData(store);
        assertEquals(10, before.balances().get(0).balance());
        assertEquals(List.of(), recorded(), "Flyway keeps its own history table, never the store's");

        // A host that moves from Flyway to installSchema(): the tables are adopted as version 1, and version 2's
        // idempotent statements run again over what Flyway applied, changing nothing.
        assertEquals(shippedNumbers(), store.installSchema(shipped()));
        assertTrue(recorded().get(0).baseline());
        assertEquals(before, data(store));
    }

    /** The README's recipe on a database Flyway brought to version 1, with version 1's freezes: version 2 types them. */
    @Test
    void theReadmesFlywayRecipeUpgradesVersion1Data() {
        assertEquals(1, flyway("1").migrate().migrationsExecuted, "V1");
        Ledger before = writeLedgerData(scratchStore());
        copyAsVersion1();

        assertEquals(shipped().size() - 1, flyway(null).migrate().migrationsExecuted, "V2, ...");
        assertEquals(before, ledgerData(store()), "the holds typed, everything else as it was");
        assertEquals(List.of(), recorded());
    }

    /** The README's Flyway configuration, the prefix aside, up to the given version (null: the newest). */
    private Flyway flyway(String target) {
        var configuration = Flyway.configure()
                .dataSource(pool)
                .locations("classpath:" + dialect().schemaLocation())
                .placeholders(Map.of("table_prefix", prefix))
                .table(prefix + "schema_history")
                .baselineOnMigrate(true).baselineVersion("0");
        if (target != null) {
            configuration.target(target);
        }
        return configuration.load();
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
                    <sqlFile path="%2$s/V1__credits_schema.sql"
                             relativeToChangelogFile="false" splitStatements="true" endDelimiter=";" stripComments="true"/>
                  </changeSet>
                  <changeSet id="credits-schema-v2" author="credits">
                    <sqlFile path="%2$s/V2__typed_holds.sql"
                             relativeToChangelogFile="false" splitStatements="true" endDelimiter=";" stripComments="true"/>
                  </changeSet>
                  <changeSet id="credits-schema-v3" author="credits">
                    <sqlFile path="%2$s/V3__seed_rules.sql"
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

        assertEquals(shippedNumbers(), store.installSchema(shipped()));
        assertTrue(recorded().get(0).baseline());
        assertEquals(before, data(store));
    }
}
