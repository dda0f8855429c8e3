package dev.credits.examples;

import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.testkit.TestLedger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host's own unit test with the test kit: a ledger in one line, reset between tests, 10,000 operations. The
 * figure is printed, not asserted (machines differ).
 */
class HostUnitTest {

    // tag::testkit[]
    static final TestLedger credits = TestLedger.create();   // in-memory store, clock standing at TestLedger.START

    @BeforeEach
    void emptyLedger() {
        credits.reset();                                      // no account, no price, clock back at START
    }

    @Test
    void creditsExpireAfterThirtyDays() {
        CreditLedger ledger = credits.ledger();
        ledger.openAccount("org_1");
        ledger.grant(GrantRequest.of("org_1", 100).withExpiresAt(credits.clock().instant().plus(Duration.ofDays(30))));
        credits.clock().advance(Duration.ofDays(31));
        assertEquals(0, ledger.balance("org_1").available());
        credits.checkInvariants("org_1");                    // reads only: history, receipts, lots, balances agree
    }
    // end::testkit[]

    @Test
    void resetForgetsEverything() {
        credits.ledger().openAccount("org_2");
        credits.ledger().grant(GrantRequest.of("org_2", 10));
        credits.ledger().events().createConsumer("emails");
        assertTrue(credits.ledger().events().latestPosition() > 0);
        credits.clock().advance(Duration.ofDays(3));
        credits.reset();
        assertTrue(credits.ledger().getAccount("org_2").isEmpty());
        assertEquals(0, credits.ledger().events().latestPosition(), "no event is left");
        assertTrue(credits.ledger().events().consumers().isEmpty(), "no consumer is left");
        assertEquals(TestLedger.START, credits.clock().instant());
    }

    @Test
    void tenThousandOperations() {
        tenThousandOperations("cold JVM");
        credits.reset();
        tenThousandOperations("again, after JIT warm-up");
    }

    private static void tenThousandOperations(String when) {
        CreditLedger ledger = credits.ledger();
        ledger.saveFeaturePricing(FeatureDefinition.of("image", "Image", 3));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        int operations = 0;
        for (int a = 0; a < 100; a++) {           // 100 accounts x 100 calls
            String accountId = "org_" + a;
            ledger.openAccount(accountId);
            ledger.grant(GrantRequest.of(accountId, 200));
            operations += 2;
            for (int i = 0; i < 98; i++) {
                switch (i % 3) {
                    case 0 -> assertTrue(ledger.deductCredits(DeductRequest.of(accountId, "image")
                            .withIdempotencyKey("job-" + i)).success());
                    case 1 -> ledger.checkCredits(accountId, "image");
                    default -> ledger.balance(accountId);
                }
                operations++;
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        System.out.printf("test kit, %s: %,d operations (open, grant, deduct, check, balance) in %d ms (%d ms of CPU)%n",
                when, operations, millis, cpuMillis);
        assertEquals(10_000, operations);
        assertEquals(200 - 33 * 3, ledger.balance("org_99").available());
        credits.checkInvariants("org_0", "org_99");
        assertEquals(TestLedger.START, credits.clock().instant());
    }
}
