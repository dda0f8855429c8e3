package dev.credits.examples;

import dev.credits.BulkDiscount;
import dev.credits.CreditLedger;
import dev.credits.CreditPackage;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.FeatureDefinition;
import dev.credits.Money;
import dev.credits.PeriodResult;
import dev.credits.Plan;
import dev.credits.Promotion;
import dev.credits.PurchasePolicy;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.Quote;
import dev.credits.memory.InMemoryCreditStore;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * The README's section on plans, packages and pricing rules, compiled by the build: the code between the
 * {@code tag} comments is the README's snippet, and {@code ReadmeTest} fails when the two drift apart.
 */
public final class ReadmePlans {

    private ReadmePlans() {
    }

    /** What the snippet produced, for the test. */
    record Outcome(Quote quote, PurchaseResult bought, PeriodResult period, DeductionResult original,
                   DeductionResult freeRetry, long available) {
    }

    static Outcome run() {
        // This month (the snippet's ledger runs on the system clock: a past period would be stale).
        java.time.YearMonth month = java.time.YearMonth.now(java.time.ZoneOffset.UTC);
        Instant monthStart = month.atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        Instant springStart = Instant.now().minus(1, ChronoUnit.DAYS);
        Instant springEnd = Instant.now().plus(30, ChronoUnit.DAYS);
        // tag::plans[]
        CreditLedger ledger = CreditLedger.builder()
                .store(new InMemoryCreditStore())
                .purchasePolicy(PurchasePolicy.DEFAULT
                        .withCreditRate(Money.of("0.10", "USD"))         // custom amounts: 1 credit = $0.10
                        .withMinimumPurchase(Money.of("5.00", "USD"))
                        .withMaxCreditsPerPurchase(10_000)
                        .withBulkDiscounts(List.of(BulkDiscount.of(1_000, "10"))))
                .build();

        // Packages: purchased credits last 12 months.
        ledger.commerce().savePackage(CreditPackage.of("starter", "Starter", 100, Money.of("199.00", "USD"))
                .withValidity(Period.ofMonths(12)));
        ledger.commerce().savePackage(CreditPackage.of("professional", "Professional", 500, Money.of("899.00", "USD"))
                .withValidity(Period.ofMonths(12)));
        ledger.commerce().savePromotion(Promotion.of("SPRING20")
                .withPercentOff(new BigDecimal("20"))
                .withBonusCredits(50)
                .withWindow(springStart, springEnd)
                .withPackageIds(Set.of("professional"))
                .withMaxUses(1_000)
                .withMaxUsesPerAccount(1));

        // Plans: a monthly allowance, spent before purchased credits; up to 300 unused credits roll over.
        ledger.plans().savePlan(Plan.of("professional", "Professional", 600).withRolloverCap(300));
        ledger.plans().savePlan(Plan.of("free", "Free", 20).withCanBuyCredits(false));

        // Pricing rules: cheaper on Professional, and two free retries of a generation.
        ledger.saveFeaturePricing(FeatureDefinition.of("empty_room_generation", "Empty room generation", 10)
                .withPlanPrice("professional", 8)
                .withFreeRetries(2));

        ledger.openAccount("org_42");
        ledger.plans().assignPlan("org_42", "professional");
        PeriodResult period = ledger.plans().startPeriod("org_42", monthStart, monthEnd);   // from your billing webhook

        PurchaseRequest order = PurchaseRequest.ofPackage("org_42", "professional")
                .withPromotionCode("SPRING20")
                .withPurchaseId("pi_3Mtw")                      // the payment's id: a repeat buys nothing twice
                .withPaymentReference("pi_3Mtw");
        Quote quote = ledger.commerce().quote(order);                     // $899.00 - 20% = $719.20, 550 credits
        PurchaseResult bought = ledger.commerce().purchase(order);        // or .withPending(true), then completePurchase

        DeductionResult original = ledger.deductCredits(DeductRequest.of("org_42", "empty_room_generation"));
        DeductionResult retry = ledger.deductCredits(DeductRequest.of("org_42", "empty_room_generation")
                .withRetryOf(original.transactionId()));     // free: retry 1 of 2
        // end::plans[]
        return new Outcome(quote, bought, period, original, retry, ledger.balance("org_42").available());
    }

    public static void main(String[] args) {
        System.out.println(run());
    }
}
