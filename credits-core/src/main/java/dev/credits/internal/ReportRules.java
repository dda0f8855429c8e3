package dev.credits.internal;

import dev.credits.Account;
import dev.credits.AccountPage;
import dev.credits.AccountQuery;
import dev.credits.AccountStatus;
import dev.credits.AccountSummary;
import dev.credits.AllowanceUsage;
import dev.credits.CreditFlows;
import dev.credits.CreditLedger;
import dev.credits.DepletionForecast;
import dev.credits.FeaturePricing;
import dev.credits.InvalidArgumentException;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.Money;
import dev.credits.PageRequest;
import dev.credits.SystemSummary;
import dev.credits.UnknownAccountException;
import dev.credits.UsageField;
import dev.credits.UsageGroup;
import dev.credits.UsageLine;
import dev.credits.UsageQuery;
import dev.credits.UsageReport;
import dev.credits.UsageScope;
import dev.credits.spi.AccountCount;
import dev.credits.spi.AccountFilter;
import dev.credits.spi.BalanceRecord;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.CreditStore;
import dev.credits.spi.ReportStore;
import dev.credits.spi.UsageKey;
import dev.credits.spi.UsageKind;
import dev.credits.spi.UsageRecord;
import dev.credits.spi.UsageSelection;
import dev.credits.spi.UsageTotals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rules of reports: usage by bucket of a time zone and group, account and system summaries that reconcile with
 * the entries, the depletion forecast, account listings. Everything is summed from the usage rows units of work keep
 * ({@link UsageAggregates}), so a report over a fixed window reads the same rows however long the history is.
 * Stateless apart from its configuration; thread-safe.
 */
public final class ReportRules {
    /** How often a summary rereads when the account changed while it read (then it answers with the last read). */
    private static final int CONSISTENT_READ_ATTEMPTS = 5;
    private static final long SECONDS_PER_DAY = 86_400;

    private final UnitOfWork uow;
    private final CreditStore store;
    private final ReportStore reports;
    private final UsageAggregates usage;

    public ReportRules(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.store = store;
        this.reports = store.reports();
        this.usage = uow.usage();
    }

    // ------------------------------------------------------------ usage

    public UsageReport usage(UsageQuery query) {
        Objects.requireNonNull(query, "query");
        Set<String> accountIds = accounts(query.scope());
        aligned("from", query.from());
        aligned("to", query.to());
        range(query.from(), query.to());
        for (String dimension : query.dimensions()) {
            if (!usage.dimensions().contains(dimension)) {
                throw new InvalidArgumentException("dimensions", "'" + dimension + "' is no declared usage dimension"
                        + " (declared: " + usage.dimensions() + ")");
            }
        }
        // The report's buckets, by start; each stored 15-minute row falls into exactly one of them.
        TreeMap<Instant, Instant> buckets = new TreeMap<>();
        Instant start = query.bucket().startOf(query.from(), query.zone());
        while (start.isBefore(query.to())) {
            Instant next = query.bucket().next(start, query.zone());
            buckets.put(start, next);
            if (buckets.size() > UsageQuery.MAX_BUCKETS) {
                throw new InvalidArgumentException("bucket", "the range spans more than " + UsageQuery.MAX_BUCKETS
                        + " " + query.bucket().name().toLowerCase() + " buckets; ask for a shorter range or a wider"
                        + " bucket");
            }
            start = next;
        }
        Set<UsageField> fields = query.fields();
        boolean detail = fields.contains(UsageField.FEATURE) || fields.contains(UsageField.CATEGORY)
                || fields.contains(UsageField.USER) || !query.dimensions().isEmpty();
        boolean byAccount = fields.contains(UsageField.ACCOUNT);
        List<UsageRecord> rows = reports.sumUsage(new UsageSelection(accountIds, query.from(), query.to(),
                Set.of(UsageKind.USAGE), byAccount, true, detail));
        Map<String, Optional<String>> categories = new HashMap<>();
        Map<Instant, Map<UsageGroup, UsageTotals>> sums = new TreeMap<>();
        for (UsageRecord row : rows) {
            UsageKey key = row.key();
            Map<String, String> values = new LinkedHashMap<>();
            for (String dimension : query.dimensions()) {
                String value = key.dimensions().get(dimension);
                if (value != null) {
                    values.put(dimension, value);
                }
            }
            UsageGroup group = new UsageGroup(byAccount ? row.accountId() : null,
                    fields.contains(UsageField.FEATURE) ? key.featureKey() : null,
                    fields.contains(UsageField.CATEGORY) ? category(categories, key.featureKey()) : null,
                    fields.contains(UsageField.USER) ? key.userId() : null,
                    fields.contains(UsageField.CREDIT_TYPE) ? key.creditType() : null, values);
            sums.computeIfAbsent(buckets.floorKey(row.bucketStart()), b -> new LinkedHashMap<>())
                    .merge(group, row.totals(), UsageTotals::plus);
        }
        List<UsageLine> lines = new ArrayList<>();
        Comparator<UsageGroup> order = Comparator.comparing(ReportRules::sortKey);
        sums.forEach((bucketStart, groups) -> groups.entrySet().stream().sorted(Map.Entry.comparingByKey(order))
                .forEach(e -> {
                    UsageTotals t = e.getValue();
                    lines.add(new UsageLine(bucketStart, buckets.get(bucketStart), e.getKey(), t.charged(),
                            t.refunded(), t.quantity(), t.deductions(), t.freeRetries()));
                }));
        return new UsageReport(query, lines);
    }

