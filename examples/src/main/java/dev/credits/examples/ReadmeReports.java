package dev.credits.examples;

import dev.credits.AccountPage;
import dev.credits.AccountQuery;
import dev.credits.AccountSettings;
import dev.credits.AccountSummary;
import dev.credits.AllowanceUsage;
import dev.credits.CreditFlows;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DepletionForecast;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.Plan;
import dev.credits.SystemSummary;
import dev.credits.UsageBucket;
import dev.credits.UsageLine;
import dev.credits.UsageQuery;
import dev.credits.UsageReport;
import dev.credits.UsageScope;
import dev.credits.memory.InMemoryCreditStore;
import dev.credits.testkit.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The README's Reports section, compiled by the build: the code between the {@code tag} comments is the README's
 * snippets, and {@code ReadmeTest} fails when they drift apart or stop doing what their comments say.
 */
public final class ReadmeReports {

    private ReadmeReports() {
    }

    /** One point of 002's daily chart. */
    record ChartPoint(LocalDate day, boolean ai, long sessions, long credits) {
    }

    /** What the snippets produced, for the test. */
    record Outcome(List<ChartPoint> chart, AllowanceUsage budget, DepletionForecast forecast, boolean exceeds,
                   long outstanding, CreditFlows credits, List<Money> revenue, List<SystemSummary.Consumer> top,
                   AccountPage low) {
    }

    static Outcome run() {
        List<ChartPoint> chart = new ArrayList<>();
        // tag::reports-daily[]
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T05:00:00Z"));   // the story's March 2025
        CreditLedger ledger = CreditLedger.builder()
                .store(new InMemoryCreditStore())
                .clock(clock)
                .usageDimensions("ai")                 // metadata keys reports group by without reading entries
                .build();
        ledger.saveFeaturePricing(FeatureDefinition.of("coaching_session", "Coaching session", 10));
        ledger.plans().savePlan(Plan.of("starter", "Starter", 400));     // the monthly session budget
        ZoneId zone = ZoneId.of("America/New_York");
        Instant from = LocalDate.of(2025, 3, 1).atStartOfDay(zone).toInstant();
        Instant to = LocalDate.of(2025, 4, 1).atStartOfDay(zone).toInstant();
        ledger.openAccount("creator_9");
        ledger.plans().assignPlan("creator_9", "starter");
        ledger.plans().startPeriod("creator_9", from, to);
        for (int day = 0; day < 10; day++) {
            clock.set(from.plus(Duration.ofDays(day)).plus(Duration.ofHours(15)));
            ledger.deductCredits(DeductRequest.of("creator_9", "coaching_session")
                    .withMetadata(Map.of("ai", "true")));
            ledger.deductCredits(DeductRequest.of("creator_9", "coaching_session")
                    .withMetadata(Map.of("ai", day % 2 == 0 ? "true" : "false")));
        }

        // 002's daily stats chart: sessions and credits per day, AI vs non-AI, days of the creator's zone.
        UsageReport daily = ledger.reports().usage(UsageQuery.builder(UsageScope.account("creator_9"), from, to)
                .bucket(UsageBucket.DAY).zone(zone).groupByDimension("ai").build());
        for (UsageLine line : daily.lines()) {
            boolean ai = "true".equals(line.group().dimension("ai"));
            chart.add(new ChartPoint(line.bucketStart().atZone(zone).toLocalDate(), ai, line.deductions(),
                    line.net()));
        }

        // "Monthly budget remaining", the consumption rate, and "you'll exceed budget".
        AccountSummary month = ledger.reports().accountSummary("creator_9", from, to);
        AllowanceUsage budget = month.allowances().get(0);         // granted 400, used 200, remaining 200
        DepletionForecast forecast = month.forecasts().get(0);     // 160 credits in the last 7 days: 22.9 a day
        boolean exceeds = forecast.allowanceRunsOutBeforePeriodEnd();   // true: gone in 9 days, 21 left
        // end::reports-daily[]

        // tag::reports-system[]
        // A buyer of 40 credits for $4.00, low at 50.
        ledger.openAccount("user_1", AccountSettings.DEFAULTS.withLowBalanceThreshold(50));
        ledger.grant(GrantRequest.of("user_1", 40).withSource(LotSource.PURCHASE)
                .withMoneyPaid(Money.of("4.00", "USD")));

        // 003's admin dashboard: credits in the system, this month's flows and revenue, the biggest consumers.
        SystemSummary system = ledger.reports().systemSummary(from, to);
        long outstanding = system.outstanding().get("credits");    // the liability: 240
        CreditFlows credits = system.flows("credits");             // granted 440, consumed 200, expired 0, ...
        List<Money> revenue = system.revenue();                    // [4.00 USD]
        List<SystemSummary.Consumer> top = system.topConsumers();  // [creator_9: 200]

        // "Users credit status": accounts at or below their low-balance threshold, a page at a time.
        AccountPage low = ledger.reports().listAccounts(AccountQuery.builder().lowBalance(true).build());
        // end::reports-system[]
        return new Outcome(chart, budget, forecast, exceeds, outstanding, credits, revenue, top, low);
    }
}
