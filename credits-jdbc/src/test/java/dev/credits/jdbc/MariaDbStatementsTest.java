package dev.credits.jdbc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the store pipelines on MariaDB/MySQL: read from the connection URL. */
class MariaDbStatementsTest {

    @Test
    void pipelinesOnlyWithClientSideMultiStatementQueries() {
        assertTrue(MariaDbStatements.allowsMultiStatements("jdbc:mariadb://127.0.0.1:3306/test?allowMultiQueries=true"));
        assertTrue(MariaDbStatements.allowsMultiStatements(
                "jdbc:mariadb://127.0.0.1:3306/test?user=root&allowMultiQueries=true&useServerPrepStmts=false"));
        assertTrue(MariaDbStatements.allowsMultiStatements("jdbc:mysql://localhost/test?ALLOWMULTIQUERIES=TRUE"));
        assertFalse(MariaDbStatements.allowsMultiStatements("jdbc:mariadb://127.0.0.1:3306/test?user=root"));
        assertFalse(MariaDbStatements.allowsMultiStatements((String) null));
        assertFalse(MariaDbStatements.allowsMultiStatements("jdbc:mariadb://h/test?allowMultiQueries=false"));
        assertFalse(MariaDbStatements.allowsMultiStatements("jdbc:mariadb://h/test?allowMultiQueries=true1"));
        // The server cannot prepare several statements at once.
        assertFalse(MariaDbStatements.allowsMultiStatements(
                "jdbc:mariadb://h/test?allowMultiQueries=true&useServerPrepStmts=true"));
    }
}