    private static String sortKey(UsageGroup group) {
        return String.valueOf(group.accountId()) + '\u0000' + group.featureKey() + '\u0000' + group.category() + '\u0000' + group.userId() + '\u0000'
                + group.creditType() + '\u0000' + new TreeMap<>(group.dimensions());
    }

    private String category(Map<String, Optional<String>> cache, String featureKey) {
        if (featureKey == null) {
            return null;
        }
        return cache.computeIfAbsent(featureKey, key -> store.catalog().find(CatalogTable.FEATURES, key)
                .map(FeaturePricing::category)).orElse(null);
    }

    /** @return the scope's accounts (null: every account), each checked to exist */
    private Set<String> accounts(UsageScope scope) {
        if (scope instanceof UsageScope.OfAccount one) {
            return Set.of(existing(one.accountId()));
        }
        if (scope instanceof UsageScope.OfAccounts some) {
            if (some.accountIds().isEmpty() || some.accountIds().size() > UsageScope.MAX_ACCOUNTS) {
                throw new InvalidArgumentException("scope", "name 1 to " + UsageScope.MAX_ACCOUNTS + " accounts, not "
                        + some.accountIds().size());
            }
            some.accountIds().forEach(this::existing);
            return some.accountIds();
        }
        if (scope instanceof UsageScope.OfPool pool) {
            return Set.copyOf(poolAccounts(pool.poolId()));
        }
        return null;
    }

    /**
     * @return the pool and every account under it, the pool first, then level by level, each level by id
     * @throws InvalidArgumentException if they are more than {@value UsageScope#MAX_ACCOUNTS}
     */
    private List<String> poolAccounts(String poolId) {
        List<String> accounts = new ArrayList<>(List.of(existing(poolId)));
        Set<String> level = Set.of(poolId);
        while (!level.isEmpty()) {
            Set<String> next = MemberLevels.ids(MemberLevels.below(reports, level));
            accounts.addAll(next);
            if (accounts.size() > UsageScope.MAX_ACCOUNTS) {
                throw new InvalidArgumentException("scope", "the pool '" + poolId + "' has more than "
                        + UsageScope.MAX_ACCOUNTS + " accounts under it; ask for its departments one by one");
            }
            level = next;
        }
        return accounts;
    }

