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

import javax.sql.DataSource;
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
 * Version 3 (typed lots) moves the ledger's metadata keys of purchase and allowance lots, their grants and clawbacks
 * into typed columns. Every test works with a table prefix of its own, dropped afterwards. Version 100 exists only in
 * the test resources ({@code dev/credits/jdbc/schema-test/V100__test_extra.sql}), after any shipped version, and
 * reaches the runner through the package-private
 * {@link JdbiCreditStore#installSchema(List)}, as does version 1 alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchemaMigrationTestBase {

    /** A version after the shipped ones, only in the test resources. */
    static final int TEST_VERSION = 100;
    static final String TEST = "dev/credits/jdbc/schema-test/V100__test_extra.sql";
    static final String TEST_CHANGED = "dev/credits/jdbc/schema-test/changed/V100__test_extra.sql";

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

    /** @return the shipped versions and the test-only version */
    List<String> shippedAndTest() {
        List<String> resources = new ArrayList<>(shipped());
        resources.add(TEST);
        return resources;
    }

    /** @return the numbers of the shipped versions, oldest first */
    List<Integer> shippedVersions() {
        return Schema.versions(shipped()).stream().map(Schema.Version::number).toList();
    }

    /** @return the numbers of the shipped versions after version 1 */
    List<Integer> shippedAfterV1() {
        return shippedVersions().subList(1, shippedVersions().size());
    }

    /** @return the numbers of the shipped versions and the test-only one */
    List<Integer> allVersions() {
        List<Integer> all = new ArrayList<>(shippedVersions());
        all.add(TEST_VERSION);
        return all;
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
            copyReceiptLinesOfEntries(handle, from);
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
            // Lots and entries as versions 1 and 2 wrote them: the purchase and the allowance period as metadata keys.
            List<dev.credits.Lot> lots = handle.createQuery("SELECT * FROM " + from + "lots").map(Tables.LOTS.mapper()).list();
            Map<String, Map<String, String>> grantMetadata = new java.util.HashMap<>();
            for (dev.credits.Lot lot : lots) {
                Map<String, String> metadata = version1Metadata(lot.metadata(), lot.purchaseId(), lot.allowance());
                if (!metadata.equals(lot.metadata())) {
                    grantMetadata.put(lot.transactionId(), metadata);
                    assertEquals(1, handle.createUpdate("UPDATE " + prefix + "lots SET metadata = :metadata"
                                    + " WHERE lot_id = :lotId")
                            .bind("metadata", Rows.json(metadata)).bind("lotId", lot.lotId()).execute());
                }
            }
            List<LedgerEntry> entries = handle.createQuery("SELECT * FROM " + from + "entries").map(Tables::entry).list();
            for (LedgerEntry entry : entries) {
                Map<String, String> metadata = entry.metadata();
                if (grantMetadata.containsKey(entry.transactionId())) {
                    metadata = grantMetadata.get(entry.transactionId());
                } else if (entry.type() == dev.credits.EntryType.CLAWBACK) {
                    metadata = version1Metadata(metadata, entry.purchaseId(), null);
                }
                if (!metadata.equals(entry.metadata())) {
                    assertEquals(1, handle.createUpdate("UPDATE " + prefix + "entries SET metadata = :metadata"
                                    + " WHERE transaction_id = :transactionId")
                            .bind("metadata", Rows.json(metadata)).bind("transactionId", entry.transactionId())
                            .execute());
                }
            }
        }
    }

    /** The receipt lines kept on entries (version 9), as rows of allocations: as versions before 9 wrote them. */
    private void copyReceiptLinesOfEntries(Handle handle, String from) {
        handle.execute("INSERT INTO " + prefix + "allocations (owner_id, line_no, lot_id, amount)"
                + " SELECT transaction_id, 0, lot_id, lot_amount FROM " + from + "entries WHERE lot_id IS NOT NULL");
    }

    /** @return the metadata as versions 1 and 2 wrote it: the host's plus the ledger's own keys */
    static Map<String, String> version1Metadata(Map<String, String> host, String purchaseId,
                                                dev.credits.AllowancePeriod allowance) {
        Map<String, String> metadata = new java.util.TreeMap<>(host);
        if (purchaseId != null) {
            metadata.put("purchaseId", purchaseId);
        }
        if (allowance != null) {
            metadata.put("planId", allowance.planId());
            metadata.put("periodStart", allowance.periodStart().toString());
            if (allowance.rollover()) {
                metadata.put("rollover", "true");
            }
        }
        return metadata;
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

    /** What test version 5 did: the new column, filled for the account of {@link #writeData}, and the new table. */
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
        assertEquals(shippedVersions().size(), rows.size(), "one row per version: " + rows);
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
        assertEquals(shippedAfterV1(), store.installSchema(shipped()), "then the later versions as usual");
        assertEquals(before, data(store), "the data stays");
        store.inAccount("acc-m", tx -> {
            grant(tx, "lot-m2", 5, null);
            return null;
        });
        assertEquals(15, data(store).balances().get(0).balance());

        store.installSchema();
        assertEquals(rows.get(0), recorded().get(0), "adopted once");
        assertEquals(shippedVersions(), recordedVersions());
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
        assertEquals(shippedVersions(), store.installSchema(shipped()));
        Data before = writeData(store);

        assertEquals(List.of(TEST_VERSION), store.installSchema(shippedAndTest()));
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertEquals(allVersions(), recordedVersions());
        SchemaMigrator.AppliedVersion v3 = rows.get(rows.size() - 1);
        assertEquals("test extra", v3.description());
        assertEquals("V100__test_extra.sql", v3.script());
        assertEquals(sha256(TEST), v3.checksum());
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
        // Compared without the sequence of a hold's last change: versions before 5 do not keep it (they read 0).
        return new Ledger(ledger.balance(LEDGER_ACCOUNT),
                holdIds.stream().map(id -> ledger.getHold(id).orElseThrow().toBuilder().changedAtSequence(0).build())
                        .toList(),
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

        assertEquals(shippedVersions(), recordedVersions());
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

    // ---------------------------------------------------------------- version 4: events

    /** Copies every row of the scratch prefix's version-1 tables, with version 2's hold columns, into this test's. */
    void copyAsVersion2() {
        String from = scratchPrefix();
        Map<String, List<String>> tables = Schema.createdColumns(Schema.versions(v1()).get(0).statements(""));
        try (Handle handle = Jdbi.open(pool)) {
            for (Map.Entry<String, List<String>> table : tables.entrySet()) {
                List<String> columns = new ArrayList<>(table.getValue());
                if (table.getKey().equals("holds")) {
                    columns.addAll(List.of("kind", "purchase_id"));
                }
                String list = String.join(", ", columns);
                handle.execute("INSERT INTO " + prefix + table.getKey() + " (" + list + ") SELECT " + list
                        + " FROM " + from + table.getKey());
            }
            copyReceiptLinesOfEntries(handle, from);
        }
    }

    /**
     * Version 5 (the seeds' rules) adds columns whose defaults keep today's behaviour for the rows already there:
     * accounts record no subscription, holds read as no retry and changed at sequence 0, plans without rules per
     * credit type, rate or discount, promotions open to every plan; run twice it changes nothing more.
     */
    @Test
    void version5KeepsTheRowsOfVersion4AsTheyWere() {
        JdbiCreditStore store = store();
        List<String> upToV4 = shipped().subList(0, 4);
        assertEquals(List.of(1, 2, 3, 4), store.installSchema(upToV4));
        try (Handle handle = Jdbi.open(pool)) {
            handle.createUpdate("INSERT INTO " + prefix + "plans (plan_id, name, allowances, rollover_cap,"
                    + " can_buy_credits, active) VALUES ('old', 'Old', '{\"credits\":100}', 0, :buy, :active)")
                    .bind("buy", false).bind("active", true).execute();
            handle.createUpdate("INSERT INTO " + prefix + "promotions (code, bonus_credits, max_uses,"
                    + " max_uses_per_account, active, uses) VALUES ('OLD', 5, 0, 0, :active, 0)")
                    .bind("active", true).execute();
            handle.execute("INSERT INTO " + prefix + "holds (hold_id, account_id, credit_type, feature_key, quantity,"
                    + " unit_price, amount, status, created_at_micros, expires_at_micros, resolved_at_micros,"
                    + " committed_credits, transaction_id, kind) VALUES ('hold-v4', 'acc-v5', 'credits', 'f', 1, 5, 5,"
                    + " 'COMMITTED', 1000000, 2000000, 1500000, 5, 'tx-v4', 'WORK')");
        }

        assertEquals(List.of(5), store.installSchema(shipped().subList(0, 5)));
        try (Handle handle = Jdbi.open(pool)) {
            Schema.versions(shipped()).get(4).statements(prefix).forEach(handle::execute); // and once more
        }
        store.installSchema(shipped()); // the later versions, which the ledger's writes need

        CreditLedger ledger = ledger(store);
        ledger.openAccount("acc-v5");
        assertNull(ledger.getAccount("acc-v5").orElseThrow().subscriptionId());
        dev.credits.Hold old = ledger.getHold("hold-v4").orElseThrow();
        assertEquals(0, old.retryNumber());
        assertEquals(0, old.changedAtSequence(), "changed before any sequence a client can ask after");
        assertEquals(List.of(), ledger.inspection().changesSince("acc-v5", 0).holds());
        Plan plan = ledger.plans().getPlan("old").orElseThrow();
        assertEquals(Map.of(), plan.creditAccess());
        assertNull(plan.creditRate());
        assertNull(plan.purchasePercentOff());
        assertFalse(plan.canBuy("credits"));
        assertTrue(plan.canSpend("credits"));
        assertEquals(java.util.Set.of(), ledger.commerce().getPromotion("OLD").orElseThrow().planIds());
        ledger.plans().savePlan(plan.withCreditAccess("voice", true, false));
        assertFalse(ledger.plans().getPlan("old").orElseThrow().canSpend("voice"), "the new columns are written");
    }

    /**
     * Version 6 (the audit trail) adds the actor columns of entries (NULL for the entries already there: no actor) and
     * two new tables; run twice it changes nothing more, and the ledger then records actors and audit records.
     */
    @Test
    void version6KeepsTheEntriesOfVersion5WithoutAnActor() {
        JdbiCreditStore store = store();
        assertEquals(List.of(1, 2, 3, 4, 5), store.installSchema(shipped().subList(0, 5)));
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("INSERT INTO " + prefix + "accounts (account_id, status, overdraft_limit,"
                    + " low_balance_threshold, max_open_holds, sequence_no, created_at_micros, updated_at_micros)"
                    + " VALUES ('acc-v6', 'ACTIVE', 0, 0, 0, 1, 1000000, 1000000)");
            handle.execute("INSERT INTO " + prefix + "entries (transaction_id, account_id, sequence_no, entry_type,"
                    + " credit_type, amount, balance_after, quantity, unit_price, retry_number, created_at_micros)"
                    + " VALUES ('tx-v5', 'acc-v6', 1, 'GRANT', 'credits', 0, 0, 0, 0, 0, 1000000)");
        }
        assertEquals(List.of(6), store.installSchema(shipped().subList(0, 6)));
        try (Handle handle = Jdbi.open(pool)) {
            Schema.versions(shipped()).get(5).statements(prefix).forEach(handle::execute); // and once more
        }
        store.installSchema(shipped());

        CreditLedger ledger = ledger(store);
        assertNull(ledger.history("acc-v6", dev.credits.HistoryFilter.all(), dev.credits.PageRequest.first())
                .entries().get(0).actor());
        CreditLedger admin = ledger.actingAs(dev.credits.Actor.of("admin:1", "v6"));
        admin.pauseAccount("acc-v6");
        assertEquals(dev.credits.Actor.of("admin:1", "v6"), ledger.audit().account("acc-v6",
                dev.credits.AuditFilter.all(), dev.credits.PageRequest.first()).records().get(0).actor());
    }

    /**
     * Version 7 (reports) adds the usage rows' table to a database at version 6: the next changes fill it, so reports
     * see them (entries written before the upgrade are not in it, as the README says); run twice it changes nothing.
     */
    @Test
    void version7AddsTheUsageRowsThatTheNextChangesFill() {
        JdbiCreditStore store = store();
        assertEquals(List.of(1, 2, 3, 4, 5, 6), store.installSchema(shipped().subList(0, 6)));
        assertEquals(List.of(7), store.installSchema(shipped().subList(0, 7)));
        assertEquals(List.of(), store.installSchema(shipped().subList(0, 7)));
        store.installSchema(shipped()); // the later versions, which the ledger's writes need

        CreditLedger ledger = ledger(store);
        ledger.openAccount("acc-v7");
        ledger.createFeaturePricing(FeatureDefinition.of("image_gen", "Image", 5));
        ledger.grant(dev.credits.GrantRequest.of("acc-v7", 50));
        assertTrue(ledger.deductCredits("acc-v7", "image_gen").success());
        Instant day = LEDGER_CLOCK.instant().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        dev.credits.UsageReport usage = ledger.reports().usage(dev.credits.UsageQuery.builder(
                dev.credits.UsageScope.account("acc-v7"), day, day.plus(java.time.Duration.ofDays(1))).build());
        assertEquals(5, usage.net());
        dev.credits.CreditFlows flows = ledger.reports().accountSummary("acc-v7", day,
                day.plus(java.time.Duration.ofDays(1))).flows("credits");
        assertEquals(List.of(0L, 50L, 5L, 45L), List.of(flows.opening(), flows.totalGranted(), flows.consumed(),
                flows.closing()));
    }

    /**
     * Version 8 (organizations) adds the accounts' pool and cap columns to a database at version 7: an account of
     * version 7 reads as a stand-alone account without caps and a purchase as needing no approval; run twice it changes
     * nothing more, and the account can then join a pool and spend from it.
     */
    @Test
    void version8KeepsTheAccountsOfVersion7StandAloneAndLetsThemJoinAPool() {
        JdbiCreditStore store = store();
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), store.installSchema(shipped().subList(0, 7)));
        try (Handle handle = Jdbi.open(pool)) {
            for (String id : List.of("org-v7", "member-v7")) {
                handle.execute("INSERT INTO " + prefix + "accounts (account_id, status, overdraft_limit,"
                        + " low_balance_threshold, max_open_holds, sequence_no, created_at_micros, updated_at_micros)"
                        + " VALUES ('" + id + "', 'ACTIVE', 0, 0, 0, 0, 1000000, 1000000)");
            }
        }
        assertEquals(List.of(8), store.installSchema(shipped().subList(0, 8)));
        try (Handle handle = Jdbi.open(pool)) {
            Schema.versions(shipped()).get(7).statements(prefix).forEach(handle::execute); // and once more
        }
        store.installSchema(shipped());

        CreditLedger ledger = ledger(store);
        dev.credits.Account member = ledger.getAccount("member-v7").orElseThrow();
        assertNull(member.parentId());
        assertFalse(member.capped());
        ledger.createFeaturePricing(FeatureDefinition.of("image_gen", "Image", 5));
        ledger.grant(dev.credits.GrantRequest.of("org-v7", 50));
        ledger.orgs().setParent("member-v7", "org-v7");
        assertTrue(ledger.deductCredits("member-v7", "image_gen").success());
        assertEquals(45, ledger.balance("org-v7").available());
        assertEquals(List.of("member-v7"), ledger.reports().listAccounts(dev.credits.AccountQuery.builder()
                .memberOf("org-v7").build()).rows().stream().map(row -> row.account().accountId()).toList());
    }

    /**
     * Version 9 (receipts on entries) adds the receipt-line columns to the entries of a database at version 8, whose
     * receipts are all rows of allocations: they read as before (the receipt unchanged, a refund gives the credits back
     * to the lot the deduction drew on); run twice it changes nothing more; the next one-lot deduction keeps its line
     * on its entry.
     */
    @Test
    void version9KeepsTheReceiptsOfVersion8AndPutsNewOneLineReceiptsOnTheEntry() {
        JdbiCreditStore store = store();
        store.installSchema(shipped());
        CreditLedger ledger = ledger(store);
        ledger.openAccount("acc-v8");
        ledger.createFeaturePricing(FeatureDefinition.of("image_gen", "Image", 5));
        String lotId = ledger.grant(dev.credits.GrantRequest.of("acc-v8", 50)).lot().lotId();
        String deduction = ledger.deductCredits("acc-v8", "image_gen").transactionId();
        dev.credits.Receipt receipt = ledger.receipt(deduction);
        assertEquals(List.of(new dev.credits.Allocation(deduction, 0, lotId, -5)), receipt.allocations());
        // Back to version 8: every receipt line a row of allocations, no receipt columns on entries.
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("INSERT INTO " + prefix + "allocations (owner_id, line_no, lot_id, amount)"
                    + " SELECT transaction_id, 0, lot_id, lot_amount FROM " + prefix + "entries WHERE lot_id IS NOT NULL");
            handle.execute("ALTER TABLE " + prefix + "entries DROP COLUMN lot_id");
            handle.execute("ALTER TABLE " + prefix + "entries DROP COLUMN lot_amount");
            handle.execute("DELETE FROM " + prefix + TestDatabase.VERSION_TABLE + " WHERE version_no = 9");
        }

        assertEquals(List.of(9), store.installSchema(shipped().subList(0, 9)));
        try (Handle handle = Jdbi.open(pool)) {
            Schema.versions(shipped()).get(8).statements(prefix).forEach(handle::execute); // and once more
        }
        assertEquals(receipt, ledger.receipt(deduction));
        assertTrue(ledger.refundCredits(dev.credits.RefundRequest.of(deduction)).creditsRefunded() > 0);
        assertEquals(50, ledger.balance("acc-v8").available());
        String next = ledger.deductCredits("acc-v8", "image_gen").transactionId();
        assertEquals(List.of(new dev.credits.Allocation(next, 0, lotId, -5)), ledger.receipt(next).allocations());
        try (Handle handle = Jdbi.open(pool)) {
            assertEquals(0, handle.createQuery("SELECT COUNT(*) FROM " + prefix + "allocations WHERE owner_id = :id")
                    .bind("id", next).mapTo(Integer.class).one());
        }
    }

    /**
     * A database at version 2 (with a ledger's data: purchases, disputes, holds, entries) upgrades to version 4: the
     * data stays as it was, and the ledger's next change writes its events, which a consumer reads.
     */
    @Test
    void aVersion2DatabaseUpgradesToTheEventsVersionAndKeepsItsData() {
        JdbiCreditStore store = store();
        assertEquals(List.of(1, 2), store.installSchema(shipped().subList(0, 2)));
        Ledger before = writeLedgerData(scratchStore());
        copyAsVersion2(); // this jar's code reads version 3's columns: the data is compared after the upgrade

        assertEquals(shippedVersions().subList(2, shippedVersions().size()), store.installSchema(shipped()));
        assertEquals(shippedVersions(), recordedVersions());
        assertEquals(before, ledgerData(store), "the data stays");

        CreditLedger ledger = ledger(store);
        ledger.events().createConsumer("upgraded");
        assertTrue(ledger.deductCredits(LEDGER_ACCOUNT, "image_gen").success());
        List<dev.credits.CreditEvent> events = ledger.events().poll("upgraded", 100);
        assertEquals(1, events.size(), "the deduction's event: " + events);
        assertEquals(dev.credits.EventType.ENTRY_POSTED, events.get(0).type());
        assertEquals(1, events.get(0).position());
        LedgerInvariants.assertHold(ledger, LEDGER_ACCOUNT, 0);
        assertEquals(List.of(), store.installSchema(shipped()), "nothing left to apply");
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
        assertEquals(shippedAfterV1(), store.installSchema(shipped()), "every statement again, then the record");
        assertEquals(before, ledgerData(store));
    }

    /**
     * A MySQL version that adds columns and creates tables too (6), with MariaDB's collation for its tables: written
     * next to the test resources (on the class path) as {@code schema-test/mysql-on-mariadb/<file>}.
     *
     * @return its resource name
     */
    private String withMariaDbCollation(String mySqlFile) {
        String file = mySqlFile.substring(mySqlFile.lastIndexOf('/') + 1);
        try {
            java.nio.file.Path folder = java.nio.file.Path.of(getClass().getClassLoader()
                    .getResource("dev/credits/jdbc/schema-test").toURI()).resolve("mysql-on-mariadb");
            java.nio.file.Files.createDirectories(folder);
            java.nio.file.Files.writeString(folder.resolve(file),
                    Schema.read(mySqlFile).replace("utf8mb4_0900_bin", "utf8mb4_nopad_bin"));
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return "dev/credits/jdbc/schema-test/mysql-on-mariadb/" + file;
    }

    /**
     * MySQL's versions that add columns (2, 3 and 5: by statements prepared only when missing), which this build has no MySQL
     * to run on, run on MariaDB, which has the same prepared statements: they type version 1's freezes and lots, and run
     * twice.
     */
    @Test
    void theMySqlVersionsRunOnMariaDbAndTwice() {
        assumeTrue(dialect() == Dialect.MARIADB, "MariaDB only");
        JdbiCreditStore store = store();
        store.installSchema(v1());
        JdbiCreditStore scratch = scratchStore();
        Ledger before = writeLedgerData(scratch);
        Lots lotsBefore = writeLotData(scratch);
        copyAsVersion1();
        // MySQL's own collation is unknown to MariaDB: the versions that only create tables (MariaDB's files with
        // MySQL's collation, SchemaFilesTest) run as MariaDB's; the ones that add columns their own way run as MySQL's.
        List<String> mySql = new ArrayList<>();
        for (int i = 0; i < shipped().size(); i++) {
            String mySqlFile = Dialect.MYSQL.schemaResources().get(i);
            mySql.add(!Schema.read(mySqlFile).contains("SET @credits_ddl") ? shipped().get(i)
                    : Schema.read(mySqlFile).contains("utf8mb4_0900_bin") ? withMariaDbCollation(mySqlFile)
                    : mySqlFile);
        }
        assertEquals(shippedAfterV1(), store.installSchema(mySql));
        assertEquals(before, ledgerData(store));
        try (Handle handle = Jdbi.open(pool)) {
            for (Schema.Version version : Schema.versions(mySql).subList(1, mySql.size())) {
                version.statements(prefix).forEach(handle::execute);
            }
        }
        assertEquals(before, ledgerData(store));
        assertEquals(lotsBefore, lotData(store));
    }

    // ---------------------------------------------------------------- version 3: typed lots

    static final String LOTS_ACCOUNT = "acc-v3";
    static final Instant FEB_15 = Instant.parse("2026-02-15T00:00:00Z");
    static final Instant MAR_1 = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant MAR_15 = Instant.parse("2026-03-15T00:00:00Z");
    static final Instant APR_1 = Instant.parse("2026-04-01T00:00:00Z");

    /** What a ledger reports of {@link #LOTS_ACCOUNT}, with every lot (spent and expired ones too). */
    record Lots(Balance balance, List<dev.credits.Lot> lots, List<LedgerEntry> history, Purchase purchase) {
    }

    /**
     * Through the ledger on {@link #LOTS_ACCOUNT}: plan basic (100 a period, rollover cap 50), a period of 100 with 10
     * spent, the next period (90 expired, 50 rolled over, 100 granted), a purchase of 100 whose host metadata has a
     * key {@code purchaseId} of its own, and a refund clawing 30 of it back.
     */
    Lots writeLotData(JdbiCreditStore store) {
        CreditLedger ledger = ledger(store);
        ledger.openAccount(LOTS_ACCOUNT);
        ledger.createFeaturePricing(FeatureDefinition.of("lot_unit", "Unit", 10));
        ledger.commerce().savePackage(CreditPackage.of("lots_pack", "Lots", 100, Money.of("9.99", "USD")));
        ledger.plans().savePlan(dev.credits.Plan.of("basic", "Basic", 100).withRolloverCap(50));
        ledger.plans().savePlan(dev.credits.Plan.of("pro", "Pro", 300));
        ledger.plans().assignPlan(LOTS_ACCOUNT, "basic");
        assertEquals(dev.credits.PeriodResult.Status.STARTED,
                ledger.plans().startPeriod(LOTS_ACCOUNT, FEB_15, MAR_15).status());
        assertTrue(ledger.deductCredits(LOTS_ACCOUNT, "lot_unit").success());
        dev.credits.PeriodResult next = ledger.plans().startPeriod(LOTS_ACCOUNT, MAR_1, APR_1);
        assertEquals(Map.of("credits", 50L), next.rolledOver());
        assertTrue(ledger.commerce().purchase(PurchaseRequest.ofPackage(LOTS_ACCOUNT, "lots_pack")
                .withPurchaseId("pi-lots").withMetadata(Map.of("purchaseId", "host-ref", "order", "o-3"))).success());
        assertTrue(ledger.commerce().clawBackPurchase("pi-lots", 30, "refund").success());
        Lots data = lotData(store);
        assertEquals(4, data.lots().size(), "two allowances, a rollover and a purchase: " + data.lots());
        return data;
    }

    Lots lotData(JdbiCreditStore store) {
        CreditLedger ledger = ledger(store);
        List<String> lotIds;
        try (Handle handle = Jdbi.open(pool)) {
            lotIds = handle.createQuery("SELECT lot_id FROM " + store.tablePrefix() + "lots WHERE account_id = :account"
                            + " AND source <> 'OVERDRAFT' ORDER BY lot_id")
                    .bind("account", LOTS_ACCOUNT).mapTo(String.class).list();
        }
        return new Lots(ledger.balance(LOTS_ACCOUNT),
                store.readAccount(LOTS_ACCOUNT, tx -> lotIds.stream().map(id -> tx.findLot(id).orElseThrow()).toList()),
                // Without actors: version 1 had none (the copy drops them; version 6 reads NULL).
                LedgerInvariants.allEntries(ledger, LOTS_ACCOUNT).stream().map(SchemaMigrationTestBase::withoutActor)
                        .toList(),
                ledger.commerce().getPurchase("pi-lots").orElseThrow());
    }

    static LedgerEntry withoutActor(LedgerEntry e) {
        return new LedgerEntry(e.transactionId(), e.accountId(), e.sequence(), e.type(), e.creditType(), e.amount(),
                e.balanceAfter(), e.featureKey(), e.quantity(), e.unitPrice(), e.pricePlanId(), e.retryNumber(),
                e.userId(), e.holdId(), e.referenceId(), e.purchaseId(), e.reason(), e.idempotencyKey(), e.metadata(),
                e.createdAt());
    }

    /**
     * A database of version 1 (or 2) holding lots as those versions wrote them (the purchase id and the allowance
     * period as metadata keys on lots, their grants and clawbacks) is upgraded by installSchema(): every lot, entry,
     * balance, hold and purchase reads back exactly as this version writes them (typed fields filled, the host's
     * metadata alone, a host key named purchaseId back), the rules read the typed period (an upgrade tops up what the
     * migrated period granted), and version 3 run again changes nothing.
     */
    @Test
    void version3TypesTheLotsOfVersion1AndKeepsEverythingElse() {
        upgradeToVersion3(false);
    }

    @Test
    void version3TypesTheLotsOfVersion2AndKeepsEverythingElse() {
        upgradeToVersion3(true);
    }

    private void upgradeToVersion3(boolean fromVersion2) {
        JdbiCreditStore store = store();
        assertEquals(List.of(1), store.installSchema(v1()));
        JdbiCreditStore scratch = scratchStore();
        Ledger before = writeLedgerData(scratch);
        Lots lotsBefore = writeLotData(scratch);
        copyAsVersion1();
        try (Handle handle = Jdbi.open(pool)) {
            assertEquals(3, handle.createQuery("SELECT COUNT(*) FROM " + prefix + "lots WHERE source = 'SUBSCRIPTION'"
                    + " AND metadata LIKE '%periodStart%'").mapTo(Integer.class).one(), "allowances as v1 wrote them");
            assertEquals(1, handle.createQuery("SELECT COUNT(*) FROM " + prefix + "entries WHERE entry_type = 'CLAWBACK'"
                    + " AND metadata LIKE '%pi-lots%'").mapTo(Integer.class).one(), "a clawback as v1 wrote it");
        }
        if (fromVersion2) {
            assertEquals(List.of(2), store.installSchema(shipped().subList(0, 2)));
        }

        store.installSchema();

        assertEquals(shippedVersions(), recordedVersions());
        assertEquals(before, ledgerData(store), "version 2's account as it was");
        Lots after = lotData(store);
        assertEquals(lotsBefore, after, "typed lots and entries, everything else as it was");
        assertEquals(Map.of("purchaseId", "host-ref", "order", "o-3"), after.lots().stream()
                .filter(lot -> "pi-lots".equals(lot.purchaseId())).findFirst().orElseThrow().metadata(),
                "the host's own purchaseId key is back");
        assertEquals(java.util.Set.of(new dev.credits.AllowancePeriod("basic", FEB_15, false),
                        new dev.credits.AllowancePeriod("basic", MAR_1, true),
                        new dev.credits.AllowancePeriod("basic", MAR_1, false)),
                after.lots().stream().map(dev.credits.Lot::allowance).filter(java.util.Objects::nonNull)
                        .collect(java.util.stream.Collectors.toSet()));
        try (Handle handle = Jdbi.open(pool)) {
            assertEquals(List.of(), handle.createQuery("SELECT metadata FROM " + prefix + "lots WHERE metadata LIKE"
                    + " '%periodStart%' UNION ALL SELECT metadata FROM " + prefix + "entries WHERE metadata LIKE"
                    + " '%periodStart%' OR metadata LIKE '%pi-lots%' OR metadata LIKE '%pi-won%'")
                    .mapTo(String.class).list(), "the ledger's metadata keys are gone");
            Schema.versions(shipped()).get(2).statements(prefix).forEach(handle::execute);
        }
        assertEquals(lotsBefore, lotData(store), "version 3 run again changes nothing");
        assertEquals(before, ledgerData(store));

        CreditLedger ledger = ledger(store);
        dev.credits.PlanChange upgrade = ledger.plans().assignPlan(LOTS_ACCOUNT, "pro");
        assertEquals(dev.credits.PlanChange.Kind.UPGRADED, upgrade.kind());
        assertEquals(Map.of("credits", 200L), upgrade.granted(), "300 - the 100 the migrated period granted");
        LedgerInvariants.assertHold(ledger, LOTS_ACCOUNT, 0);
    }

    @Test
    void aFreshDatabaseGetsEveryVersionInOrder() {
        assertEquals(allVersions(), store().installSchema(shippedAndTest()));
        assertEquals(allVersions(), recordedVersions());
        assertFalse(recorded().get(0).baseline());
    }

    @Test
    void aJarOlderThanTheDatabaseIsRefusedAndChangesNothing() {
        JdbiCreditStore store = store();
        store.installSchema(shippedAndTest());
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        // installSchema() of this jar knows the shipped versions only
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class, store::installSchema);
        assertTrue(refused.getMessage().contains("schema version " + TEST_VERSION), refused.getMessage());
        assertTrue(refused.getMessage().contains("knows versions up to "
                + shippedVersions().get(shippedVersions().size() - 1)), refused.getMessage());
        assertEquals(rows, recorded());
    }

    @Test
    void aVersionWhoseFileChangedAfterItWasAppliedIsRefused() throws Exception {
        JdbiCreditStore store = store();
        store.installSchema(shippedAndTest());
        List<SchemaMigrator.AppliedVersion> rows = recorded();
        assertNotEquals(sha256(TEST), sha256(TEST_CHANGED));
        List<String> changed = new ArrayList<>(shipped());
        changed.add(TEST_CHANGED);
        StoreConfigurationException refused = assertThrows(StoreConfigurationException.class,
                () -> store.installSchema(changed));
        assertTrue(refused.getMessage().contains("V100__test_extra.sql"), refused.getMessage());
        assertTrue(refused.getMessage().contains(sha256(TEST_CHANGED)), refused.getMessage());
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
        assertEquals(allVersions().subList(1, allVersions().size()), recordedVersions());
    }

    /**
     * Breaks the connection at every statement of an upgrade in turn (lock, version table, reads, each statement of
     * version 5, its record, unlock, commit): the install fails with the cause, version 5 is never recorded without
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
                if (versions.contains(TEST_VERSION)) {
                    assertTestVersionIsApplied(); // recorded last: only once every statement ran
                } else if (dialect().statements(prefix, Duration.ofSeconds(1)).transactionalDdl()) {
                    assertFalse(tableExists(prefix + "test_extra"), "rolled back whole at statement " + position);
                }
                assertEquals(versions.contains(TEST_VERSION) ? List.of() : List.of(TEST_VERSION),
                        store.installSchema(shippedAndTest()),
                        "the next install completes it (cut at statement " + position + ")");
                assertEquals(allVersions(), recordedVersions());
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
                assertEquals(allVersions(), recordedVersions());
                assertTestVersionIsApplied();
                undoTestVersion();
                position++;
                continue;
            }
            break;
        }
        assertTrue(position > 6, "lock, version table, versions, 3 statements, record...: " + position);
        assertEquals(allVersions(), recordedVersions());
        assertTestVersionIsApplied();
        assertEquals(before, data(store));
    }

    private void undoTestVersion() {
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("DROP TABLE " + prefix + "test_extra");
            handle.execute("ALTER TABLE " + prefix + "accounts DROP COLUMN test_note");
            handle.execute("DELETE FROM " + prefix + TestDatabase.VERSION_TABLE + " WHERE version_no = " + TEST_VERSION);
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
            assertEquals(allVersions(), applied.stream().sorted().toList(), "each version applied by one racer");
            assertEquals(allVersions(), recordedVersions());
            writeData(store());
            assertTestVersionIsApplied(null); // the account came after version 5's update
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
        assertEquals(shippedVersions().size(), result.migrationsExecuted, "every shipped version");
        JdbiCreditStore store = store();
        Data before = writeData(store);
        assertEquals(10, before.balances().get(0).balance());
        assertEquals(List.of(), recorded(), "Flyway keeps its own history table, never the store's");

        // A host that moves from Flyway to installSchema(): the tables are adopted as version 1, and version 2's
        // idempotent statements run again over what Flyway applied, changing nothing.
        assertEquals(shippedVersions(), store.installSchema(shipped()));
        assertTrue(recorded().get(0).baseline());
        assertEquals(before, data(store));
    }

    /** The README's recipe on a database Flyway brought to version 1, with version 1's freezes: version 2 types them. */
    @Test
    void theReadmesFlywayRecipeUpgradesVersion1Data() {
        assertEquals(1, flyway("1").migrate().migrationsExecuted, "V1");
        Ledger before = writeLedgerData(scratchStore());
        copyAsVersion1();

        assertEquals(shippedAfterV1().size(), flyway(null).migrate().migrationsExecuted, "V2 and later");
        assertEquals(before, ledgerData(store()), "the holds typed, everything else as it was");
        assertEquals(List.of(), recorded());
    }

    /** Flyway on the shipped folder, up to the given version (null: the newest). */
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

    /** The shipped Liquibase changelog (the prefix as its parameter), then installSchema() on its tables. */
    @Test
    void theShippedLiquibaseChangelogRunsTheShippedFiles() throws Exception {
        try (Connection connection = pool.getConnection()) {
            Database liquibaseDatabase = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            // Tables of its own per test: concurrent runs on one MariaDB database must not share Liquibase's.
            liquibaseDatabase.setDatabaseChangeLogTableName(prefix + "changelog");
            liquibaseDatabase.setDatabaseChangeLogLockTableName(prefix + "changelog_lock");
            Liquibase liquibase = new Liquibase(dialect().liquibaseChangelog(), new ClassLoaderResourceAccessor(),
                    liquibaseDatabase);
            liquibase.setChangeLogParameter(SchemaMigrations.TABLE_PREFIX, prefix);
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

        assertEquals(shippedVersions(), store.installSchema(shipped()));
        assertTrue(recorded().get(0).baseline());
        assertEquals(before, data(store));
    }
}
