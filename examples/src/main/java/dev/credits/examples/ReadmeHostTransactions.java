package dev.credits.examples;

import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.jdbc.JdbiCreditStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The README's host transaction, compiled by the build: the code between the {@code tag} comments is the README's
 * snippet, and {@code ReadmeHostTransactionsTest} fails when the two drift apart (and runs it on H2).
 */
public final class ReadmeHostTransactions {

    private ReadmeHostTransactions() {
    }

    /** Records a generation job and pays for it in one transaction of the host: both are committed, or neither. */
    static DeductionResult generate(DataSource dataSource, JdbiCreditStore store, CreditLedger ledger,
                                    String accountId, String jobId) throws SQLException {
        // tag::host-transaction[]
        try (Connection connection = dataSource.getConnection()) {
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO generation_jobs (job_id, account_id) VALUES (?, ?)")) {
                    insert.setString(1, jobId);
                    insert.setString(2, accountId);
                    insert.executeUpdate();
                }
                DeductionResult paid = ledger.withStore(store.joining(connection))
                        .deductCredits(DeductRequest.of(accountId, "image_generation").withIdempotencyKey(jobId));
                if (paid.success()) {
                    connection.commit();   // the job row and the deduction, together
                } else {
                    connection.rollback(); // e.g. 402 Payment Required: no job row either
                }
                return paid;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();     // TransactionConflictException: run the whole transaction again
                throw e;
            }
        }
        // end::host-transaction[]
    }
}
