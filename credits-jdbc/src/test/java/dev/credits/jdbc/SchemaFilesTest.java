package dev.credits.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped SQL files, dialect detection and builder validation; no database needed. */
class SchemaFilesTest {

    private static final Set<String> TABLES = Set.of("accounts", "balances", "lots", "entries", "allocations",
            "holds", "idempotency", "features", "packages", "plans", "promotions", "purchases",
            "account_links", "events", "event_sequencer", "event_consumers", "alert_states", "expiry_notices",
            "audit_records", "charge_disputes", "usage_buckets", "caps", "cap_usage");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyDialectShipsAVersionedSchemaWithThePrefixPlaceholder(Dialect dialect) {
        assertEquals(List.of(dialect.schemaLocation() + "/V1__credits_schema.sql",
                dialect.schemaLocation() + "/V2__typed_holds.sql", dialect.schemaLocation() + "/V3__typed_lots.sql",
                dialect.schemaLocation() + "/V4__events.sql",
                dialect.schemaLocation() + "/V5__seed_rules.sql", dialect.schemaLocation() + "/V6__audit.sql",
                dialect.schemaLocation() + "/V7__reports.sql", dialect.schemaLocation() + "/V8__organizations.sql",
                dialect.schemaLocation() + "/V9__receipts_on_entries.sql"),
                dialect.schemaResources());
        for (String resource : dialect.schemaResources()) {
            assertNotNull(getClass().getClassLoader().getResource(resource), resource);
            String script = Schema.read(resource);
            assertTrue(script.contains(Dialect.TABLE_PREFIX_PLACEHOLDER), resource);
        }
        List<String> statements = Schema.statements(dialect, "p_");
        Set<String> created = new TreeSet<>();
        Matcher table = Pattern.compile("CREATE TABLE IF NOT EXISTS p_(\\w+)").matcher(String.join("\n", statements));
        while (table.find()) {
            created.add(table.group(1));
        }
        assertEquals(new TreeSet<>(TABLES), created);
        for (String statement : statements) {
            // Idempotent, so that a version cut off halfway where DDL commits implicitly (H2, MariaDB) runs again
            // from its first statement, and so that installSchema() adopts tables an earlier install created.
            // Version 2's UPDATE changes only rows still of kind WORK into FREEZE, so a second run finds none; MySQL
            // adds columns through a statement it prepares only when the column is missing.
            boolean mySqlGuardedDdl = dialect == Dialect.MYSQL && (statement.startsWith("SET @credits_ddl = ")
                    || statement.startsWith("PREPARE credits_ddl FROM @credits_ddl")
                    || statement.equals("EXECUTE credits_ddl") || statement.equals("DEALLOCATE PREPARE credits_ddl"));
            assertTrue(statement.startsWith("CREATE TABLE IF NOT EXISTS ") || statement.startsWith("CREATE INDEX IF NOT EXISTS ")
                    || statement.startsWith("CREATE UNIQUE INDEX IF NOT EXISTS ")
                    || (dialect != Dialect.MYSQL && statement.startsWith("ALTER TABLE p_")
                    && statement.contains(" ADD COLUMN IF NOT EXISTS "))
                    || (statement.startsWith("UPDATE p_holds\nSET kind = 'FREEZE',") && statement.contains("WHERE kind = 'WORK'"))
                    || isVersion3Move(statement)
                    || mySqlGuardedDdl || isSequencerRowInsert(dialect, statement), "idempotent: " + statement);
            assertFalse(statement.contains("${"), statement);
            assertFalse(statement.contains("--"), "comments are stripped: " + statement);
        }
    }

