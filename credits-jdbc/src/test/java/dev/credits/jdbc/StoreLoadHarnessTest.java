package dev.credits.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A load harness, not a test: latency and throughput of deductions through a ledger on {@link JdbiCreditStore},
 * on each database that is configured, one hot account and many accounts. Measures, never asserts a time.
 * Off by default; run with
 *
 * <pre>
 * CREDITS_TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:5432/test?user=postgres \
 * CREDITS_TEST_MARIADB_URL=jdbc:mariadb://127.0.0.1:3306/test?user=root \
 * mvn -B -pl credits-core,credits-jdbc test -Dtest=StoreLoadHarnessTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcredits.load=true [-Dcredits.load.ops=5000] [-Dcredits.load.threads=8]
 * </pre>
 */
@EnabledIfSystemProperty(named = "credits.load", matches = "true")
class StoreLoadHarnessTest {

    private static final int OPS = Integer.getInteger("credits.load.ops", 5000);
    private static final int THREADS = Integer.getInteger("credits.load.threads", 8);

    @Test
    void h2() throws Exception {
        try (TestDatabase database = TestDatabase.h2Memory()) {
            run(database);
        }
    }

    @Test
    void postgres() throws Exception {
        if (System.getenv(TestDatabase.POSTGRES_URL_ENV) != null) {
            try (TestDatabase database = TestDatabase.postgres()) {
                run(database);
            }
        }
    }

    @Test
    void mariadb() throws Exception {
        if (System.getenv(TestDatabase.MARIADB_URL_ENV) != null) {
            try (TestDatabase database = TestDatabase.mariadb()) {
                run(database);
            }
        }
    }

    private void run(TestDatabase database) throws Exception {
        HikariDataSource pool = database.newPool(THREADS + 2);
        FailingDataSource counting = new FailingDataSource(pool);
        JdbiCreditStore store = database.builder(counting).build();
        store.installSchema();
        CreditLedger ledger = CreditLedger.builder().store(store).build();
        String feature = "image_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ledger.saveFeaturePricing(FeatureDefinition.of(feature, "Image", 1));
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            String id = "acct-" + UUID.randomUUID();
            ledger.openAccount(id);
            ledger.grant(GrantRequest.of(id, 10L * OPS * THREADS));
            accounts.add(id);
        }
        // Warm up.
        for (int i = 0; i < 500; i++) {
            ledger.deductCredits(accounts.get(0), feature);
        }
        int statements = counting.executions();
        int commits = counting.commits();
        long started = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
            assertTrue(ledger.deductCredits(accounts.get(0), feature).success());
        }
        report(database, "1 thread, 1 account", OPS, started, counting.executions() - statements,
                counting.commits() - commits);
        started = System.nanoTime();
        statements = counting.executions();
        for (int i = 0; i < OPS; i++) {
            assertTrue(ledger.deductCredits(DeductRequest.of(accounts.get(0), feature).withIdempotencyKey("k" + i))
                    .success());
        }
        report(database, "1 thread, 1 account, idempotency keys", OPS, started, counting.executions() - statements, 0);
        for (boolean hot : new boolean[]{true, false}) {
            ExecutorService executor = Executors.newFixedThreadPool(THREADS);
            started = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String account = hot ? accounts.get(0) : accounts.get(t);
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < OPS / THREADS; i++) {
                        assertTrue(ledger.deductCredits(account, feature).success());
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.MINUTES);
            }
            executor.shutdown();
            report(database, THREADS + " threads, " + (hot ? "1 account" : THREADS + " accounts"),
                    OPS / THREADS * THREADS, started, 0, 0);
        }
    }

    private static void report(TestDatabase database, String what, int ops, long started, int statements,
                               int commits) {
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("LOAD %-10s %-40s %6d deductions %7.0f/s %7.3f ms each%s%n", database.dialect(), what, ops,
                ops / seconds, seconds * 1000 / ops, statements == 0 ? ""
                        : String.format(" (%.1f statements + %.1f commits each)", (double) statements / ops,
                        (double) commits / ops));
    }
}
