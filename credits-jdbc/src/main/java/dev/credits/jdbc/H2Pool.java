package dev.credits.jdbc;

import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;

/**
 * The connection pool of {@link JdbiCreditStore#h2File}: the only class that names H2's own types, so that the store
 * loads without H2 (an optional dependency). Thread-safe.
 */
final class H2Pool implements AutoCloseable {

    private final JdbcConnectionPool pool;

    private H2Pool(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** Call JdbiCreditStore.requireH2() first: this class cannot be loaded without H2. */
    static H2Pool open(String url, int maxConnections) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(maxConnections);
        return new H2Pool(pool);
    }

    DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
