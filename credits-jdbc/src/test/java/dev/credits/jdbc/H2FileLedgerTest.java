package dev.credits.jdbc;

import dev.credits.CreditLedger;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.StoreConfigurationException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger-level tests on an H2 file database (two pools on one file, as the embedded default runs). */
class H2FileLedgerTest extends JdbiLedgerTestBase {

    @TempDir
    static Path directory;

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2File(directory.resolve("shared"));
    }

    /** The quick start's store: a program run twice on the same directory sees its earlier data. */
    @Test
    void h2FileKeepsDataBetweenRuns() {
        Path db = directory.resolve("quick-start");
        for (int run = 1; run <= 2; run++) {
            try (JdbiCreditStore store = JdbiCreditStore.h2File(db)) {
                CreditLedger ledger = CreditLedger.builder().store(store).build();
                ledger.openAccount("org_42");
                ledger.saveFeaturePricing(FeatureDefinition.of("seedream_text_to_image", "Seedream", 5));
                ledger.grant(GrantRequest.of("org_42", 100).withIdempotencyKey("welcome"));
                assertTrue(ledger.deductCredits("org_42", "seedream_text_to_image").success());
                assertEquals(100 - 5 * run, ledger.balance("org_42").available());
                assertEquals(Dialect.H2, store.dialect());
            }
        }
        assertTrue(Files.exists(db.resolve("credits.mv.db")));
    }
    /**
     * A host's H2 file database with H2's default write delay would acknowledge calls a crash then loses: the store
     * refuses it with a clear error, before writing anything, unless the host opted in to the risk.
     */
    @Test
    void anH2DatabaseThatDelaysCommitsIsRefusedUnlessAllowed() {
        String url = "jdbc:h2:file:" + directory.resolve("delayed").toAbsolutePath().resolve("credits");
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        try {
            JdbiCreditStore refused = JdbiCreditStore.builder(pool).build();
            StoreConfigurationException e = assertThrows(StoreConfigurationException.class, refused::installSchema);
            assertTrue(e.getMessage().contains("WRITE_DELAY=0"), e.getMessage());
            JdbiCreditStore allowed = JdbiCreditStore.builder(pool).allowDelayedCommits().build();
            allowed.installSchema();
            CreditLedger ledger = CreditLedger.builder().store(allowed).build();
            ledger.openAccount("org_2");
            assertThrows(StoreConfigurationException.class, () -> CreditLedger.builder().store(refused).build()
                    .getAccount("org_2"));
        } finally {
            pool.dispose();
        }
    }
}
