package dev.credits.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped SQL files, dialect detection and builder validation; no database needed. */
class SchemaFilesTest {

    private static final Set<String> TABLES = Set.of("accounts", "balances", "lots", "entries", "allocations",
            "holds", "idempotency", "features", "packages", "plans", "promotions", "purchases",
            "account_links");

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void everyDialectShipsAVersionedSchemaWithThePrefixPlaceholder(Dialect dialect) {
        assertEquals(List.of(dialect.schemaLocation() + "/V1__credits_schema.sql"), dialect.schemaResources());
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
            assertTrue(statement.startsWith("CREATE TABLE IF NOT EXISTS ") || statement.startsWith("CREATE INDEX IF NOT EXISTS ")
                    || statement.startsWith("CREATE UNIQUE INDEX IF NOT EXISTS "), "idempotent: " + statement);
            assertFalse(statement.contains("${"), statement);
            assertFalse(statement.contains("--"), "comments are stripped: " + statement);
        }
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
