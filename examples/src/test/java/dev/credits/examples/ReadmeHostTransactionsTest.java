package dev.credits.examples;

import dev.credits.CreditLedger;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.RejectionReason;
import dev.credits.jdbc.JdbiCreditStore;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the README's host transaction ({@link ReadmeHostTransactions}): both writes commit together or not at all. */
class ReadmeHostTransactionsTest {

    @Test
    void theJobRowAndTheDeductionCommitTogetherOrNotAtAll() throws SQLException {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:readme_" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE generation_jobs (job_id VARCHAR(64) PRIMARY KEY, account_id VARCHAR(64))");
            JdbiCreditStore store = JdbiCreditStore.builder(dataSource).build();
            store.installSchema();
            CreditLedger ledger = CreditLedger.builder().store(store).build();
            ledger.saveFeaturePricing(FeatureDefinition.of("image_generation", "Image generation", 3));
            ledger.openAccount("org_1");
            ledger.grant(GrantRequest.of("org_1", 5));

            assertTrue(ReadmeHostTransactions.generate(dataSource, store, ledger, "org_1", "job-1").success());
            DeductionResult refused = ReadmeHostTransactions.generate(dataSource, store, ledger, "org_1", "job-2");
            assertFalse(refused.success());
            assertEquals(RejectionReason.INSUFFICIENT_CREDITS, refused.reason());

            assertEquals(2, ledger.balance("org_1").available());
            try (ResultSet rs = statement.executeQuery("SELECT job_id FROM generation_jobs")) {
                assertTrue(rs.next());
                assertEquals("job-1", rs.getString(1));
                assertFalse(rs.next(), "the refused job left no row");
            }
            statement.execute("SHUTDOWN");
        }
    }
}
