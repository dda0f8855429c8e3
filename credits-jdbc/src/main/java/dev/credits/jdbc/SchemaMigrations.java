package dev.credits.jdbc;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a store's schema migrations are and how to run them with the host's own migration tool instead of
 * {@link JdbiCreditStore#installSchema()}: the answer of {@link JdbiCreditStore#migrations()}, for the store's dialect
 * and table prefix.
 *
 * <pre>{@code
 * SchemaMigrations migrations = store.migrations();
 * Flyway.configure()
 *         .dataSource(dataSource)
 *         .locations(migrations.location())
 *         .placeholders(migrations.placeholders())
 *         .table(migrations.historyTable())               // credits' own history, beside yours
 *         .baselineOnMigrate(true).baselineVersion("0")   // the schema may already hold your tables
 *         .load()
 *         .migrate();
 * }</pre>
 *
 * @param dialect            the dialect the files are written for
 * @param location           the Flyway location of the versioned files, e.g.
 *                           {@code classpath:dev/credits/jdbc/schema/postgresql}
 * @param placeholders       what the files' placeholders stand for: {@code table_prefix} -> the store's prefix
 * @param historyTable       a history table for the credits files of its own ({@code <prefix>flyway_history}), so
 *                           that they never mix with the host's Flyway history
 * @param liquibaseChangelog the class-path resource of the shipped Liquibase changelog for the dialect, e.g.
 *                           {@code dev/credits/jdbc/schema/liquibase/postgresql.xml}; it expects the parameter
 *                           {@code table_prefix} (default {@code credits_})
 * @param resources          the versioned files as class-path resources, oldest first
 */
public record SchemaMigrations(Dialect dialect, String location, Map<String, String> placeholders,
                               String historyTable, String liquibaseChangelog, List<String> resources) {

    /** The name of the one placeholder of the shipped files ({@code ${table_prefix}}). */
    public static final String TABLE_PREFIX = "table_prefix";

    public SchemaMigrations {
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(location, "location");
        placeholders = Map.copyOf(placeholders);
        Objects.requireNonNull(historyTable, "historyTable");
        Objects.requireNonNull(liquibaseChangelog, "liquibaseChangelog");
        resources = List.copyOf(resources);
    }

    /** The migrations of {@code dialect} with {@code tablePrefix}. */
    static SchemaMigrations of(Dialect dialect, String tablePrefix) {
        return new SchemaMigrations(dialect, "classpath:" + dialect.schemaLocation(), Map.of(TABLE_PREFIX, tablePrefix),
                tablePrefix + "flyway_history", dialect.liquibaseChangelog(), dialect.schemaResources());
    }
}
