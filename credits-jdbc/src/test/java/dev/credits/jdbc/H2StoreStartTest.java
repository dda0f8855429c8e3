package dev.credits.jdbc;

import dev.credits.CreditLedger;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.SchemaMissingException;
import dev.credits.StoreConfigurationException;
import dev.credits.StoreUnavailableException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a store says when it is started wrongly, on H2: a configured dialect that is not the database's, a schema
 * that was never installed, and failures that name the public call and the account; and what
 * {@link JdbiCreditStore#migrations()} answers.
 */
class H2StoreStartTest {

    private TestDatabase database;
    private DataSource pool;

    @BeforeEach
    void openDatabase() {
        database = TestDatabase.h2Memory();
        pool = database.newPool(4);
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void aConfiguredDialectThatIsNotTheDatabasesIsRefusedNamingBoth() {
        for (Dialect wrong : List.of(Dialect.POSTGRESQL, Dialect.MARIADB, Dialect.MYSQL)) {
            JdbiCreditStore store = JdbiCreditStore.builder(pool).dialect(wrong).build();
            StoreConfigurationException refused = assertThrows(StoreConfigurationException.class, store::installSchema);
            assertTrue(refused.getMessage().contains("Dialect." + wrong) && refused.getMessage().contains("Dialect.H2"),
                    refused.getMessage());
        }
        JdbiCreditStore right = JdbiCreditStore.builder(pool).dialect(Dialect.H2).build();
        right.installSchema();
        assertEquals(Dialect.H2, right.dialect());
    }

    @Test
    void aSchemaNeverInstalledIsItsOwnExceptionNamingTheCallAndTheRemedy() {
        CreditLedger ledger = CreditLedger.builder().store(JdbiCreditStore.builder(pool).build()).build();
        SchemaMissingException missing = assertThrows(SchemaMissingException.class, () -> ledger.openAccount("org_1"));
        assertTrue(missing.getMessage().startsWith("openAccount"), missing.getMessage());
        assertTrue(missing.getMessage().contains("installSchema()"), missing.getMessage());
    }

    @Test
    void aFailureNamesThePublicCallAndTheAccount() {
        JdbiCreditStore store = JdbiCreditStore.builder(pool).build();
        store.installSchema();
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        ledger.saveFeaturePricing(FeatureDefinition.of("image_generation", "Image generation", 3));
        ledger.openAccount("org_1");
        ledger.grant(GrantRequest.of("org_1", 10));
        try (Handle handle = Jdbi.open(pool)) {
            handle.execute("DROP TABLE credits_lots");
        }
        SchemaMissingException missing = assertThrows(SchemaMissingException.class,
                () -> ledger.deductCredits("org_1", "image_generation"));
        assertTrue(missing.getMessage().startsWith("deductCredits on account 'org_1': "), missing.getMessage());
    }

    @Test
    void anUnreachableDatabaseIsStillAnOutage() {
        FailingDataSource failing = new FailingDataSource(pool);
        JdbiCreditStore store = JdbiCreditStore.builder(failing).build();
        store.installSchema();
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        ledger.openAccount("org_1");
        failing.failOnStatement(1, "08006", true);
        StoreUnavailableException down = assertThrows(StoreUnavailableException.class,
                () -> ledger.grant(GrantRequest.of("org_1", 10)));
        assertTrue(down.getMessage().startsWith("grant on account 'org_1': database unavailable"), down.getMessage());
    }

    @Test
    void migrationsAnswerTheLocationThePlaceholderAndTheirOwnHistoryTable() {
        SchemaMigrations migrations = JdbiCreditStore.builder(pool).tablePrefix("billing_").build().migrations();
        assertEquals(Dialect.H2, migrations.dialect());
        assertEquals("classpath:dev/credits/jdbc/schema/h2", migrations.location());
        assertEquals(Map.of("table_prefix", "billing_"), migrations.placeholders());
        assertEquals("billing_flyway_history", migrations.historyTable());
        assertEquals("dev/credits/jdbc/schema/liquibase/h2.xml", migrations.liquibaseChangelog());
        assertEquals(Dialect.H2.schemaResources(), migrations.resources());
    }

    /** A version added to a dialect's folder must be added to its Liquibase changelog too (Flyway finds it alone). */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyShippedChangelogRunsExactlyTheDialectsVersionsInOrder(Dialect dialect) throws Exception {
        String changelog;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(dialect.liquibaseChangelog())) {
            assertTrue(in != null, dialect.liquibaseChangelog());
            changelog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> paths = new ArrayList<>();
        Matcher path = Pattern.compile("<sqlFile path=\"([^\"]+)\"").matcher(changelog);
        while (path.find()) {
            paths.add(path.group(1));
        }
        assertEquals(dialect.schemaResources(), paths);
        for (int version : Schema.versions(dialect.schemaResources()).stream().map(Schema.Version::number).toList()) {
            assertTrue(changelog.contains("<changeSet id=\"credits-schema-v" + version + "\" author=\"credits\">"),
                    "changeset " + version);
        }
    }
}
