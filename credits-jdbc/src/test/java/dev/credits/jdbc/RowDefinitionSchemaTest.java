package dev.credits.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every table's row definition ({@link Tables}) against the schema installSchema() creates, read back through JDBC's
 * {@link DatabaseMetaData}: the same columns, of compatible types. A column added to a definition without its
 * migration (or the reverse) fails here. H2 always; PostgreSQL and MariaDB when their URL is set.
 */
class RowDefinitionSchemaTest {

    /** Columns the database fills itself, which no definition writes. */
    private static final Map<String, Set<String>> DATABASE_ONLY = Map.of("purchases", Set.of("purchase_no"),
            "audit_records", Set.of("audit_no"));

    @Test
    void everyDefinitionMatchesTheInstalledSchemaOnH2() throws Exception {
        check(TestDatabase.h2Memory());
    }

    @Test
    void everyDefinitionMatchesTheInstalledSchemaOnPostgres() throws Exception {
        assumeTrue(System.getenv(TestDatabase.POSTGRES_URL_ENV) != null, TestDatabase.POSTGRES_URL_ENV + " not set");
        check(TestDatabase.postgres());
    }

    @Test
    void everyDefinitionMatchesTheInstalledSchemaOnMariaDb() throws Exception {
        assumeTrue(System.getenv(TestDatabase.MARIADB_URL_ENV) != null, TestDatabase.MARIADB_URL_ENV + " not set");
        check(TestDatabase.mariadb());
    }

    @Test
    void aDefinitionWithAColumnTheSchemaLacksIsCaught() throws Exception {
        try (TestDatabase database = TestDatabase.h2Memory()) {
            HikariDataSource pool = database.newPool(1);
            database.builder(pool).build().installSchema();
            RowDefinition<dev.credits.Lot> widened = RowDefinition.<dev.credits.Lot>of("lots", Tables.LOTS.mapper())
                    .string("lot_id", dev.credits.Lot::lotId).string("actor", lot -> null).build();
            try (Connection connection = pool.getConnection()) {
                List<String> differences = differences(connection, database.tablePrefix(), widened);
                assertFalse(differences.isEmpty());
                assertEquals(true, differences.toString().contains("actor"), differences.toString());
            }
        }
    }

    private static void check(TestDatabase database) throws Exception {
        try (database) {
            HikariDataSource pool = database.newPool(1);
            database.builder(pool).build().installSchema();
            List<String> differences = new ArrayList<>();
            try (Connection connection = pool.getConnection()) {
                for (RowDefinition<?> definition : Tables.ALL) {
                    differences.addAll(differences(connection, database.tablePrefix(), definition));
                }
            }
            assertEquals(List.of(), differences, database.dialect() + ": row definitions and schema disagree");
            assertEquals(TestDatabase.TABLES.stream().sorted().toList(),
                    Tables.ALL.stream().map(RowDefinition::table).sorted().toList(), "a definition per table");
        }
    }

    /** @return what differs between the definition and the installed table, one line each (none: they agree) */
    private static List<String> differences(Connection connection, String prefix, RowDefinition<?> definition)
            throws SQLException {
        Map<String, Integer> installed = columns(connection, prefix + definition.table());
        installed.keySet().removeAll(DATABASE_ONLY.getOrDefault(definition.table(), Set.of()));
        List<String> differences = new ArrayList<>();
        if (installed.isEmpty()) {
            differences.add(definition.table() + ": no such table");
            return differences;
        }
        Map<String, Integer> defined = new TreeMap<>();
        definition.columns().forEach(column -> defined.put(column.name(), column.sqlType()));
        for (Map.Entry<String, Integer> column : defined.entrySet()) {
            Integer type = installed.get(column.getKey());
            if (type == null) {
                differences.add(definition.table() + "." + column.getKey() + ": defined, not in the schema");
            } else if (!compatible(column.getValue(), type)) {
                differences.add(definition.table() + "." + column.getKey() + ": defined as JDBC type "
                        + column.getValue() + ", the schema has " + type);
            }
        }
        for (String column : installed.keySet()) {
            if (!defined.containsKey(column)) {
                differences.add(definition.table() + "." + column + ": in the schema, not defined");
            }
        }
        return differences;
    }

    /** @return the table's columns (lower case) and their JDBC types */
    private static Map<String, Integer> columns(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String escape = metaData.getSearchStringEscape();
        Map<String, Integer> columns = new TreeMap<>();
        for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
            String pattern = name.replace("_", escape + "_");
            try (ResultSet rs = metaData.getColumns(connection.getCatalog(), connection.getSchema(), pattern, null)) {
                while (rs.next()) {
                    columns.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("DATA_TYPE"));
                }
            }
            if (!columns.isEmpty()) {
                break;
            }
        }
        return columns;
    }

    private static boolean compatible(int defined, int installed) {
        return switch (defined) {
            case Types.VARCHAR -> Set.of(Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.CLOB, Types.NVARCHAR,
                    Types.LONGNVARCHAR).contains(installed);
            case Types.BIGINT -> installed == Types.BIGINT;
            case Types.INTEGER -> installed == Types.INTEGER;
            case Types.BOOLEAN -> Set.of(Types.BOOLEAN, Types.BIT, Types.TINYINT).contains(installed);
            case Types.NUMERIC -> Set.of(Types.NUMERIC, Types.DECIMAL).contains(installed);
            default -> false;
        };
    }
}
