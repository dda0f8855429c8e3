package dev.credits.jdbc;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A real data source whose connections can be told to fail: the Nth statement execution (or commit) from now
 * throws an {@link SQLException} with a chosen SQLState. With {@code breakConnection} the failing connection stays
 * broken (every later call but close throws too), like a dropped network link; the pool then discards it. Counts
 * executions and commits, so tests can also count round trips (a commit the driver answers without one is not
 * counted). Thread-safe.
 */
final class FailingDataSource implements DataSource {

    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
            "executeLargeUpdate", "executeLargeBatch");

    private final DataSource delegate;
    private final AtomicInteger executions = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private volatile int failAt = -1;
    private volatile String failState;
    private volatile boolean breakConnection;
    private final AtomicInteger failures = new AtomicInteger();

    FailingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** The {@code n}th execution or commit from now (1 = the next) throws SQLState {@code state}, once. */
    void failOnStatement(int n, String state, boolean breakTheConnection) {
        this.failState = state;
        this.breakConnection = breakTheConnection;
        this.failAt = executions.get() + commits.get() + n;
    }

    void disarm() {
        failAt = -1;
    }

    int failures() {
        return failures.get();
    }

    int executions() {
        return executions.get();
    }

    int commits() {
        return commits.get();
    }

    private void maybeFail(boolean[] broken) throws SQLException {
        int position = executions.get() + commits.get();
        if (failAt > 0 && position == failAt) {
            failAt = -1;
            failures.incrementAndGet();
            if (breakConnection) {
                broken[0] = true;
            }
            throw new SQLException("injected failure (SQLState " + failState + ")", failState);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection connection) {
        boolean[] broken = {false};
        Connection[] self = new Connection[1];
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (broken[0] && !name.equals("close") && !name.equals("isClosed")) {
                throw new SQLException("connection broken (injected)", failState);
            }
            if (name.equals("commit") && !transactionEnded(connection)) {
                commits.incrementAndGet();
                maybeFail(broken);
            }
            Object result = invoke(connection, method, args);
            if (result instanceof Statement statement) {
                return wrapStatement(statement, method.getReturnType(), broken, self[0]);
            }
            return result;
        };
        self[0] = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Connection.class},
                handler);
        return self[0];
    }

    /**
     * Whether the connection's transaction already ended, so that commit() sends nothing (pgjdbc when the store's
     * change set pipeline ended with COMMIT): such a commit is no round trip, and cannot be lost.
     */
    private static boolean transactionEnded(Connection connection) throws SQLException {
        return connection.isWrapperFor(BaseConnection.class)
                && connection.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
    }

    private Object wrapStatement(Statement statement, Class<?> type, boolean[] broken, Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (broken[0] && !name.equals("close") && !name.equals("isClosed")) {
                throw new SQLException("connection broken (injected)", failState);
            }
            if (EXECUTIONS.contains(name)) {
                executions.incrementAndGet();
                maybeFail(broken);
            }
            if (name.equals("getConnection")) {
                return connection; // never leak the unwrapped connection
            }
            return invoke(statement, method, args);
        };
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{type}, handler);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
