package dev.credits.tck;

import dev.credits.AccountPage;
import dev.credits.AccountQuery;
import dev.credits.AccountSettings;
import dev.credits.AccountStatus;
import dev.credits.AccountSummary;
import dev.credits.AllowanceUsage;
import dev.credits.CreditFlows;
import dev.credits.CreditLedger;
import dev.credits.DeductRequest;
import dev.credits.DeductionResult;
import dev.credits.DepletionForecast;
import dev.credits.EntryType;
import dev.credits.FeatureDefinition;
import dev.credits.GrantRequest;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.PurchaseRequest;
import dev.credits.PurchaseResult;
import dev.credits.RefundRequest;
import dev.credits.ReservationResult;
import dev.credits.ReserveRequest;
import dev.credits.SystemSummary;
import dev.credits.UnknownAccountException;
import dev.credits.UsageBucket;
import dev.credits.UsageField;
import dev.credits.UsageLine;
import dev.credits.UsageQuery;
import dev.credits.UsageReport;
import dev.credits.UsageScope;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports: usage and summaries summed from the usage rows equal what summing the history gives (over a random workload
 * with a moving clock: refunds, partial commits, expiries, free retries, clawbacks), buckets follow a zone across a
 * daylight-saving change, summaries reconcile, the forecast of a steady burn, the system summary as the sum of account
 * summaries, account listings, and bad input as typed errors.
 */
public interface ReportContract extends CommerceFixture {

    ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /** @return a ledger on the test's store and clock that declares the dimensions {@code ai} and {@code project} */
    private CreditLedger reporting() {
        return newLedger(builder -> builder.usageDimensions("ai", "project").purchasePolicy(STANDARD_POLICY));
    }

    /** Features and accounts of one random workload. */
    record Workload(List<String> accounts, String image, String video, Instant from, Instant to) {
    }

