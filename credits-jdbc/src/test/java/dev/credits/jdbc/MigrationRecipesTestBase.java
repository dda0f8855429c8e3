package dev.credits.jdbc;

import dev.credits.CreditLedger;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
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
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Flyway and Liquibase recipes, as written, on a database that also holds a host's own Flyway history:
 * they run with the current Flyway (and its database module), leave the host's Flyway working, and build exactly the
 * schema {@link JdbiCreditStore#installSchema()} builds (tables, columns, types, indexes). A fresh database per test.
 */
abstract class MigrationRecipesTestBase {

    private static final java.util.logging.Logger LIQUIBASE_LOG = java.util.logging.Logger.getLogger("liquibase");

    private TestDatabase database;
    private DataSource dataSource;

    abstract TestDatabase createDatabase();

    @BeforeEach
    void openDatabase() {
        database = createDatabase();
        dataSource = database.newPool(2);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    /** The host's own Flyway, configured as Spring Boot does by default (history table flyway_schema_history). */
    private static Flyway hostFlyway(DataSource dataSource, Path migrations, boolean baselineOnMigrate) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("filesystem:" + migrations)
                .baselineOnMigrate(baselineOnMigrate).baselineVersion("0")
                .load();
    }

    private static Path hostMigrations(Path directory, int versions) throws Exception {
        Path folder = Files.createDirectories(directory.resolve("host-db"));
        for (int version = 1; version <= versions; version++) {
            Files.writeString(folder.resolve("V" + version + "__host_table_" + version + ".sql"),
                    "CREATE TABLE host_table_" + version + " (id VARCHAR(64) NOT NULL PRIMARY KEY);\n",
                    StandardCharsets.UTF_8);
        }
        return folder;
    }

    /** The README's recipe, word for word (ReadmeSnippetsTest keeps them equal). */
    private static void creditsFlyway(DataSource dataSource, String tablePrefix) {
        JdbiCreditStore store = JdbiCreditStore.builder(dataSource).tablePrefix(tablePrefix).build();
        // tag::flyway[]
        SchemaMigrations migrations = store.migrations();
        Flyway.configure()
                .dataSource(dataSource)
                .locations(migrations.location())
                .placeholders(migrations.placeholders())
                .table(migrations.historyTable())             // credits' own history, beside yours
                .baselineOnMigrate(true).baselineVersion("0") // the schema already holds your tables
                .load()
                .migrate();
        // end::flyway[]
    }

    @Test
    void theFlywayRecipeRunsAfterTheHostsFlywayAndLeavesItWorking(@TempDir Path directory) throws Exception {
        assertEquals(1, hostFlyway(dataSource, hostMigrations(directory, 1), false).migrate().migrationsExecuted);

        creditsFlyway(dataSource, "fw_");
        creditsFlyway(dataSource, "fw_"); // every start: nothing to do

        // The host's next release: its Flyway validates its own history and applies its new version.
        assertEquals(1, hostFlyway(dataSource, hostMigrations(directory, 2), false).migrate().migrationsExecuted);
        assertTrue(tableExists("host_table_2"));

        assertSameSchemaAsInstallSchema("fw_");
        assertLedgerWorks("fw_");
    }

    /**
     * Run first (as on the first start of an application that adds credits before its own Flyway ran), the credits
     * tables make the schema non-empty: the host's Flyway then refuses unless it baselines at version 0, as the README
     * says.
     */
    @Test
    void theFlywayRecipeRunFirstNeedsTheHostsFlywayToBaselineAtZero(@TempDir Path directory) throws Exception {
        creditsFlyway(dataSource, "fw_");
        Path host = hostMigrations(directory, 1);
        FlywayException refused = assertThrows(FlywayException.class,
                () -> hostFlyway(dataSource, host, false).migrate());
        assertTrue(refused.getMessage().contains("non-empty schema"), refused.getMessage());

        assertEquals(1, hostFlyway(dataSource, host, true).migrate().migrationsExecuted, "the host's V1 ran");
        assertTrue(tableExists("host_table_1"));
        assertSameSchemaAsInstallSchema("fw_");
    }

    @Test
    void theShippedLiquibaseChangelogBuildsTheSameSchema() throws Exception {
        JdbiCreditStore store = JdbiCreditStore.builder(dataSource).tablePrefix("lb_").build();
        SchemaMigrations migrations = store.migrations();
        for (int run = 0; run < 2; run++) { // the second run changes nothing
            try (Connection connection = dataSource.getConnection()) {
                Database liquibaseDatabase = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                Liquibase liquibase = new Liquibase(migrations.liquibaseChangelog(), new ClassLoaderResourceAccessor(),
                        liquibaseDatabase);
                liquibase.setChangeLogParameter(SchemaMigrations.TABLE_PREFIX, store.tablePrefix());
                update(liquibase);
            }
        }
        assertSameSchemaAsInstallSchema("lb_");
        assertLedgerWorks("lb_");
    }

    @Test
    void theShippedLiquibaseChangelogIncludedFromTheHostsChangelog(@TempDir Path directory) throws Exception {
        Files.writeString(directory.resolve("db.changelog-master.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog"
                    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog
                        http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd">
                  <property name="table_prefix" value="inc_"/>
                  <changeSet id="host-1" author="host">
                    <sql>CREATE TABLE host_table_1 (id VARCHAR(64) NOT NULL PRIMARY KEY)</sql>
                  </changeSet>
                  <include file="%s"/>
                </databaseChangeLog>
                """.formatted(database.dialect().liquibaseChangelog()), StandardCharsets.UTF_8);
        try (Connection connection = dataSource.getConnection()) {
            Database liquibaseDatabase = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            update(new Liquibase("db.changelog-master.xml", new CompositeResourceAccessor(
                    new DirectoryResourceAccessor(directory), new ClassLoaderResourceAccessor()), liquibaseDatabase));
        }
        assertTrue(tableExists("host_table_1"));
        assertSameSchemaAsInstallSchema("inc_");
    }

    private static void update(Liquibase liquibase) throws Exception {
        // Liquibase's console output goes to its log, which says only what went wrong.
        LIQUIBASE_LOG.setLevel(java.util.logging.Level.WARNING);
        Scope.child(Scope.Attr.ui.name(), new LoggerUIService(), () -> liquibase.update(""));
    }

    /** installSchema() with another prefix in the same database, then the two schemas compared, prefixes aside. */
    private void assertSameSchemaAsInstallSchema(String prefix) throws SQLException {
        JdbiCreditStore.builder(dataSource).tablePrefix("ref_").build().installSchema();
        List<String> expected = shape("ref_", Set.of("schema_version"));
        List<String> actual = shape(prefix, Set.of("flyway_history"));
        assertFalse(expected.isEmpty());
        assertEquals(expected, actual, "the migrations built another schema than installSchema()");
    }

    /** Tables, columns (type, size, nullability, default) and indexes with this prefix, the prefix removed. */
    private List<String> shape(String prefix, Set<String> skipped) throws SQLException {
        Set<String> shape = new TreeSet<>();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            String schema = connection.getSchema();
            String pattern = metaData.storesUpperCaseIdentifiers() ? prefix.toUpperCase(Locale.ROOT) : prefix;
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = metaData.getTables(connection.getCatalog(), schema, pattern + "%",
                    new String[] {"TABLE"})) {
                while (rs.next()) {
                    String table = rs.getString("TABLE_NAME");
                    String name = table.toLowerCase(Locale.ROOT);
                    if (name.startsWith(prefix) && !skipped.contains(name.substring(prefix.length()))) {
                        tables.add(table);
                    }
                }
            }
            for (String table : tables) {
                String name = table.toLowerCase(Locale.ROOT).substring(prefix.length());
                try (ResultSet rs = metaData.getColumns(connection.getCatalog(), schema, table, "%")) {
                    while (rs.next()) {
                        shape.add(name + "." + rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT) + " "
                                + rs.getString("TYPE_NAME") + "(" + rs.getInt("COLUMN_SIZE") + ","
                                + rs.getInt("DECIMAL_DIGITS") + ") nullable=" + rs.getString("IS_NULLABLE")
                                + " default=" + rs.getString("COLUMN_DEF"));
                    }
                }
                try (ResultSet rs = metaData.getIndexInfo(connection.getCatalog(), schema, table, false, false)) {
                    while (rs.next()) {
                        String index = rs.getString("INDEX_NAME");
                        if (index == null) {
                            continue;
                        }
                        index = index.toLowerCase(Locale.ROOT);
                        // Names the database generated (H2's PRIMARY_KEY_8) differ between two runs.
                        index = index.startsWith(prefix) ? index.substring(prefix.length()) : "<generated>";
                        shape.add(name + " index " + index + " unique=" + !rs.getBoolean("NON_UNIQUE") + " "
                                + rs.getShort("ORDINAL_POSITION") + ":" + rs.getString("COLUMN_NAME"));
                    }
                }
            }
        }
        return List.copyOf(shape);
    }

    private boolean tableExists(String table) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData metaData = connection.getMetaData();
            String name = metaData.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
            try (ResultSet rs = metaData.getTables(connection.getCatalog(), connection.getSchema(), name, null)) {
                return rs.next();
            }
        }
    }

    /** A ledger on the tables the migrations built: a grant and a deduction go through. */
    private void assertLedgerWorks(String prefix) {
        JdbiCreditStore store = JdbiCreditStore.builder(dataSource).tablePrefix(prefix).build();
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        ledger.saveFeaturePricing(FeatureDefinition.of("image_generation", "Image generation", 3));
        ledger.openAccount("org_1");
        ledger.grant(GrantRequest.of("org_1", 10));
        assertTrue(ledger.deductCredits("org_1", "image_generation").success());
        assertEquals(7, ledger.balance("org_1").available());
    }
}
