package dev.credits.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The SQL dialects {@link JdbiCreditStore} speaks. The store detects the dialect from
 * {@link java.sql.DatabaseMetaData#getDatabaseProductName()} unless one is set with
 * {@link JdbiCreditStore.Builder#dialect(Dialect)}.
 *
 * <p>Each dialect ships its schema as versioned SQL files in the jar, under {@link #schemaLocation()}, named as Flyway
 * names migrations ({@code V1__credits_schema.sql}, {@code V2__typed_holds.sql}) and listed by {@link #schemaResources()}, with the
 * table prefix written as the placeholder {@value #TABLE_PREFIX_PLACEHOLDER} (Flyway and Liquibase syntax; the only
 * placeholder), so a host can hand them to its own migration tool instead of calling
 * {@link JdbiCreditStore#installSchema()}. A version, once released, never changes: a later change of the schema is a
 * new version. Every statement is idempotent ({@code CREATE ... IF NOT EXISTS}, MariaDB/MySQL declaring indexes
 * inside {@code CREATE TABLE}), so a version cut off halfway on a database whose DDL commits implicitly (H2,
 * MariaDB/MySQL) runs again from its start. {@code installSchema()} records the versions it applied in its own table
 * {@code <prefix>schema_version}; Flyway and Liquibase keep theirs in their own history tables.
 *
 * <p>MySQL has files of its own, equal to MariaDB's but for the exact binary collation (MariaDB
 * {@code utf8mb4_nopad_bin}, MySQL {@code utf8mb4_0900_bin}: neither server has the other's), so that every host passes
 * the same single placeholder; the two also part ways on the idempotent forms later versions need (MySQL has no
 * {@code ADD COLUMN IF NOT EXISTS} nor {@code CREATE INDEX IF NOT EXISTS}: its version 2 prepares each
 * {@code ALTER TABLE} only when {@code information_schema} lacks the column).
 *
 * <p>Immutable and thread-safe.
 */
public enum Dialect {

    /** H2 2.x, embedded (file or in-memory) or server mode. The embedded default. */
    H2("h2"),

    /** PostgreSQL 12 or later (tested on 15). */
    POSTGRESQL("postgresql"),

    /** MariaDB 10.5 or later with InnoDB (tested on 10.11). */
    MARIADB("mariadb"),

    /**
     * MySQL 8.0.17 or later with InnoDB: the MariaDB statements with a schema that uses MySQL's exact binary
     * collation ({@code utf8mb4_0900_bin}). Not tested by this project's build.
     */
    MYSQL("mysql");

    /** The placeholder the shipped SQL files use for the table prefix: {@value}. */
    public static final String TABLE_PREFIX_PLACEHOLDER = "${table_prefix}";

    private static final String SCHEMA_ROOT = "dev/credits/jdbc/schema/";
    private static final List<String> SCHEMA_VERSIONS = List.of("V1__credits_schema.sql", "V2__typed_holds.sql",
            "V3__typed_lots.sql", "V4__events.sql", "V5__seed_rules.sql", "V6__audit.sql", "V7__reports.sql",
            "V8__organizations.sql", "V9__receipts_on_entries.sql");

    private final String directory;

    Dialect(String directory) {
        this.directory = directory;
    }

    /**
     * The class-path folder of this dialect's schema files, e.g. {@code dev/credits/jdbc/schema/postgresql}: a
     * Flyway location ({@code classpath:dev/credits/jdbc/schema/postgresql}).
     *
     * @return the folder, without leading or trailing slash
     */
    public String schemaLocation() {
        return SCHEMA_ROOT + directory;
    }

    /**
     * The class-path resource of the shipped Liquibase changelog of this dialect, e.g.
     * {@code dev/credits/jdbc/schema/liquibase/postgresql.xml}: one changeset per version file, with the parameter
     * {@code table_prefix} (default {@code credits_}).
     *
     * @return the resource name
     */
    public String liquibaseChangelog() {
        return SCHEMA_ROOT + "liquibase/" + directory + ".xml";
    }

    /**
     * The class-path resources of this dialect's schema, oldest version first, e.g.
     * {@code dev/credits/jdbc/schema/postgresql/V1__credits_schema.sql}: every file of {@link #schemaLocation()}, the
     * versions {@link JdbiCreditStore#installSchema()} applies.
     *
     * @return the resource names
     */
    public List<String> schemaResources() {
        return SCHEMA_VERSIONS.stream().map(file -> schemaLocation() + "/" + file).toList();
    }

    /**
     * Picks the dialect of a database product name as JDBC drivers report it.
     *
     * @param databaseProductName e.g. {@code "PostgreSQL"}, {@code "MariaDB"}, {@code "MySQL"}, {@code "H2"}
     * @return the dialect
     * @throws IllegalArgumentException if the product is not supported
     */
    public static Dialect fromProductName(String databaseProductName) {
        Objects.requireNonNull(databaseProductName, "databaseProductName");
        String name = databaseProductName.toLowerCase(Locale.ROOT);
        if (name.contains("postgres")) {
            return POSTGRESQL;
        }
        if (name.contains("mariadb")) {
            return MARIADB;
        }
        if (name.contains("mysql")) {
            return MYSQL;
        }
        if (name.equals("h2") || name.startsWith("h2 ")) {
            return H2;
        }
        throw new IllegalArgumentException("unsupported database '" + databaseProductName
                + "': credits-jdbc supports H2, PostgreSQL, MariaDB and MySQL");
    }

    /** @return the statements of this dialect for the given (validated) table prefix and lock timeout */
    SqlStatements statements(String tablePrefix, Duration lockTimeout) {
        return statements(tablePrefix, lockTimeout, false);
    }

    /**
     * @param multiStatements whether the connections run multi-statement queries (MariaDB/MySQL
     *                        {@code allowMultiQueries=true}): then those dialects pipeline too
     * @return the statements of this dialect for the given (validated) table prefix
     */
    SqlStatements statements(String tablePrefix, Duration lockTimeout, boolean multiStatements) {
        return switch (this) {
            case H2 -> new H2Statements(this, tablePrefix, lockTimeout);
            case POSTGRESQL -> new PostgresStatements(this, tablePrefix, lockTimeout);
            case MARIADB, MYSQL -> new MariaDbStatements(this, tablePrefix, lockTimeout, multiStatements);
        };
    }

    /** @return whether the statements depend on how the connections are configured (read once from one) */
    boolean dependsOnConnections() {
        return this == MARIADB || this == MYSQL;
    }
}