    /**
     * The account summaries of a pool and every account under it, the pool first, then level by level.
     *
     * @see #accountSummary
     */
    public List<AccountSummary> poolSummaries(String poolId, Instant from, Instant to, Duration window) {
        List<AccountSummary> summaries = new ArrayList<>();
        for (String accountId : poolAccounts(Checks.id("poolId", poolId))) {
            summaries.add(accountSummary(accountId, from, to, window));
        }
        return summaries;
    }

    private String existing(String accountId) {
        Checks.id("accountId", accountId);
        if (store.findAccount(accountId).isEmpty()) {
            throw new UnknownAccountException(accountId);
        }
        return accountId;
    }

    private static void aligned(String argument, Instant value) {
        Checks.required(argument, value);
        if (!UsageRecord.bucketOf(value).equals(value)) {
            throw new InvalidArgumentException(argument, value + " is not a whole quarter of an hour (usage is kept"
                    + " in 15-minute buckets)");
        }
    }

    private static void range(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new InvalidArgumentException("to", "the range is empty or reversed: from " + from + " is not before "
                    + to);
        }
    }

    // ------------------------------------------------------------ account summary

    public AccountSummary accountSummary(String accountId, Instant from, Instant to, Duration window) {
        Checks.id("accountId", accountId);
        aligned("from", from);
        aligned("to", to);
        range(from, to);
        window(window);
        // The balances and the rows must be of one moment: reread while the account changed in between.
        List<BalanceRecord> balances = null;
        List<UsageRecord> rows = null;
        List<UsageRecord> later = null;
        for (int attempt = 0; attempt < CONSISTENT_READ_ATTEMPTS; attempt++) {
            Account before = store.findAccount(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
            balances = store.readAccount(accountId, tx -> tx.snapshot(uow.now(), null, null).balances());
            rows = reports.sumUsage(new UsageSelection(Set.of(accountId), from, to, null, false, false, false));
            later = reports.sumUsage(new UsageSelection(Set.of(accountId), to, null, null, false, false, false));
            Account after = store.findAccount(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
            if (after.sequence() == before.sequence()) {
                break;
            }
        }
        Map<String, Long> current = new TreeMap<>();
        for (BalanceRecord balance : balances) {
            current.put(balance.creditType(), balance.balance());
        }
        List<CreditFlows> flows = flows(current, rows, later);
        List<Money> paid = money(rows, UsageKind.GRANT);
        Instant now = uow.now();
        List<UsageRecord> recent = reports.sumUsage(new UsageSelection(Set.of(accountId),
                UsageRecord.bucketOf(now.minus(window)), null, Set.of(UsageKind.USAGE, UsageKind.GRANT), false, false,
                false));
        return uow.read(accountId, null, session -> {
            Account account = session.account();
            List<AllowanceUsage> allowances = new ArrayList<>();
            Map<String, Long> allowanceLeft = new HashMap<>();
            if (account.periodStart() != null && account.periodEnd() != null && account.planId() != null) {
                Map<String, Long> granted = granted(accountId, account.periodStart());
                for (String type : session.creditTypes()) {
                    long remaining = 0;
                    for (Lot lot : session.liveLots(type)) {
                        if (lot.allowance() != null && lot.allowance().periodStart().equals(account.periodStart())
                                && !lot.isExpiredAt(now)) {
                            remaining += lot.remaining();
                        }
                    }
                    long total = granted.getOrDefault(type, 0L);
                    if (total > 0 || remaining > 0) {
                        allowanceLeft.put(type, remaining);
                        allowances.add(new AllowanceUsage(type, account.planId(), account.periodStart(),
                                account.periodEnd(), total, total - remaining, remaining));
                    }
                }
            }
            List<DepletionForecast> forecasts = new ArrayList<>();
            Map<String, Long> consumed = consumed(recent);
            for (String type : new java.util.TreeSet<>(session.creditTypes())) {
                long available = session.available(type);
                long burned = consumed.getOrDefault(type, 0L);
                BigDecimal perDay = BigDecimal.valueOf(burned).multiply(BigDecimal.valueOf(SECONDS_PER_DAY))
                        .divide(BigDecimal.valueOf(window.getSeconds()), 6, RoundingMode.HALF_EVEN);
                Instant depletesAt = burned <= 0 ? null : available <= 0 ? now : at(now, available, burned, window);
                long left = allowanceLeft.getOrDefault(type, 0L);
                boolean runsOut = burned > 0 && left > 0 && account.periodEnd() != null
                        && at(now, left, burned, window).isBefore(account.periodEnd());
                forecasts.add(new DepletionForecast(type, window, burned, perDay, available, depletesAt, left,
                        runsOut));
            }
            return new AccountSummary(accountId, from, to, flows, paid, allowances, forecasts);
        });
    }

    /** @return when {@code credits} are gone at {@code burned} per {@code window}, to the millisecond */
    private static Instant at(Instant now, long credits, long burned, Duration window) {
        BigDecimal millis = BigDecimal.valueOf(credits).multiply(BigDecimal.valueOf(window.toMillis()))
                .divide(BigDecimal.valueOf(burned), 0, RoundingMode.CEILING);
        BigDecimal until = BigDecimal.valueOf(dev.credits.CreditLedger.MAX_INSTANT.toEpochMilli() - now.toEpochMilli());
        return now.plusMillis(millis.min(until).longValueExact());
    }

    private Map<String, Long> granted(String accountId, Instant periodStart) {
        Map<String, Long> granted = new HashMap<>();
        for (UsageRecord row : reports.sumUsage(new UsageSelection(Set.of(accountId),
                UsageRecord.bucketOf(periodStart), null, Set.of(UsageKind.GRANT), false, false, false))) {
            if (row.key().source() == LotSource.SUBSCRIPTION) {
                granted.merge(row.key().creditType(), row.totals().credits(), Long::sum);
            }
        }
        return granted;
    }

    private static Map<String, Long> consumed(List<UsageRecord> rows) {
        Map<String, Long> consumed = new HashMap<>();
        for (UsageRecord row : rows) {
            if (row.key().kind() == UsageKind.USAGE) {
                consumed.merge(row.key().creditType(), row.totals().charged() - row.totals().refunded(), Long::sum);
            }
        }
        return consumed;
    }

    private static void window(Duration window) {
        Checks.required("window", window);
        if (window.toMinutes() < 15 || window.toDays() > 366) {
            throw new InvalidArgumentException("window", "the forecast's window must be 15 minutes to 366 days, not "
                    + window);
        }
    }

    /**
     * @param current the balances now, by credit type
     * @param rows    the period's rows
     * @param after   the rows after the period
     * @return the flows of the period: the closing balance is now's minus what moved after the period
     */
    private static List<CreditFlows> flows(Map<String, Long> current, List<UsageRecord> rows,
                                           List<UsageRecord> after) {
        Map<String, long[]> period = new TreeMap<>();
        Map<String, Map<LotSource, Long>> granted = new HashMap<>();
        Map<String, Long> later = new HashMap<>();
        for (UsageRecord row : after) {
            later.merge(row.key().creditType(), row.totals().credits(), Long::sum);
            period.computeIfAbsent(row.key().creditType(), k -> new long[7]);
        }
        for (UsageRecord row : rows) {
            String type = row.key().creditType();
            UsageTotals t = row.totals();
            long[] sums = period.computeIfAbsent(type, k -> new long[7]);
            sums[4] += t.credits();
            switch (row.key().kind()) {
                case USAGE -> {
                    sums[0] += t.charged();
                    sums[1] += t.refunded();
                }
                case GRANT -> granted.computeIfAbsent(type, k -> new EnumMap<>(LotSource.class))
                        .merge(row.key().source() == null ? LotSource.ADMIN : row.key().source(), t.credits(),
                                Long::sum);
                case EXPIRY -> sums[2] -= t.credits();
                case CLAWBACK -> sums[3] -= t.credits();
                case TRANSFER_OUT -> sums[5] -= t.credits();
                case ADJUSTMENT -> sums[6] -= t.credits();
            }
        }
        for (String type : current.keySet()) {
            period.computeIfAbsent(type, k -> new long[7]);
        }
        List<CreditFlows> flows = new ArrayList<>();
        period.forEach((type, sums) -> {
            long closing = current.getOrDefault(type, 0L) - later.getOrDefault(type, 0L);
            long opening = closing - sums[4];
            flows.add(new CreditFlows(type, opening, granted.getOrDefault(type, Map.of()), sums[0], sums[1], sums[2],
                    sums[3], sums[5], sums[6], closing));
        });
        return flows;
    }

    /** @return the money of the rows of {@code kind}, per currency, by currency code */
    private static List<Money> money(List<UsageRecord> rows, UsageKind kind) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        for (UsageRecord row : rows) {
            if (row.key().kind() == kind && row.key().currency() != null) {
                sums.merge(row.key().currency(), row.totals().money(), BigDecimal::add);
            }
        }
        List<Money> money = new ArrayList<>();
        sums.forEach((code, amount) -> money.add(money(amount, Currency.getInstance(code))));
        return money;
    }

    /** The same amount on every store: trailing zeros dropped, down to the currency's own decimals. */
    static Money money(BigDecimal amount, Currency currency) {
        BigDecimal stripped = amount.stripTrailingZeros();
        int scale = Math.max(Math.max(currency.getDefaultFractionDigits(), 0), stripped.scale());
        return new Money(stripped.setScale(scale, RoundingMode.UNNECESSARY), currency);
    }

    // ------------------------------------------------------------ system summary

    public SystemSummary systemSummary(Instant from, Instant to, int top) {
        aligned("from", from);
        aligned("to", to);
        range(from, to);
        if (top < 0 || top > PageRequest.MAX_LIMIT) {
            throw new InvalidArgumentException("top", "must be 0 to " + PageRequest.MAX_LIMIT + ", not " + top);
        }
        Map<String, Long> outstanding = new TreeMap<>();
        for (BalanceRecord total : reports.balanceTotals()) {
            outstanding.put(total.creditType(), total.balance());
        }
        List<UsageRecord> rows = reports.sumUsage(new UsageSelection(null, from, to, null, false, false, false));
        List<UsageRecord> later = reports.sumUsage(new UsageSelection(null, to, null, null, false, false, false));
        List<CreditFlows> flows = flows(outstanding, rows, later);
        Map<AccountStatus, Long> byStatus = new EnumMap<>(AccountStatus.class);
        Map<String, Long> byPlan = new TreeMap<>();
        for (AccountCount count : reports.countAccounts()) {
            byStatus.merge(count.status(), count.count(), Long::sum);
            byPlan.merge(count.planId() == null ? "" : count.planId(), count.count(), Long::sum);
        }
        List<SystemSummary.Consumer> consumers = new ArrayList<>();
        if (top > 0) {
            for (UsageRecord row : reports.sumUsage(new UsageSelection(null, from, to, Set.of(UsageKind.USAGE), true,
                    false, false))) {
                long consumed = row.totals().charged() - row.totals().refunded();
                if (consumed > 0) {
                    consumers.add(new SystemSummary.Consumer(row.accountId(), row.key().creditType(), consumed));
                }
            }
            consumers.sort(Comparator.comparingLong(SystemSummary.Consumer::consumed).reversed()
                    .thenComparing(SystemSummary.Consumer::accountId)
                    .thenComparing(SystemSummary.Consumer::creditType));
        }
        return new SystemSummary(from, to, outstanding, flows, money(rows, UsageKind.GRANT),
                money(rows, UsageKind.CLAWBACK), money(rows, UsageKind.EXPIRY), byStatus, byPlan,
                consumers.subList(0, Math.min(top, consumers.size())));
    }

    // ------------------------------------------------------------ rebuilding the usage rows

    /**
     * Sums the account's whole history again into its usage rows, under the dimensions declared now, and replaces
     * them; reread and retried while the account changes meanwhile.
     *
     * @return how many entries the rows now sum
     */
    public long rebuildUsage(String accountId) {
        Checks.id("accountId", accountId);
        for (int attempt = 0; ; attempt++) {
            Account account = store.findAccount(accountId).orElseThrow(() -> new UnknownAccountException(accountId));
            List<dev.credits.LedgerEntry> entries = new ArrayList<>();
            long before = Long.MAX_VALUE;
            while (true) {
                List<dev.credits.LedgerEntry> page = store.findEntries(accountId, new dev.credits.spi.EntryQuery(
                        dev.credits.HistoryFilter.all(), before, PageRequest.MAX_LIMIT));
                entries.addAll(page);
                if (page.size() < PageRequest.MAX_LIMIT) {
                    break;
                }
                before = page.get(page.size() - 1).sequence();
            }
            Map<String, dev.credits.LedgerEntry> byId = new HashMap<>();
            entries.forEach(entry -> byId.put(entry.transactionId(), entry));
            List<UsageRecord> rows = store.readAccount(accountId, tx -> usage.derive(entries,
                    new UsageAggregates.Lookup() {
                        @Override
                        public Lot firstLot(dev.credits.LedgerEntry entry) {
                            return tx.findAllocations(entry.transactionId()).stream()
                                    .filter(allocation -> allocation.position() == 0).findFirst()
                                    .flatMap(allocation -> tx.findLot(allocation.lotId())).orElse(null);
                        }

                        @Override
                        public Lot lotOfGrant(String grantTransactionId) {
                            dev.credits.LedgerEntry grant = byId.get(grantTransactionId);
                            return grant == null ? null : firstLot(grant);
                        }

                        @Override
                        public Optional<dev.credits.LedgerEntry> entry(String transactionId) {
                            return Optional.ofNullable(byId.get(transactionId));
                        }
                    }));
            if (reports.replaceUsage(accountId, account.sequence(), rows)) {
                return entries.size();
            }
            if (attempt >= CONSISTENT_READ_ATTEMPTS) {
                throw new dev.credits.TransactionConflictException("the usage rows of account '" + accountId
                        + "' were not rebuilt: it kept changing while its history was read; nothing was changed", null);
            }
        }
    }

    // ------------------------------------------------------------ account listings

    public AccountPage listAccounts(AccountQuery query) {
        Objects.requireNonNull(query, "query");
        String creditType = Checks.creditType(query.creditType());
        if (query.limit() < 1 || query.limit() > PageRequest.MAX_LIMIT) {
            throw new InvalidArgumentException("limit", "must be 1 to " + PageRequest.MAX_LIMIT + ", not "
                    + query.limit());
        }
        String after = query.after() == null ? null : Checks.id("after", query.after());
        List<ReportStore.AccountBalances> found = reports.listAccounts(new AccountFilter(query.status(),
                query.planId() == null ? null : Checks.id("planId", query.planId()),
                query.memberOf() == null ? null : Set.of(Checks.id("memberOf", query.memberOf())), creditType,
                query.availableBelow(), query.availableAtLeast(), query.lowBalance(),
                uow.events().defaultLowBalanceThreshold(), after, query.limit()));
        List<AccountPage.Row> rows = new ArrayList<>();
        for (ReportStore.AccountBalances account : found) {
            List<AccountPage.Line> lines = new ArrayList<>();
            account.balances().stream().sorted(Comparator.comparing(BalanceRecord::creditType)).forEach(b ->
                    lines.add(new AccountPage.Line(b.creditType(), b.balance(), b.held(), b.balance() - b.held())));
            rows.add(new AccountPage.Row(account.account(), lines));
        }
        String next = rows.size() == query.limit() ? rows.get(rows.size() - 1).account().accountId() : null;
        return new AccountPage(rows, next);
    }

}
