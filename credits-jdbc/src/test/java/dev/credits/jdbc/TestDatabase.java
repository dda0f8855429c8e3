package dev.credits.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One database for one test class run: an in-memory or file H2 database, or a private area of the PostgreSQL /
 * MariaDB server named by {@value #POSTGRES_URL_ENV} / {@value #MARIADB_URL_ENV}: its own schema (PostgreSQL) or
 * its own table prefix (MariaDB) with a random suffix, dropped by {@link #close()}, so concurrent runs never see
 * each other's data. Hands out connection pools (HikariCP), each closed with the database.
 */
final class TestDatabase implements AutoCloseable {

    static final String POSTGRES_URL_ENV = "CREDITS_TEST_POSTGRES_URL";
    static final String MARIADB_URL_ENV = "CREDITS_TEST_MARIADB_URL";

    /**
     * Every table of the schema, without the prefix: what {@link #deleteAllRows} empties between tests. The version
     * table ({@link #VERSION_TABLE}) is not among them: it records the schema, not ledger data, and stays with the
     * tables it describes.
     */
    static final List<String> TABLES = List.of("accounts", "balances", "lots", "entries", "allocations", "holds",
            "idempotency", "features", "packages", "plans", "promotions", "purchases",
            "account_links", "events", "event_consumers", "alert_states", "expiry_notices", "audit_records",
            "charge_disputes", "usage_buckets", "caps", "cap_usage");
    /** The outbox's one-row numbering table: dropped with the others, never emptied (its row must stay). */
    static final String SEQUENCER_TABLE = "event_sequencer";
    /** The store's schema version table, without the prefix. */
    static final String VERSION_TABLE = "schema_version";
    /**
     * Tables the schema tests create beside the store's (without the prefix): the test-only version 2's table, the
     * history tables of Flyway and Liquibase.
     */
    static final List<String> TEST_TABLES = List.of("test_extra", "schema_history", "changelog", "changelog_lock");

    private final Dialect dialect;
    private final String url;
    private final String schema;
    private final String tablePrefix;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private Connection keepAlive;

    private TestDatabase(Dialect dialect, String url, String schema, String tablePrefix) {
        this.dialect = dialect;
        this.url = url;
        this.schema = schema;
        this.tablePrefix = tablePrefix;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
    }

    /** A private in-memory H2 database, alive until {@link #close()}. */
    static TestDatabase h2Memory() {
        TestDatabase db = new TestDatabase(Dialect.H2, "jdbc:h2:mem:credits_" + suffix(), null,
                JdbiCreditStore.DEFAULT_TABLE_PREFIX);
        db.keepAlive();
        return db;
    }

    /** An H2 file database in {@code directory}, with H2's default write delay (stores flush their commits). */
    static TestDatabase h2File(Path directory) {
        TestDatabase db = new TestDatabase(Dialect.H2,
                "jdbc:h2:file:" + directory.toAbsolutePath().resolve("credits"), null,
                JdbiCreditStore.DEFAULT_TABLE_PREFIX);
        db.keepAlive();
        return db;
    }

    /** A fresh schema on the PostgreSQL server of {@value #POSTGRES_URL_ENV}. */
    static TestDatabase postgres() {
        String url = requiredEnv(POSTGRES_URL_ENV);
        String schema = "credits_test_" + suffix();
        execute(url, "CREATE SCHEMA " + schema);
        return new TestDatabase(Dialect.POSTGRESQL, url, schema, JdbiCreditStore.DEFAULT_TABLE_PREFIX);
    }

    /** A fresh table prefix in the database of {@value #MARIADB_URL_ENV}. */
    static TestDatabase mariadb() {
        String url = requiredEnv(MARIADB_URL_ENV);
        return new TestDatabase(Dialect.MARIADB, url, null, "credits_t" + suffix() + "_");
    }

    /**
     * As {@link #mariadb()}, with multi-statement queries allowed ({@code allowMultiQueries=true} added to the URL), so
     * that the store pipelines its units of work.
     */
    static TestDatabase mariadbMultiStatements() {
        String url = requiredEnv(MARIADB_URL_ENV);
        url = url + (url.contains("?") ? "&" : "?") + "allowMultiQueries=true";
        return new TestDatabase(Dialect.MARIADB, url, null, "credits_t" + suffix() + "_");
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return value;
    }

    private void keepAlive() {
        try {
            keepAlive = DriverManager.getConnection(url, "sa", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + url, e);
        }
    }

    Dialect dialect() {
        return dialect;
    }

    /** @return whether the store pipelines its units of work here (PostgreSQL; MariaDB with multi-statements) */
    boolean pipelines() {
        return dialect == Dialect.POSTGRESQL || url.contains("allowMultiQueries=true");
    }

    String tablePrefix() {
        return tablePrefix;
    }

    /** @return a JDBC URL another process can use to reach this database's tables (with the schema on PostgreSQL) */
    String urlForAnotherProcess() {
        if (schema == null) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** @return a new connection pool of at most {@code size} connections on this database */
    synchronized HikariDataSource newPool(int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (dialect == Dialect.H2) {
            config.setUsername("sa");
            config.setPassword("");
        }
        if (schema != null) {
            config.setSchema(schema);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(30_000);
        config.setPoolName("credits-test-" + pools.size());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    /** @return whether stores on this database write their commits to the file themselves (an H2 file database) */
    boolean flushesCommits() {
        return url.startsWith("jdbc:h2:file:");
    }

    /** @return a builder with this database's table prefix (and dialect left to detection) */
    JdbiCreditStore.Builder builder(DataSource dataSource) {
        JdbiCreditStore.Builder builder = JdbiCreditStore.builder(dataSource).tablePrefix(tablePrefix);
        // An H2 file database as h2File runs it: the store makes each call durable (GroupFlush).
        return flushesCommits() ? builder.flushCommitsInGroups() : builder;
    }

    /** Deletes every row of the store's tables (between tests that share the schema). */
    void deleteAllRows(DataSource dataSource, String prefix) {
        try (Handle handle = Jdbi.open(dataSource)) {
            for (String table : TABLES) {
                handle.execute("DELETE FROM " + prefix + table);
            }
        }
    }

    /** Drops the store's tables with this prefix, its version table and those of {@link #TEST_TABLES}. */
    static void dropTables(DataSource dataSource, String prefix) {
        try (Handle handle = Jdbi.open(dataSource)) {
            List<String> tables = new ArrayList<>(TABLES);
            tables.add(VERSION_TABLE);
            tables.add(SEQUENCER_TABLE);
            tables.addAll(TEST_TABLES);
            for (String table : tables) {
                handle.execute("DROP TABLE IF EXISTS " + prefix + table);
            }
        }
    }

    /** Drops everything this database created, and closes its pools. */
    @Override
    public synchronized void close() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
        try {
            if (dialect == Dialect.POSTGRESQL) {
                execute(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } else if (dialect == Dialect.MARIADB) {
                dropMariaDbTables();
            } else if (keepAlive != null) {
                keepAlive.close();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void dropMariaDbTables() {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (var rs = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = DATABASE() AND table_name LIKE '" + tablePrefix.replace("_", "\\_") + "%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                statement.execute("DROP TABLE IF EXISTS " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test tables " + tablePrefix + "*", e);
        }
    }
}