    /**
     * The checksums installSchema() records. A version that databases have applied must never change (they would
     * refuse to start: checksum mismatch, and so would Flyway's and Liquibase's validation): put a change in a new
     * version file instead, and add its checksum here.
     */
    private static final Map<Dialect, List<String>> SHIPPED_CHECKSUMS = Map.of(
            Dialect.H2, List.of("21c46568a713b37e4bac63d840683233cf93335c9b1a3c3d4b636e0e9f3e134d",
                    "517c6aa16395caeeb9603613048520ebbbdca5f8fb9b3c84d46565d18a47b587",
                    "08df83856085587012fc78660bf8d4d6c82115becf9c38cf79fe37a0301dd51d",
                    "a917c1d9144eb68f2d0162bebff6fce1f9ef31da2a78f06dd43cfe2b1b7cecd9",
                    "8a8b3f8e9d48bd3af4107ca99fbd003761174a867035f722d5830fafc5b2e0ee",
                    "1fdc50927509ae556483ee8b05d7016d861d07efbd4ef9c0ab537e15fa963a60",
                    "df0e9abe957724a4f58ff7de908426d97ee185dc8f21f6e6735aa12618a845c5",
                    "3331d8ed9a16267a4eb0cd5472efddc4610c0f75da22dc1eaf106d804b237780",
                    "2d7d52be5bc67d21f9002802b4d8703db605437848b98aa2401c96021f331453"),
            Dialect.POSTGRESQL, List.of("3c59859612c49ee79724ec69b00df586c77a39ea954cf6b753102f1874b2d3ae",
                    "32a311402c6f293cd16e04376fc1f58ba90721c8d95e002bd859788d608d8dca",
                    "b17d94e9d50544223858d3031ce3edbddc19d49a3e41ea4be476737c295eb05b",
                    "adfed218f3b2f8643b1bd44f74ce9930c0f3fd5ffc683c84827432a3d0fb88d3",
                    "6b0fdf68755f2e8228df5c26bbaee313b2e0d9945ef96f72ce907a9d2b7e1601",
                    "12c28cdede6c0534c715530f9c20a90fd3852f06928e429d68eb52ded981bda2",
                    "cd6e78fcfafc023e11920cb728438c0ddfe03b4afcd0b9a9fdd4d28968489c26",
                    "f2e4e402ff5231d75aedd386e4f9ec669ee760ccf0b26b0136152817d9419d79",
                    "ff01eec373c25b5c2c9d397cfc9aeb0f0f39c96c13ff221c096c72fde29a0d0f"),
            Dialect.MARIADB, List.of("adef91ccbe36f5fca604d97a7654b8048b3746a93b48828b17a91b5eee1f37d6",
                    "4eaf5029e1284fdbadc1b85b304f100dbfbdc32d8a376f6ab5ff19a610a311a4",
                    "00d69ad29abd28f0363d25272d07cfb4a11876c797d54963491ec0051b82bba9",
                    "3812428df2f7d912d8bbb824f635c01da41d35c16fc180362d6a5d3fb0a9d33e",
                    "2e0cd0f9d9f188f7c97b2bf169b551f34a3375c317384a96d85a7d6f285af323",
                    "6fda188ca39a491d6f6c7127f6651ba284aa4845b4255918acbf6809905d7a6d",
                    "e9b8d1cce5822bb8305dbacf4958a4e8c25374ee9f978afb4bbcad015cc42c46",
                    "b5918032a32b5f1abc84a179dbbf2c94560aa699dcbdc8f3480d4f1bd4bed66d",
                    "f2286d717474d5e1f53d50aed93490fc4b6cce4741f123bea1e0aeab7a7a757d"),
            Dialect.MYSQL, List.of("220944f4f9acef00b9c1dada6a59efac3e4820cddfd9c469ba47bdf1856667d5",
                    "f8e0c11e14b0f3f108ffc190a77317d784fecfba6dfe3d7b266085c50a83404c",
                    "24f1862119b438969f1d1184bbb4ddd7caf8cfc163404198ddb5b9a3ec1a9daa",
                    "79781759c47611a5c17938cb095f97d5b5bcda721ee2004cabab15782796c08c",
                    "f4d78c3f2d0748320ea22237e1fca0d0832ab4102c6b8396ca17de61aa296750",
                    "b0e02e1b8ac4309d1cd18cefe587e824539da1b12159252e857579b461a4c685",
                    "76ad94f713604150927b3f2e0fb82651f2463e2b038c627a6388c368a8c5fe0e",
                    "16a48b65781a2972c4073e60f884796bbcbbb797fc8efc83ab7947fd559f75ef",
                    "877191ca4b6c55f1a23588c31b1bc62b6c5e63a031eaefc1d74098065a83bad0"));

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void shippedVersionsNeverChange(Dialect dialect) {
        List<String> checksums = Schema.versions(dialect.schemaResources()).stream().map(Schema.Version::checksum)
                .toList();
        assertEquals(SHIPPED_CHECKSUMS.get(dialect), checksums, dialect + ": a shipped version changed (databases"
                + " that applied it would refuse to start); put the change in a new version instead");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyDialectFolderHoldsExactlyTheListedVersionsNumberedFromOne(Dialect dialect) throws Exception {
        // A file in the folder but not in Dialect.schemaResources() would run under Flyway and never under
        // installSchema(); a listed file missing from the folder would be the reverse.
        Path folder = Path.of(getClass().getClassLoader().getResource(dialect.schemaLocation()).toURI());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(dialect.schemaResources().stream().map(r -> r.substring(r.lastIndexOf('/') + 1)).sorted()
                    .toList(), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        List<Schema.Version> versions = Schema.versions(dialect.schemaResources());
        for (int i = 0; i < versions.size(); i++) {
            assertEquals(i + 1, versions.get(i).number(), "versions 1, 2, 3, ... in order");
        }
    }

    @Test
    void everyDialectShipsTheSameVersionsCreatingTheSameTablesAndColumns() {
        Map<String, List<String>> expected = null;
        for (Dialect dialect : Dialect.values()) {
            assertEquals(Dialect.H2.schemaResources().stream().map(r -> r.substring(r.lastIndexOf('/') + 1)).toList(),
                    dialect.schemaResources().stream().map(r -> r.substring(r.lastIndexOf('/') + 1)).toList(),
                    dialect + ": the same version files");
            Map<String, List<String>> columns = Schema.createdColumns(Schema.statements(dialect, "p_"));
            if (expected == null) {
                expected = columns;
            } else {
                assertEquals(expected, columns, dialect + " creates other tables or columns than H2");
            }
        }
        List<String> accountColumns = new java.util.ArrayList<>(expected.get("p_accounts"));
        for (String statement : Schema.statements(Dialect.H2, "p_")) {
            Matcher added = Pattern.compile("ALTER TABLE p_accounts ADD COLUMN IF NOT EXISTS (\\w+)").matcher(statement);
            if (added.lookingAt()) {
                accountColumns.add(added.group(1)); // a later version's
            }
        }
        assertEquals(List.of(SqlStatements.ACCOUNT_COLUMNS.split(",\\s*")), accountColumns,
                "the columns the store writes");
    }

    /**
     * MySQL differs from MariaDB only in the exact binary collation each has (MariaDB utf8mb4_nopad_bin, MySQL
     * utf8mb4_0900_bin; neither has the other's), so its files are the MariaDB files with the collation swapped, apart
     * from the first comment line. Versions that add columns need ADD COLUMN IF NOT EXISTS, which MySQL lacks: they are
     * relaxed below.
     */
    @Test
    void theMySqlFilesAreTheMariaDbFilesWithMySqlsCollation() {
        List<String> mariadb = Dialect.MARIADB.schemaResources();
        List<String> mysql = Dialect.MYSQL.schemaResources();
        assertEquals(mariadb.size(), mysql.size());
        for (int i = 0; i < mariadb.size(); i++) {
            if (Schema.read(mysql.get(i)).contains("SET @credits_ddl")) {
                continue; // theMySqlVersionsAddColumnsTheirOwnWayAndMigrateAsMariaDbDoes
            }
            String expected = withoutFirstLine(Schema.read(mariadb.get(i)))
                    .replace("utf8mb4_nopad_bin", "utf8mb4_0900_bin");
            assertEquals(expected, withoutFirstLine(Schema.read(mysql.get(i))), mysql.get(i));
            assertFalse(Schema.read(mysql.get(i)).contains("nopad"), mysql.get(i));
        }
    }

    /** MySQL's versions that add columns (2 and 3) add MariaDB's columns through guarded prepared statements; the rest is MariaDB's. */
    @Test
    void theMySqlVersionsAddColumnsTheirOwnWayAndMigrateAsMariaDbDoes() {
        for (int version = 1; version < Dialect.MYSQL.schemaResources().size(); version++) {
            if (Schema.read(Dialect.MYSQL.schemaResources().get(version)).contains("SET @credits_ddl")) {
                assertMySqlVersionIsMariaDbs(version); // the others are MariaDB's files (test above)
            }
        }
        List<String> version2 = Schema.versions(Dialect.MARIADB.schemaResources()).get(1).statements("p_");
        assertEquals(List.of("ALTER TABLE p_holds ADD COLUMN IF NOT EXISTS kind VARCHAR(16) DEFAULT 'WORK' NOT NULL",
                "ALTER TABLE p_holds ADD COLUMN IF NOT EXISTS purchase_id VARCHAR(128)"),
                version2.stream().filter(s -> s.startsWith("ALTER TABLE ")).toList());
    }

    private static void assertMySqlVersionIsMariaDbs(int index) {
        List<String> mariadb = Schema.versions(Dialect.MARIADB.schemaResources()).get(index).statements("p_");
        List<String> mysql = Schema.versions(Dialect.MYSQL.schemaResources()).get(index).statements("p_");
        List<String> mariaDbAlters = mariadb.stream().filter(s -> s.startsWith("ALTER TABLE ")).toList();
        assertFalse(mariaDbAlters.isEmpty(), "version " + (index + 1) + " adds columns");
        for (String alter : mariaDbAlters) {
            String column = alter.split(" ")[8];
            String guarded = "'" + alter.replace("IF NOT EXISTS ", "").replace("'", "''") + "', 'DO 0')";
            assertTrue(mysql.stream().anyMatch(s -> s.startsWith("SET @credits_ddl = ") && s.contains(guarded)
                    && s.contains("column_name = '" + column + "'")), column + " guarded in " + mysql);
        }
        assertIndexesGuarded(mariadb, mysql);
        assertEquals(mariadb.stream().filter(s -> !s.startsWith("ALTER TABLE ")
                        && !s.startsWith("CREATE INDEX IF NOT EXISTS ") && !s.startsWith("CREATE TABLE ")).toList(),
                mysql.stream().filter(s -> s.startsWith("UPDATE ")).toList(), "the same data migration");
        // A version may also create tables (version 6): MariaDB's, with MySQL's collation.
        assertEquals(mariadb.stream().filter(s -> s.startsWith("CREATE TABLE "))
                        .map(s -> s.replace("utf8mb4_nopad_bin", "utf8mb4_0900_bin")).toList(),
                mysql.stream().filter(s -> s.startsWith("CREATE TABLE ")).toList(), "the same tables");
        String withoutTables = String.join("\n", mysql.stream().filter(s -> !s.startsWith("CREATE TABLE ")).toList());
        assertFalse(withoutTables.contains("IF NOT EXISTS"), "MySQL has no ADD COLUMN IF NOT EXISTS");
    }

    /** MySQL has no CREATE INDEX IF NOT EXISTS: it creates MariaDB's indexes of a version through guarded statements. */
    private static void assertIndexesGuarded(List<String> mariadb, List<String> mysql) {
        for (String index : mariadb.stream().filter(s -> s.startsWith("CREATE INDEX IF NOT EXISTS ")).toList()) {
            String name = index.split(" ")[5];
            String guarded = "'" + index.replace("IF NOT EXISTS ", "").replace("'", "''") + "', 'DO 0')";
            assertTrue(mysql.stream().anyMatch(s -> s.startsWith("SET @credits_ddl = ") && s.contains(guarded)
                    && s.contains("index_name = '" + name + "'")), name + " guarded in " + mysql);
        }
    }

    /**
     * Version 3's data moves change only rows not moved yet: purchase links still NULL, allowance lots without their
     * plan, grant entries whose metadata still has the ledger's keys.
     */
    private static boolean isVersion3Move(String statement) {
        return statement.matches("(?s)(UPDATE|MERGE INTO) p_(lots|entries)\\b.*")
                && (statement.contains("purchase_id IS NULL") || statement.contains("plan_id IS NULL")
                || statement.contains("metadata LIKE '{\"periodStart\":%'"));
    }

    /** Version 4 inserts the sequencer's one row, unless it is there. */
    private static boolean isSequencerRowInsert(Dialect dialect, String statement) {
        return switch (dialect) {
            case H2 -> statement.startsWith("INSERT INTO p_event_sequencer ") && statement.contains("WHERE NOT EXISTS");
            case POSTGRESQL -> statement.startsWith("INSERT INTO p_event_sequencer ")
                    && statement.endsWith("ON CONFLICT (sequencer_name) DO NOTHING");
            case MARIADB, MYSQL -> statement.startsWith("INSERT IGNORE INTO p_event_sequencer ");
        };
    }

    /** MySQL's version 5 adds MariaDB's columns and index through guarded prepared statements, and nothing else. */
    @Test
    void theMySqlVersion5AddsMariaDbsColumnsItsOwnWay() {
        List<String> mariadb = Schema.versions(Dialect.MARIADB.schemaResources()).get(4).statements("p_");
        List<String> mysql = Schema.versions(Dialect.MYSQL.schemaResources()).get(4).statements("p_");
        assertEquals(List.of("ALTER TABLE p_accounts ADD COLUMN IF NOT EXISTS subscription_id VARCHAR(128)",
                "ALTER TABLE p_holds ADD COLUMN IF NOT EXISTS retry_of VARCHAR(128)",
                "ALTER TABLE p_holds ADD COLUMN IF NOT EXISTS retry_number INT DEFAULT 0 NOT NULL",
                "ALTER TABLE p_plans ADD COLUMN IF NOT EXISTS plan_rules TEXT",
                "ALTER TABLE p_promotions ADD COLUMN IF NOT EXISTS plan_ids TEXT",
                "ALTER TABLE p_holds ADD COLUMN IF NOT EXISTS changed_at_sequence BIGINT DEFAULT 0 NOT NULL",
                "CREATE INDEX IF NOT EXISTS p_holds_changed ON p_holds (account_id, changed_at_sequence)"), mariadb);
        assertIndexesGuarded(mariadb, mysql);
        for (String alter : mariadb.stream().filter(s -> s.startsWith("ALTER TABLE ")).toList()) {
            String column = alter.split(" ")[8];
            String guarded = "'" + alter.replace("IF NOT EXISTS ", "").replace("'", "''") + "', 'DO 0')";
            assertTrue(mysql.stream().anyMatch(s -> s.startsWith("SET @credits_ddl = ") && s.contains(guarded)
                    && s.contains("column_name = '" + column + "'")), column + " guarded in " + mysql);
        }
        assertEquals(7 * 4, mysql.size(), "four statements per column or index");
    }

    private static String withoutFirstLine(String script) {
        return script.substring(script.indexOf('\n') + 1);
    }

    @Test
    void checksumsAreOfTheFileAsShippedWhateverItsLineEndings() {
        String script = Schema.read(Dialect.POSTGRESQL.schemaResources().get(0));
        String checksum = Schema.checksum(script);
        assertEquals(64, checksum.length());
        assertEquals(checksum, Schema.checksum(script.replace("\n", "\r\n")), "CRLF checkout");
        assertEquals(checksum, Schema.checksum("\uFEFF" + script), "byte-order mark");
        assertFalse(checksum.equals(Schema.checksum(script.replace(Dialect.TABLE_PREFIX_PLACEHOLDER, "credits_"))),
                "the placeholder is part of it: one checksum whatever the prefix");
        assertFalse(checksum.equals(Schema.checksum(script + "-- x\n")), "every byte counts, comments too");
    }

    @Test
    void versionFilesAreNamedAsFlywayNamesThem() {
        Schema.Version v1 = Schema.versions(Dialect.H2.schemaResources()).get(0);
        assertEquals(1, v1.number());
        assertEquals("credits schema", v1.description());
        assertEquals("V1__credits_schema.sql", v1.fileName());
        Schema.Version v2 = Schema.versions(Dialect.H2.schemaResources()).get(1);
        assertEquals(2, v2.number());
        assertEquals("typed holds", v2.description());
        assertEquals("V2__typed_holds.sql", v2.fileName());
        String v3 = "dev/credits/jdbc/schema-test/V100__test_extra.sql";
        assertEquals(List.of(1, 100), Schema.versions(List.of(Dialect.H2.schemaResources().get(0), v3)).stream()
                .map(Schema.Version::number).toList());
        assertThrows(IllegalStateException.class,
                () -> Schema.versions(List.of(v3, Dialect.H2.schemaResources().get(0))), "out of order");
        assertThrows(IllegalStateException.class, () -> Schema.versions(List.of(v3, v3)), "twice");
        assertThrows(IllegalStateException.class, () -> Schema.versions(List.of("dev/credits/jdbc/schema-test/nope.sql")));
        assertThrows(IllegalStateException.class,
                () -> Schema.versions(List.of("dev/credits/jdbc/schema-test/V9__missing.sql")), "missing");
    }

    @Test
    void dialectsAreDetectedFromTheProductName() {
        assertEquals(Dialect.POSTGRESQL, Dialect.fromProductName("PostgreSQL"));
        assertEquals(Dialect.MARIADB, Dialect.fromProductName("MariaDB"));
        assertEquals(Dialect.MYSQL, Dialect.fromProductName("MySQL"));
        assertEquals(Dialect.H2, Dialect.fromProductName("H2"));
        assertThrows(IllegalArgumentException.class, () -> Dialect.fromProductName("Oracle"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Credits_", "1credits", "credits-", "credits;drop", "abcdefghijklmnopqrstuvwxyz_12345"})
    void malformedTablePrefixesAreRejected(String prefix) {
        JdbiCreditStore.Builder builder = JdbiCreditStore.builder(new org.h2.jdbcx.JdbcDataSource());
        assertThrows(IllegalArgumentException.class, () -> builder.tablePrefix(prefix));
    }

    @Test
    void builderDefaultsAndValidation() {
        JdbiCreditStore store = JdbiCreditStore.builder(new org.h2.jdbcx.JdbcDataSource()).dialect(Dialect.H2).build();
        assertEquals("credits_", store.tablePrefix());
        assertEquals(Dialect.H2, store.dialect());
        assertThrows(IllegalArgumentException.class,
                () -> JdbiCreditStore.builder(new org.h2.jdbcx.JdbcDataSource()).maxRetries(-1));
        assertThrows(NullPointerException.class, () -> JdbiCreditStore.builder((javax.sql.DataSource) null));
    }
}