    /**
     * Runs a random workload on fresh accounts from the clock's instant, moving the clock 0 to 5 hours per step:
     * grants (some expiring, some with a cost), deductions with users and dimensions, free and paid retries, refunds,
     * holds committed in part or released, purchases clawed back in part.
     */
    private Workload workload(CreditLedger ledger, long seed, int accountCount, int steps) {
        Random random = new Random(seed);
        String image = newFeatureKey("image_gen");
        String video = newFeatureKey("video_gen");
        ledger.createFeaturePricing(new FeatureDefinition(image, "Image", "image", 5, Map.of(), 1,
                CreditLedger.DEFAULT_CREDIT_TYPE, null, true));
        ledger.createFeaturePricing(FeatureDefinition.of(video, "Video", 3));
        String packageId = starterPackage();
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < accountCount; i++) {
            String accountId = newAccountId();
            ledger.openAccount(accountId, AccountSettings.DEFAULTS.withOverdraftLimit(20));
            ledger.grant(GrantRequest.of(accountId, 200));
            accounts.add(accountId);
        }
        Instant from = ledger.clock().instant();
        Map<String, List<String>> deductions = new HashMap<>();
        Map<String, List<String>> purchases = new HashMap<>();
        for (int step = 0; step < steps; step++) {
            advance(Duration.ofMinutes(random.nextInt(300)).plusMillis(random.nextInt(60_000)));
            String accountId = accounts.get(random.nextInt(accounts.size()));
            List<String> spent = deductions.computeIfAbsent(accountId, a -> new ArrayList<>());
            int op = random.nextInt(100);
            String user = random.nextBoolean() ? "user-" + random.nextInt(3) : null;
            Map<String, String> metadata = new HashMap<>();
            if (random.nextInt(4) > 0) {
                metadata.put("ai", Boolean.toString(random.nextBoolean()));
            }
            if (random.nextBoolean()) {
                metadata.put("project", "p" + random.nextInt(2));
            }
            metadata.put("note", "n" + random.nextInt(5)); // not a dimension
            if (op < 12) {
                GrantRequest grant = GrantRequest.of(accountId, 10 + random.nextInt(60));
                if (random.nextBoolean()) {
                    grant = grant.withExpiresAt(now().plus(Duration.ofMinutes(30 + random.nextInt(24 * 60))));
                }
                if (random.nextBoolean()) {
                    grant = grant.withMoneyPaid(Money.of(random.nextInt(50) + ".25", "USD"));
                }
                ledger.grant(grant);
            } else if (op < 50) {
                DeductionResult result = ledger.deductCredits(DeductRequest.of(accountId,
                        random.nextBoolean() ? image : video).withQuantity(1 + random.nextInt(3)).withUserId(user)
                        .withMetadata(metadata));
                if (result.success()) {
                    spent.add(result.transactionId());
                }
            } else if (op < 58 && !spent.isEmpty()) {
                String original = spent.get(random.nextInt(spent.size()));
                LedgerEntry entry = ledger.receipt(original).entry();
                if (entry.featureKey().equals(image) && entry.retryNumber() == 0) {
                    DeductionResult retry = ledger.deductCredits(DeductRequest.of(accountId, image)
                            .withQuantity(entry.quantity()).withRetryOf(original).withUserId(user)
                            .withMetadata(metadata));
                    if (retry.success()) {
                        spent.add(retry.transactionId());
                    }
                }
            } else if (op < 70 && !spent.isEmpty()) {
                String original = spent.get(random.nextInt(spent.size()));
                try {
                    ledger.refundCredits(RefundRequest.of(original).withCredits(1 + random.nextInt(5)));
                } catch (dev.credits.RefundLimitException e) {
                    // refunded in full already: a refund beyond it is refused and changes nothing
                }
            } else if (op < 85) {
                ReservationResult hold = ledger.reserve(ReserveRequest.of(accountId, random.nextBoolean() ? image : video)
                        .withQuantity(1 + random.nextInt(3)).withUserId(user).withMetadata(metadata));
                if (hold.success()) {
                    if (random.nextInt(3) == 0) {
                        ledger.release(hold.hold().holdId());
                    } else {
                        long credits = random.nextInt((int) hold.hold().amount() + 1);
                        ledger.commit(hold.hold().holdId(), credits);
                    }
                }
            } else if (op < 92) {
                PurchaseResult bought = ledger.commerce().purchase(PurchaseRequest.ofPackage(accountId, packageId));
                if (bought.success()) {
                    purchases.computeIfAbsent(accountId, a -> new ArrayList<>()).add(bought.purchase().purchaseId());
                }
            } else if (purchases.containsKey(accountId)) {
                List<String> bought = purchases.get(accountId);
                String purchaseId = bought.get(random.nextInt(bought.size()));
                ledger.commerce().clawBackPurchase(purchaseId, 10 + random.nextInt(40), "refunded");
            }
        }
        // Every account writes what expired: an entry of any kind settles it first.
        advance(Duration.ofMinutes(5));
        for (String accountId : accounts) {
            ledger.grant(GrantRequest.of(accountId, 1));
        }
        Instant to = now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        return new Workload(accounts, image, video, from, to);
    }

    /** The sums of a usage line, as a list (charged, refunded, quantity, deductions, free retries). */
    private static List<Long> sums(UsageLine line) {
        return List.of(line.charged(), line.refunded(), line.quantity(), line.deductions(), line.freeRetries());
    }

    /**
     * @return what summing the history gives, per (New York day, feature, user, ai): charged, refunded, quantity,
     *         deductions, free retries of entries in [from, to); refunds count under their deduction's ai
     */
    private static Map<List<String>, List<Long>> expectedUsage(List<LedgerEntry> history, Instant from, Instant to) {
        Map<String, LedgerEntry> byId = new HashMap<>();
        history.forEach(entry -> byId.put(entry.transactionId(), entry));
        Map<List<String>, long[]> sums = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (LedgerEntry entry : history) {
            if (entry.createdAt().isBefore(from) || !entry.createdAt().isBefore(to)) {
                continue;
            }
            if (entry.type() != EntryType.DEDUCTION && entry.type() != EntryType.REFUND) {
                continue;
            }
            LedgerEntry deduction = entry.type() == EntryType.REFUND ? byId.get(entry.referenceId()) : entry;
            String day = entry.createdAt().atZone(NEW_YORK).toLocalDate().toString();
            List<String> key = java.util.Arrays.asList(day, entry.featureKey(), entry.userId(),
                    deduction.metadata().get("ai"));
            long[] s = sums.computeIfAbsent(key, k -> new long[5]);
            if (entry.type() == EntryType.DEDUCTION) {
                s[0] -= entry.amount();
                s[2] += entry.quantity();
                s[3]++;
                s[4] += entry.retryNumber() > 0 && entry.amount() == 0 ? 1 : 0;
            } else {
                s[1] += entry.amount();
            }
        }
        Map<List<String>, List<Long>> expected = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        sums.forEach((key, s) -> expected.put(key, List.of(s[0], s[1], s[2], s[3], s[4])));
        return expected;
    }

    /** @return the flows summing the history gives over [from, to) of the default credits */
    private static CreditFlows expectedFlows(List<LedgerEntry> history, Instant from, Instant to) {
        long opening = 0;
        long closing = 0;
        long consumed = 0;
        long refunded = 0;
        long expired = 0;
        long clawed = 0;
        long transferredOut = 0;
        long removed = 0;
        Map<LotSource, Long> granted = new EnumMap<>(LotSource.class);
        List<LedgerEntry> bySequence = new ArrayList<>(history);
        bySequence.sort(java.util.Comparator.comparingLong(LedgerEntry::sequence));
        for (LedgerEntry entry : bySequence) {
            if (entry.createdAt().isBefore(from)) {
                opening = entry.balanceAfter();
            }
            if (entry.createdAt().isBefore(to)) {
                closing = entry.balanceAfter();
            }
            if (entry.createdAt().isBefore(from) || !entry.createdAt().isBefore(to)) {
                continue;
            }
            switch (entry.type()) {
                case DEDUCTION -> consumed -= entry.amount();
                case REFUND -> refunded += entry.amount();
                case EXPIRY -> expired -= entry.amount();
                case CLAWBACK -> clawed -= entry.amount();
                case GRANT -> granted.merge(entry.purchaseId() != null ? LotSource.PURCHASE : LotSource.ADMIN,
                        entry.amount(), Long::sum);
                case TRANSFER -> {
                    if (entry.amount() > 0) {
                        granted.merge(LotSource.TRANSFER, entry.amount(), Long::sum);
                    } else {
                        transferredOut -= entry.amount();
                    }
                }
                case ADJUSTMENT -> removed -= entry.amount();
            }
        }
        return new CreditFlows(CreditLedger.DEFAULT_CREDIT_TYPE, opening, granted, consumed, refunded, expired, clawed,
                transferredOut, removed, closing);
    }

    @Test
    default void usageAndSummariesEqualWhatSummingTheHistoryGivesOverARandomWorkload() {
        CreditLedger ledger = reporting();
        clock().set(Instant.parse("2025-03-06T13:07:00Z")); // the workload crosses New York's change to summer time
        Workload workload = workload(ledger, 12, 3, 220);
        Instant from = workload.from().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(7));
        Instant to = workload.to().minus(Duration.ofHours(5));
        for (String accountId : workload.accounts()) {
            List<LedgerEntry> history = entries(accountId);
            UsageReport report = ledger.reports().usage(UsageQuery.builder(UsageScope.account(accountId), from, to)
                    .zone(NEW_YORK).groupBy(UsageField.FEATURE, UsageField.USER).groupByDimension("ai").build());
            Map<List<String>, List<Long>> actual = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
            for (UsageLine line : report.lines()) {
                String day = line.bucketStart().atZone(NEW_YORK).toLocalDate().toString();
                assertEquals(line.bucketStart(), line.bucketStart().atZone(NEW_YORK).toLocalDate()
                        .atStartOfDay(NEW_YORK).toInstant(), "a day starts at local midnight");
                actual.put(java.util.Arrays.asList(day, line.group().featureKey(), line.group().userId(),
                        line.group().dimension("ai")), sums(line));
            }
            assertEquals(expectedUsage(history, from, to), actual, "usage of " + accountId);

            AccountSummary summary = ledger.reports().accountSummary(accountId, from, to);
            CreditFlows flows = summary.flows(CreditLedger.DEFAULT_CREDIT_TYPE);
            assertEquals(expectedFlows(history, from, to), flows, "flows of " + accountId);
            assertReconciles(flows, "the summary of " + accountId);
            long net = report.lines().stream().mapToLong(UsageLine::net).sum();
            assertEquals(flows.consumed() - flows.refunded(), net, "usage and summary agree");
        }
    }

    @Test
    default void usageGroupsByCategoryAndCreditTypeOverASetOfAccountsAndOverAll() {
        String image = newFeatureKey("image");
        String voice = newFeatureKey("voice");
        ledger().createFeaturePricing(FeatureDefinition.of(image, "Image", 4).withCategory("visual"));
        ledger().createFeaturePricing(FeatureDefinition.of(voice, "Voice", 2).withCreditType("voice_minutes"));
        // A window of its own, so that "all accounts" holds only this test's usage.
        Instant start = Instant.parse("2400-01-01T00:00:00Z").plus(Duration.ofDays(new Random().nextInt(200_000)));
        clock().set(start.plus(Duration.ofHours(1)));
        List<String> accounts = List.of(openFunded(100), openFunded(100), openFunded(100));
        for (String accountId : accounts) {
            ledger().grant(GrantRequest.of(accountId, 50).withCreditType("voice_minutes"));
            deductOk(accountId, image, 2);
            assertTrue(ledger().deductCredits(DeductRequest.of(accountId, voice).withQuantity(3)).success());
        }
        Instant end = start.plus(Duration.ofDays(1));

        UsageReport two = ledger().reports().usage(UsageQuery.builder(UsageScope.accounts(accounts.subList(0, 2)),
                start, end).groupBy(UsageField.CATEGORY, UsageField.CREDIT_TYPE).build());
        assertEquals(List.of("visual/credits=16", "null/voice_minutes=12"), two.lines().stream()
                .map(l -> l.group().category() + "/" + l.group().creditType() + "=" + l.charged()).sorted(
                        java.util.Comparator.reverseOrder()).toList());
        UsageReport all = ledger().reports().usage(UsageQuery.builder(UsageScope.all(), start, end)
                .groupBy(UsageField.FEATURE).build());
        assertEquals(Map.of(image, 24L, voice, 18L), all.lines().stream().collect(java.util.stream.Collectors.toMap(
                l -> l.group().featureKey(), UsageLine::charged)));
        assertEquals(Map.of(image, 3L, voice, 3L), all.lines().stream().collect(java.util.stream.Collectors.toMap(
                l -> l.group().featureKey(), UsageLine::deductions)), "3 deductions of each feature");
    }

    @Test
    default void aDimensionDeclaredLaterCountsFromThenOn() {
        String feature = feature("dimension_change", 1);
        String accountId = openFunded(100);
        clock().set(Instant.parse("2025-06-01T10:00:00Z"));
        CreditLedger before = newLedger(builder -> builder.usageDimensions("project"));
        before.deductCredits(DeductRequest.of(accountId, feature).withMetadata(Map.of("ai", "true", "project", "p1")));
        CreditLedger after = reporting();
        after.deductCredits(DeductRequest.of(accountId, feature).withMetadata(Map.of("ai", "true", "project", "p1")));
        Instant day = Instant.parse("2025-06-01T00:00:00Z");

        UsageReport byAi = after.reports().usage(UsageQuery.builder(UsageScope.account(accountId), day,
                day.plus(Duration.ofDays(1))).groupByDimension("ai", "project").build());
        assertEquals(List.of("{ai=true, project=p1}=1", "{project=p1}=1"), byAi.lines().stream()
                .map(l -> new TreeMap<>(l.group().dimensions()) + "=" + l.charged()).toList(),
                "usage before the declaration has no value for the key");
        assertThrows(InvalidArgumentException.class, () -> before.reports().usage(UsageQuery.builder(
                UsageScope.account(accountId), day, day.plus(Duration.ofDays(1))).groupByDimension("ai").build()),
                "a ledger that does not declare it refuses it");
    }

    @Test
    default void rebuildingTheUsageRowsFromTheHistoryGivesTheSameReportsAndCountsADimensionDeclaredLater() {
        CreditLedger ledger = reporting();
        clock().set(Instant.parse("2025-04-02T09:10:00Z"));
        Workload workload = workload(ledger, 5, 2, 80);
        Instant from = workload.from().truncatedTo(ChronoUnit.HOURS);
        for (String accountId : workload.accounts()) {
            UsageQuery query = UsageQuery.builder(UsageScope.account(accountId), from, workload.to())
                    .bucket(UsageBucket.HOUR).groupBy(UsageField.FEATURE, UsageField.USER)
                    .groupByDimension("ai", "project").build();
            UsageReport before = ledger.reports().usage(query);
            AccountSummary summary = ledger.reports().accountSummary(accountId, from, workload.to());

            assertEquals(entries(accountId).size(), ledger.reports().rebuildUsage(accountId));

            assertEquals(before.lines(), ledger.reports().usage(query).lines(), "usage of " + accountId);
            AccountSummary rebuilt = ledger.reports().accountSummary(accountId, from, workload.to());
            assertEquals(summary.flows(), rebuilt.flows());
            assertEquals(summary.moneyPaid(), rebuilt.moneyPaid());
        }

        String feature = feature("rebuilt", 1);
        String accountId = openFunded(10);
        ledger().deductCredits(DeductRequest.of(accountId, feature).withMetadata(Map.of("ai", "true"))); // undeclared
        Instant day = now().truncatedTo(ChronoUnit.DAYS);
        UsageQuery byAi = UsageQuery.builder(UsageScope.account(accountId), day, day.plus(Duration.ofDays(1)))
                .groupByDimension("ai").build();
        assertNull(ledger.reports().usage(byAi).lines().get(0).group().dimension("ai"));
        ledger.reports().rebuildUsage(accountId);
        assertEquals("true", ledger.reports().usage(byAi).lines().get(0).group().dimension("ai"));
        assertThrows(UnknownAccountException.class, () -> ledger.reports().rebuildUsage(newAccountId()));
    }

    @Test
    default void dayBucketsFollowTheZoneAcrossADaylightSavingChange() {
        String feature = feature("dst", 1);
        String accountId = openFunded(100);
        // New York moves its clocks forward on 2025-03-09 at 02:00 EST (07:00Z): that day lasts 23 hours.
        for (String at : List.of("2025-03-09T04:30:00Z", "2025-03-09T05:30:00Z", "2025-03-10T03:30:00Z",
                "2025-03-10T04:30:00Z")) {
            clock().set(Instant.parse(at));
            deductOk(accountId, feature, 1);
        }
        UsageReport days = ledger().reports().usage(UsageQuery.builder(UsageScope.account(accountId),
                Instant.parse("2025-03-08T05:00:00Z"), Instant.parse("2025-03-11T04:00:00Z")).zone(NEW_YORK).build());

        assertEquals(List.of(Instant.parse("2025-03-08T05:00:00Z"), Instant.parse("2025-03-09T05:00:00Z"),
                Instant.parse("2025-03-10T04:00:00Z")), days.lines().stream().map(UsageLine::bucketStart).toList());
        assertEquals(List.of(1L, 2L, 1L), days.lines().stream().map(UsageLine::charged).toList());
        assertEquals(Duration.ofHours(23), Duration.between(days.lines().get(1).bucketStart(),
                days.lines().get(1).bucketEnd()));

        // Kolkata is 5:30 ahead of UTC: its hours start at half past the UTC hour.
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        UsageReport hours = ledger().reports().usage(UsageQuery.builder(UsageScope.account(accountId),
                Instant.parse("2025-03-09T04:00:00Z"), Instant.parse("2025-03-09T06:00:00Z")).zone(kolkata)
                .bucket(UsageBucket.HOUR).build());
        assertEquals(List.of(Instant.parse("2025-03-09T04:30:00Z"), Instant.parse("2025-03-09T05:30:00Z")),
                hours.lines().stream().map(UsageLine::bucketStart).toList());
    }

    @Test
    default void theForecastOfASteadyBurnMeetsZeroWhenTheBalanceRunsOut() {
        String feature = feature("steady", 10);
        String accountId = openFunded(1000);
        Instant start = Instant.parse("2025-05-01T00:00:00Z");
        for (int day = 1; day <= 7; day++) {
            clock().set(start.plus(Duration.ofDays(day)));
            deductOk(accountId, feature, 1);
        }
        AccountSummary summary = ledger().reports().accountSummary(accountId, start, start.plus(Duration.ofDays(8)));
        DepletionForecast forecast = summary.forecasts().get(0);

        assertEquals(70, forecast.consumedInWindow());
        assertEquals(0, new BigDecimal("10").compareTo(forecast.creditsPerDay()), forecast.toString());
        assertEquals(930, forecast.available());
        assertEquals(now().plus(Duration.ofDays(93)), forecast.depletesAt());
        assertFalse(forecast.allowanceRunsOutBeforePeriodEnd());

        String idle = openFunded(10);
        assertNull(ledger().reports().accountSummary(idle, start, start.plus(Duration.ofDays(8))).forecasts().get(0)
                .depletesAt(), "nothing burning: no depletion");
    }

    @Test
    default void theAllowanceUsedAndLeftAndWhetherItRunsOutBeforeThePeriodEnds() {
        PlanIds plans = plans();
        String feature = feature("budget", 10);
        String accountId = openAccount();
        clock().set(MAR);
        ledger().plans().assignPlan(accountId, plans.starter());
        ledger().plans().startPeriod(accountId, MAR, APR);
        for (int day = 0; day < 5; day++) {
            clock().set(MAR.plus(Duration.ofDays(day)).plus(Duration.ofHours(12)));
            deductOk(accountId, feature, 2); // 20 a day: 200 last 10 days, the period 31
        }
        AccountSummary summary = ledger().reports().accountSummary(accountId, MAR, APR);

        AllowanceUsage allowance = summary.allowances().get(0);
        assertEquals(200, allowance.granted());
        assertEquals(100, allowance.used());
        assertEquals(100, allowance.remaining());
        assertEquals(Map.of(LotSource.SUBSCRIPTION, 200L), summary.flows(CreditLedger.DEFAULT_CREDIT_TYPE).granted());
        assertTrue(summary.forecasts().get(0).allowanceRunsOutBeforePeriodEnd());
    }

    @Test
    default void theSystemSummaryIsTheSumOfTheAccountSummaries() {
        CreditLedger ledger = reporting();
        // A window of its own, far from every other test's entries.
        clock().set(Instant.parse("2300-01-01T00:00:00Z").plus(Duration.ofDays(new Random().nextInt(200_000))));
        Workload workload = workload(ledger, 7, 4, 120);
        Instant from = workload.from();
        Instant to = workload.to();

        SystemSummary system = ledger.reports().systemSummary(from, to, 3);
        CreditFlows total = system.flows(CreditLedger.DEFAULT_CREDIT_TYPE);
        long consumed = 0;
        long refunded = 0;
        long expired = 0;
        long clawed = 0;
        long moved = 0;
        Map<LotSource, Long> granted = new EnumMap<>(LotSource.class);
        BigDecimal revenue = BigDecimal.ZERO;
        List<SystemSummary.Consumer> consumers = new ArrayList<>();
        for (String accountId : workload.accounts()) {
            AccountSummary summary = ledger.reports().accountSummary(accountId, from, to);
            CreditFlows flows = summary.flows(CreditLedger.DEFAULT_CREDIT_TYPE);
            consumed += flows.consumed();
            refunded += flows.refunded();
            expired += flows.expired();
            clawed += flows.clawedBack();
            moved += flows.closing() - flows.opening();
            flows.granted().forEach((source, credits) -> granted.merge(source, credits, Long::sum));
            for (Money money : summary.moneyPaid()) {
                revenue = revenue.add(money.amount());
            }
            if (flows.consumed() - flows.refunded() > 0) {
                consumers.add(new SystemSummary.Consumer(accountId, CreditLedger.DEFAULT_CREDIT_TYPE,
                        flows.consumed() - flows.refunded()));
            }
        }
        assertEquals(List.of(consumed, refunded, expired, clawed, moved), List.of(total.consumed(), total.refunded(),
                total.expired(), total.clawedBack(), total.closing() - total.opening()));
        assertEquals(granted, total.granted());
        assertEquals(1, system.revenue().size());
        assertEquals(0, revenue.compareTo(system.revenue().get(0).amount()), system.revenue().toString());
        consumers.sort(java.util.Comparator.comparingLong(SystemSummary.Consumer::consumed).reversed()
                .thenComparing(SystemSummary.Consumer::accountId));
        assertEquals(consumers.subList(0, 3), system.topConsumers());
        assertTrue(system.accountsByStatus().getOrDefault(AccountStatus.ACTIVE, 0L) >= workload.accounts().size());
        assertTrue(system.outstanding().get(CreditLedger.DEFAULT_CREDIT_TYPE) >= 0
                || system.outstanding().get(CreditLedger.DEFAULT_CREDIT_TYPE) < 0, "outstanding is read");
    }

    @Test
    default void listAccountsFiltersByStatusAndBalanceAndPagesByAccountId() {
        String prefix = uniqueId("list");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String accountId = prefix + "-" + i;
            ledger().openAccount(accountId, AccountSettings.DEFAULTS.withLowBalanceThreshold(15));
            if (i > 0) {
                ledger().grant(GrantRequest.of(accountId, 10 * i));
            }
            ids.add(accountId);
        }
        ledger().pauseAccount(ids.get(4));

        List<String> low = listed(AccountQuery.builder().after(prefix).lowBalance(true).limit(2).build(), prefix);
        assertEquals(List.of(ids.get(0), ids.get(1)), low);
        List<String> rich = listed(AccountQuery.builder().after(prefix).availableAtLeast(20).availableBelow(40)
                .build(), prefix);
        assertEquals(List.of(ids.get(2), ids.get(3)), rich);
        List<String> paused = listed(AccountQuery.builder().after(prefix).status(AccountStatus.PAUSED).build(),
                prefix);
        assertEquals(List.of(ids.get(4)), paused);

        AccountPage page = ledger().reports().listAccounts(AccountQuery.builder().after(prefix).limit(1).build());
        assertEquals(ids.get(0), page.nextAfter());
        assertEquals(0, page.rows().get(0).available(CreditLedger.DEFAULT_CREDIT_TYPE));
        AccountPage second = ledger().reports().listAccounts(AccountQuery.builder().after(page.nextAfter()).limit(1)
                .build());
        assertEquals(ids.get(1), second.rows().get(0).account().accountId());
        assertEquals(10, second.rows().get(0).available(CreditLedger.DEFAULT_CREDIT_TYPE));
    }

    /** @return the ids with {@code prefix} the query lists, following its pages */
    private List<String> listed(AccountQuery query, String prefix) {
        List<String> ids = new ArrayList<>();
        AccountQuery next = query;
        while (next != null) {
            AccountPage page = ledger().reports().listAccounts(next);
            for (AccountPage.Row row : page.rows()) {
                if (!row.account().accountId().startsWith(prefix)) {
                    return ids;
                }
                ids.add(row.account().accountId());
            }
            next = page.nextAfter() == null ? null : next.after(page.nextAfter());
        }
        return ids;
    }

    @Test
    default void aPoolsUsageAndSummariesCoverItsMembersGroupedByMember() {
        String feature = feature("pooled", 10);
        Instant start = Instant.parse("2025-06-01T00:00:00Z");
        clock().set(start.plus(Duration.ofHours(1)));
        String org = openFunded(1_000);
        String dept = openAccount();
        String user = openAccount();
        ledger().orgs().setParent(dept, org);
        ledger().orgs().setParent(user, dept);
        String outsider = openFunded(100);
        deductOk(user, feature, 3);       // 30 lent by the organization through the department
        deductOk(dept, feature, 1);       // 10
        deductOk(outsider, feature, 2);   // not the pool's

        UsageReport byMember = ledger().reports().usage(UsageQuery.builder(UsageScope.pool(org), start,
                start.plus(Duration.ofDays(1))).bucket(UsageBucket.DAY).groupBy(UsageField.ACCOUNT).build());
        Map<String, Long> charged = new java.util.TreeMap<>();
        byMember.lines().forEach(line -> charged.merge(line.group().accountId(), line.charged(), Long::sum));
        assertEquals(new java.util.TreeMap<>(Map.of(dept, 10L, user, 30L)), charged);
        UsageReport whole = ledger().reports().usage(UsageQuery.builder(UsageScope.pool(org), start,
                start.plus(Duration.ofDays(1))).bucket(UsageBucket.DAY).build());
        assertEquals(40, whole.lines().stream().mapToLong(UsageLine::charged).sum(), "the pool's usage, members in");
        assertEquals(1, whole.lines().size());
        assertNull(whole.lines().get(0).group().accountId(), "not grouped by account");

        List<AccountSummary> summaries = ledger().reports().poolSummaries(org, start, start.plus(Duration.ofDays(1)));
        assertEquals(List.of(org, dept, user), summaries.stream().map(AccountSummary::accountId).toList());
        for (AccountSummary summary : summaries) {
            CreditFlows flows = summary.flows(CreditLedger.DEFAULT_CREDIT_TYPE);
            assertReconciles(flows, summary.accountId() + " on its own");
            assertEquals(expectedFlows(entries(summary.accountId()), start, start.plus(Duration.ofDays(1))), flows,
                    "what summing " + summary.accountId() + "'s history gives");
            assertEquals(available(summary.accountId()), flows.closing(), summary.accountId());
        }
        assertEquals(30, summaries.get(2).flows(CreditLedger.DEFAULT_CREDIT_TYPE).consumed());

        assertEquals(List.of(dept), ledger().reports().listAccounts(AccountQuery.builder().memberOf(org).build())
                .rows().stream().map(row -> row.account().accountId()).toList(), "direct members only");
        assertThrows(UnknownAccountException.class, () -> ledger().reports().usage(UsageQuery.builder(
                UsageScope.pool(uniqueId("nobody")), start, start.plus(Duration.ofDays(1))).build()));
    }

    @Test
    default void transfersAndAdminRemovalsAreFlowsOfTheirOwnAndTheSummaryReconciles() {
        Instant start = Instant.parse("2025-07-01T00:00:00Z");
        clock().set(start.plus(Duration.ofHours(2)));
        String org = openFunded(500);
        String team = openAccount();
        ledger().orgs().setParent(team, org);
        ledger().orgs().transfer(dev.credits.TransferRequest.of(org, team, 120));
        ledger().orgs().transfer(dev.credits.TransferRequest.of(team, org, 20));
        ledger().actingAs(dev.credits.Actor.of("admin:1", "goodwill reversed")).admin()
                .removeCredits(dev.credits.CreditAdjustment.of(org, 30, "duplicate grant"));
        Instant to = start.plus(Duration.ofDays(1));

        CreditFlows orgFlows = ledger().reports().accountSummary(org, start, to).flows(CreditLedger.DEFAULT_CREDIT_TYPE);
        assertEquals(120, orgFlows.transferredOut());
        assertEquals(30, orgFlows.removed());
        assertEquals(20L, orgFlows.granted().get(LotSource.TRANSFER));
        assertEquals(500 - 120 + 20 - 30, orgFlows.closing());
        assertEquals(0, orgFlows.opening());
        CreditFlows teamFlows = ledger().reports().accountSummary(team, start, to)
                .flows(CreditLedger.DEFAULT_CREDIT_TYPE);
        assertEquals(120L, teamFlows.granted().get(LotSource.TRANSFER));
        assertEquals(20, teamFlows.transferredOut());
        for (String accountId : List.of(org, team)) {
            CreditFlows flows = ledger().reports().accountSummary(accountId, start, to)
                    .flows(CreditLedger.DEFAULT_CREDIT_TYPE);
            assertReconciles(flows, accountId);
            assertEquals(expectedFlows(entries(accountId), start, to), flows, accountId);
        }
        SystemSummary system = ledger().reports().systemSummary(start, to);
        assertTrue(system.flows(CreditLedger.DEFAULT_CREDIT_TYPE).removed() >= 30);
    }

    private static void assertReconciles(CreditFlows flows, String what) {
        assertEquals(flows.closing(), flows.opening() + flows.totalGranted() + flows.refunded() - flows.consumed()
                - flows.expired() - flows.clawedBack() - flows.transferredOut() - flows.removed(), what + " reconciles");
    }

    @Test
    default void badInputIsATypedErrorAndChangesNothing() {
        String accountId = openFunded(10);
        Instant from = Instant.parse("2025-01-01T00:00:00Z");
        Instant to = Instant.parse("2025-01-02T00:00:00Z");
        AccountState before = state(accountId);

        assertThrows(InvalidArgumentException.class, () -> ledger().reports().usage(UsageQuery.builder(
                UsageScope.account(accountId), to, from).build()), "reversed");
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().usage(UsageQuery.builder(
                UsageScope.account(accountId), from, from).build()), "empty");
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().usage(UsageQuery.builder(
                UsageScope.account(accountId), from.plusSeconds(60), to).build()), "not on a quarter hour");
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().usage(UsageQuery.builder(
                UsageScope.account(accountId), from, from.plus(Duration.ofDays(200))).bucket(UsageBucket.HOUR)
                .build()), "too many buckets");
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().usage(UsageQuery.builder(
                UsageScope.account(accountId), from, to).groupByDimension("ai").build()), "undeclared dimension");
        assertThrows(InvalidArgumentException.class, () -> UsageQuery.builder(UsageScope.account(accountId), from, to)
                .zone("Mars/Olympus_Mons"), "no such zone");
        assertThrows(UnknownAccountException.class, () -> ledger().reports().usage(UsageQuery.builder(
                UsageScope.account(newAccountId()), from, to).build()));
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().accountSummary(accountId, to, from));
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().accountSummary(accountId, from, to,
                Duration.ofSeconds(1)));
        assertThrows(UnknownAccountException.class, () -> ledger().reports().accountSummary(newAccountId(), from, to));
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().systemSummary(to, from));
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().systemSummary(from, to, -1));
        assertThrows(InvalidArgumentException.class, () -> ledger().reports().listAccounts(AccountQuery.builder()
                .limit(0).build()));
        assertUnchanged(before, accountId);
    }
}
