package dev.credits.tck;

import dev.credits.BulkDiscount;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.QuoteLine;
import dev.credits.RejectionReason;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Helpers of the contracts on packages, purchases, promotions, plans and pricing rules: a ledger with the
 * standard purchase policy, uniquely named packages, promotions and plans (the store is shared between tests),
 * money assertions and a small concurrent runner.
 */
public interface CommerceFixture extends ContractFixture {

    /** 1 credit = $0.10, at least $5.00 (list price), at most 10,000 credits, 10% from 1,000, 20% from 5,000. */
    PurchasePolicy STANDARD_POLICY = PurchasePolicy.DEFAULT
            .withCreditRate(Money.of("0.10", "USD"))
            .withMinimumPurchase(Money.of("5.00", "USD"))
            .withMaxCreditsPerPurchase(10_000)
            .withBulkDiscounts(List.of(BulkDiscount.of(1_000, "10"), BulkDiscount.of(5_000, "20")));

    /** Starter: 100 credits for $199.00, valid 12 months. */
    long STARTER_CREDITS = 100;
    /** Professional: 500 credits for $899.00, valid 12 months. */
    long PROFESSIONAL_CREDITS = 500;

    /** First instant of February 2025 (one month after {@link #START}). */
    Instant FEB = Instant.parse("2025-02-01T00:00:00Z");
    /** First instant of March 2025. */
    Instant MAR = Instant.parse("2025-03-01T00:00:00Z");
    /** First instant of April 2025. */
    Instant APR = Instant.parse("2025-04-01T00:00:00Z");

    // ---------------------------------------------------------------- names

    /** @return {@code prefix} followed by a unique suffix (letters, digits and {@code -}) */
    default String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    // ---------------------------------------------------------------- ledgers

    /** @return a ledger on the same store and clock with {@link #STANDARD_POLICY} */
    default CreditLedger shop() {
        return newLedger(builder -> builder.purchasePolicy(STANDARD_POLICY));
    }

    /** @return a ledger on the same store and clock with this purchase policy */
    default CreditLedger shop(PurchasePolicy policy) {
        return newLedger(builder -> builder.purchasePolicy(policy));
    }

    // ---------------------------------------------------------------- catalog

    /** @return dollars */
    static Money usd(String amount) {
        return Money.of(amount, "USD");
    }

    /** Saves a new Starter package (100 credits, $199.00, 12 months). @return its id */
    default String starterPackage() {
        String id = uniqueId("starter");
        ledger().commerce().savePackage(CreditPackage.of(id, "Starter", STARTER_CREDITS, usd("199.00"))
                .withValidity(Period.ofMonths(12)));
        return id;
    }

    /** Saves a new Professional package (500 credits, $899.00, 12 months). @return its id */
    default String professionalPackage() {
        String id = uniqueId("professional");
        ledger().commerce().savePackage(CreditPackage.of(id, "Professional", PROFESSIONAL_CREDITS, usd("899.00"))
                .withValidity(Period.ofMonths(12)));
        return id;
    }

    /** Saves a promotion under a new code with the settings {@code settings} applies. @return the code */
    default String promotion(UnaryOperator<Promotion> settings) {
        String code = uniqueId("PROMO");
        ledger().commerce().savePromotion(settings.apply(Promotion.of(code)));
        return code;
    }

    /** @return the use count of the promotion */
    default long uses(String code) {
        return ledger().commerce().getPromotion(code).orElseThrow().uses();
    }

    /** Ids of the three plans of one test. */
    record PlanIds(String starter, String professional, String enterprise) {
    }

    /**
     * Saves Starter (200 a month, rollover cap 100), Professional (600, cap 300) and Enterprise (1500, cap 0)
     * under fresh ids.
     */
    default PlanIds plans() {
        PlanIds ids = new PlanIds(uniqueId("starter"), uniqueId("professional"), uniqueId("enterprise"));
        ledger().plans().savePlan(Plan.of(ids.starter(), "Starter", 200).withRolloverCap(100));
        ledger().plans().savePlan(Plan.of(ids.professional(), "Professional", 600).withRolloverCap(300));
        ledger().plans().savePlan(Plan.of(ids.enterprise(), "Enterprise", 1500));
        return ids;
    }

    // ---------------------------------------------------------------- assertions

    /** Asserts the amount (by value, any scale) and that the currency is USD. */
    static void assertUsd(String expected, Money actual) {
        assertNotNull(actual, "money expected: " + expected);
        assertEquals("USD", actual.currency().getCurrencyCode(), "currency of " + actual);
        assertEquals(0, new BigDecimal(expected).compareTo(actual.amount()),
                () -> "expected " + expected + " USD but was " + actual);
    }

