package dev.credits.jdbc.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.credits.jdbc.JdbiCreditStore;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One database of a benchmark run, in an area of its own that {@link #close()} removes: a fresh schema on
 * PostgreSQL, a fresh table prefix on MariaDB, a fresh directory for an H2 file database. Only 127.0.0.1.
 */
abstract class BenchDatabase implements AutoCloseable {

    private static final Pattern HOST = Pattern.compile("^jdbc:[a-z]+://([^/:?]+)(?::(\\d+))?/([^?]*)(?:\\?(.*))?$");

    protected final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<HikariDataSource> pools = new ArrayList<>();
    protected final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8)
            .toLowerCase(Locale.ROOT);

    /** @return e.g. "PostgreSQL 15.20" */
    abstract String name();

    /** @return the server's process command name for {@link Cpu#serverNanos}, or null (embedded) */
    abstract String serverCommand();

    /**
     * A store with its own pool of {@code poolSize} connections and the given table prefix, schema installed.
     *
     * @param sessionSql SQL each new connection runs first (e.g. {@code SET synchronous_commit = off}), or null
     */
    abstract JdbiCreditStore store(String tablePrefix, int poolSize, String sessionSql);

    /** The same store over a {@link CountingDataSource}, or null when this database cannot count. */
    abstract JdbiCreditStore countingStore(String tablePrefix, CountingDataSource[] counter);

    /** @return a pool of plain connections on the benchmark's area (PostgreSQL: search_path = its schema) */
    abstract DataSource pool(int poolSize, String sessionSql);

    /** @return the default table prefix of the run */
    abstract String tablePrefix();

    /** Closes every pool opened so far (their stores stop working); the data stays until {@link #close()}. */
    void closePools() {
        pools.forEach(HikariDataSource::close);
        pools.clear();
    }

    /** Removes everything the run created. */
    @Override
    public void close() {
        closePools();
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                System.err.println("bench: cleanup step failed: " + e);
            }
        }
        closeables.clear();
    }

    /** Refuses anything but 127.0.0.1: the harness never loads a remote database. */
    static Matcher local(String jdbcUrl) {
        Matcher matcher = HOST.matcher(jdbcUrl);
        if (!matcher.matches() || !matcher.group(1).equals("127.0.0.1")) {
            throw new IllegalArgumentException("the benchmark only runs against 127.0.0.1: " + jdbcUrl);
        }
        return matcher;
    }

    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    static void execute(DataSource dataSource, String... statements) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("bench SQL failed: " + String.join("; ", statements), e);
        }
    }

    static String queryString(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("bench SQL failed: " + sql, e);
        }
    }

    protected HikariDataSource hikari(String url, String schema, int size, String sessionSql, boolean readCommitted) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (schema != null) {
            config.setSchema(schema);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setConnectionTimeout(60_000);
        if (sessionSql != null) {
            config.setConnectionInitSql(sessionSql);
        }
        if (readCommitted) {
            config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        }
        config.setPoolName("credits-bench-" + pools.size());
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    // ------------------------------------------------------------------------------------------------ PostgreSQL

    static final class Postgres extends BenchDatabase {
        private final String url;
        private final String schema = "credits_bench_" + suffix;
        private final PgBench.Target target;
        private final String version;

        Postgres(String url) {
            Matcher parts = local(url);
            this.url = url;
            String user = queryParameter(parts.group(4), "user");
            this.target = new PgBench.Target(parts.group(1), parts.group(2) == null ? 5432 : Integer.parseInt(parts.group(2)),
                    user == null ? System.getProperty("user.name") : user, queryParameter(parts.group(4), "password"),
                    parts.group(3));
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE SCHEMA " + schema);
                try (ResultSet rows = statement.executeQuery("SHOW server_version")) {
                    rows.next();
                    version = rows.getString(1).split(" ")[0];
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach PostgreSQL at " + url, e);
            }
            closeables.add(() -> {
                try (Connection connection = DriverManager.getConnection(url);
                     Statement statement = connection.createStatement()) {
                    statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            });
        }

        PgBench.Target target() {
            return target;
        }

        String schema() {
            return schema;
        }

        @Override
        String name() {
            return "PostgreSQL " + version;
        }

        @Override
        String serverCommand() {
            return "postgres";
        }

        @Override
        String tablePrefix() {
            return JdbiCreditStore.DEFAULT_TABLE_PREFIX;
        }

        @Override
        DataSource pool(int poolSize, String sessionSql) {
            return hikari(url, schema, poolSize, sessionSql, false);
        }

        @Override
        JdbiCreditStore store(String tablePrefix, int poolSize, String sessionSql) {
            JdbiCreditStore store = JdbiCreditStore.builder(pool(poolSize, sessionSql)).tablePrefix(tablePrefix).build();
            store.installSchema();
            return store;
        }

        @Override
        JdbiCreditStore countingStore(String tablePrefix, CountingDataSource[] counter) {
            counter[0] = new CountingDataSource(pool(1, null));
            return JdbiCreditStore.builder(counter[0]).tablePrefix(tablePrefix).build();
        }
    }

    // ------------------------------------------------------------------------------------------------ MariaDB

    static final class MariaDb extends BenchDatabase {
        private final String baseUrl;
        private final String prefix = "cb" + suffix + "_";
        private final String version;
        private String url;

        MariaDb(String url) {
            local(url);
            this.baseUrl = url;
            this.url = url;
            try (Connection connection = DriverManager.getConnection(url);
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT VERSION()")) {
                rows.next();
                version = rows.getString(1).split("-")[0];
            } catch (SQLException e) {
                throw new IllegalStateException("cannot reach MariaDB at " + url, e);
            }
            closeables.add(this::dropTables);
        }

        /**
         * From now on, pools (and so stores) connect with these connection options added to the URL (e.g.
         * {@code allowMultiQueries=true}, with which the store pipelines); null goes back to the URL as given.
         */
        void urlOptions(String options) {
            url = options == null ? baseUrl : baseUrl + (baseUrl.contains("?") ? "&" : "?") + options;
        }

        private void dropTables() throws SQLException {
            try (Connection connection = DriverManager.getConnection(baseUrl);
                 Statement statement = connection.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = DATABASE() AND table_name LIKE '" + prefix.replace("_", "\\_") + "%'")) {
                    while (rows.next()) {
                        tables.add(rows.getString(1));
                    }
                }
                for (String table : tables) {
                    statement.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }

        @Override
        String name() {
            return "MariaDB " + version;
        }

        @Override
        String serverCommand() {
            return "mariadbd";
        }

        @Override
        String tablePrefix() {
            return prefix;
        }

        @Override
        DataSource pool(int poolSize, String sessionSql) {
            // READ COMMITTED on the pool, as the README recommends: saves a statement per unit of work.
            return hikari(url, null, poolSize, sessionSql, true);
        }

        @Override
        JdbiCreditStore store(String tablePrefix, int poolSize, String sessionSql) {
            JdbiCreditStore store = JdbiCreditStore.builder(pool(poolSize, sessionSql)).tablePrefix(tablePrefix).build();
            store.installSchema();
            return store;
        }

        @Override
        JdbiCreditStore countingStore(String tablePrefix, CountingDataSource[] counter) {
            counter[0] = new CountingDataSource(pool(1, null));
            return JdbiCreditStore.builder(counter[0]).tablePrefix(tablePrefix).build();
        }
    }

    // ------------------------------------------------------------------------------------------------ H2 file

    static final class H2File extends BenchDatabase {
        private final Path directory;
        private JdbiCreditStore store;

        H2File() {
            try {
                directory = Files.createTempDirectory("credits-bench-h2-");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            closeables.add(() -> {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            });
        }

        /** @return the directory of the run's database files (removed at the end) */
        Path directory() {
            return directory;
        }

        @Override
        String name() {
            return "H2 " + org.h2.engine.Constants.VERSION + " (file, JdbiCreditStore.h2File)";
        }

        @Override
        String serverCommand() {
            return null;
        }

        @Override
        String tablePrefix() {
            return JdbiCreditStore.DEFAULT_TABLE_PREFIX;
        }

        @Override
        DataSource pool(int poolSize, String sessionSql) {
            throw new UnsupportedOperationException("H2 runs through JdbiCreditStore.h2File only");
        }

        /** The embedded default, {@link JdbiCreditStore#h2File}: one store (and one pool of 16) per directory. */
        @Override
        JdbiCreditStore store(String tablePrefix, int poolSize, String sessionSql) {
            if (store == null) {
                store = JdbiCreditStore.h2File(directory);
                closeables.add(store);
            }
            return store;
        }

        @Override
        JdbiCreditStore countingStore(String tablePrefix, CountingDataSource[] counter) {
            return null;
        }
    }
}