    /** Asserts the amount by value, any scale. */
    static void assertAmount(String expected, BigDecimal actual) {
        assertNotNull(actual, "amount expected: " + expected);
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " but was " + actual);
    }

    /** @return the lines of the quote with this rule */
    static List<QuoteLine> linesOf(List<QuoteLine> lines, String rule) {
        return lines.stream().filter(line -> line.rule().equals(rule)).toList();
    }

    /** Asserts that the lines add up to the price and the credits (bought + bonus) of the quote. */
    static void assertLinesAddUp(dev.credits.Quote quote) {
        BigDecimal sum = quote.lines().stream().map(QuoteLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        long credits = quote.lines().stream().mapToLong(QuoteLine::credits).sum();
        if (quote.price().amount().signum() > 0) {
            assertEquals(0, sum.compareTo(quote.price().amount()), () -> "lines do not add up to the price: " + quote);
        } else {
            assertTrue(sum.signum() <= 0, () -> "lines add up to more than a free price: " + quote);
        }
        assertEquals(quote.totalCredits(), credits, () -> "lines do not add up to the credits: " + quote);
    }

    /** Asserts that the purchase was rejected with {@code reason}, wrote nothing and its quote says the same. */
    default PurchaseResult assertPurchaseRejected(CreditLedger ledger, PurchaseRequest request,
                                                  RejectionReason reason) {
        AccountState before = state(request.accountId());
        List<String> purchasesBefore = purchaseIds(request.accountId());

        assertEquals(reason, ledger.commerce().quote(request).rejection(), "quote");
        PurchaseResult result = ledger.commerce().purchase(request);

        assertFalse(result.success(), () -> "purchase expected to be rejected: " + result);
        assertEquals(reason, result.reason());
        assertNull(result.purchase(), "a rejected purchase was recorded");
        assertNull(result.lot(), "a rejected purchase granted a lot");
        assertUnchanged(before, request.accountId());
        assertEquals(purchasesBefore, purchaseIds(request.accountId()), "a rejected purchase was listed");
        if (request.purchaseId() != null) {
            assertTrue(ledger.commerce().getPurchase(request.purchaseId()).isEmpty(), "a rejected purchase was stored");
        }
        return result;
    }

    /** Purchases and asserts it succeeded (completed or pending as asked). */
    default PurchaseResult purchaseOk(CreditLedger ledger, PurchaseRequest request) {
        PurchaseResult result = ledger.commerce().purchase(request);
        assertTrue(result.success(), () -> "purchase expected to succeed: " + result);
        assertNull(result.reason());
        assertNotNull(result.purchase());
        return result;
    }

    /**
     * Asserts that the account's credits look as they did (balances and lots, the read's sequence number
     * aside: a plan change or a pending purchase may take a number) and that its history is unchanged.
     */
    default void assertSameCredits(AccountState before, String accountId) {
        assertSameCredits(before, accountId, "credits changed");
    }

    /** Same as {@link #assertSameCredits(AccountState, String)} with a message. */
    default void assertSameCredits(AccountState before, String accountId, String message) {
        assertEquals(withoutSequence(before.balances()), withoutSequence(ledger().balances(accountId)), message);
        assertEquals(before.entries(), entries(accountId), message + " (history)");
    }

    private static java.util.Map<String, dev.credits.Balance> withoutSequence(
            java.util.Map<String, dev.credits.Balance> balances) {
        java.util.Map<String, dev.credits.Balance> copy = new java.util.TreeMap<>();
        balances.forEach((type, b) -> copy.put(type, new dev.credits.Balance(b.accountId(), b.creditType(), b.total(),
                b.held(), b.available(), b.overdraftLimit(), b.nextExpiry(), b.lots(), 0)));
        return copy;
    }

    /** @return the ids of the account's purchases, oldest first */
    default List<String> purchaseIds(String accountId) {
        return ledger().commerce().listPurchases(accountId).stream().map(dev.credits.Purchase::purchaseId).toList();
    }

    /** @return the live SUBSCRIPTION lots of the account's default credits */
    default List<Lot> subscriptionLots(String accountId) {
        return balance(accountId).lots().stream().filter(lot -> lot.source() == LotSource.SUBSCRIPTION).toList();
    }

    /** @return minus the sum of the account's EXPIRY entries (credits expired so far) */
    default long expiredCredits(String accountId) {
        return -entries(accountId).stream().filter(entry -> entry.type() == dev.credits.EntryType.EXPIRY)
                .mapToLong(LedgerEntry::amount).sum();
    }

    // ---------------------------------------------------------------- concurrency

    /**
     * Runs {@code task(i)} for i in [0, threads) on as many threads, all released at once.
     *
     * @return the results in task order
     */
    default <T> List<T> concurrently(int threads, IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> callable = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return callable.call();
                }));
            }
            ready.await(1, TimeUnit.MINUTES);
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(5, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
