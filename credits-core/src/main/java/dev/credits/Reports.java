package dev.credits;

import dev.credits.internal.Observation;
import dev.credits.internal.ReportRules;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Usage reports and summaries, reached with {@link CreditLedger#reports()}: usage by time bucket (in a time zone you
 * choose) and by feature, category, user, credit type and declared metadata dimensions; an account's summary over a
 * period with a depletion forecast; the system's summary; account listings. They write nothing; thread-safe like the
 * ledger.
 *
 * <p>Every figure is summed from usage rows the ledger keeps in the same transaction as the entries (per account,
 * 15-minute bucket, feature, user and declared dimensions), so a report over a fixed window costs the same however
 * long the history is, and its sums equal what summing the entries gives. Ranges are half-open {@code [from, to)} and
 * start and end on whole quarters of an hour.
 *
 * <pre>{@code
 * UsageReport daily = ledger.reports().usage(UsageQuery.builder(UsageScope.account("org_42"), from, to)
 *         .bucket(UsageBucket.DAY).zone("Europe/Berlin").groupByDimension("ai").build());
 * AccountSummary month = ledger.reports().accountSummary("org_42", from, to);
 * }</pre>
 */
public final class Reports {
    /** The trailing window of the depletion forecast when none is given. */
    public static final Duration DEFAULT_FORECAST_WINDOW = Duration.ofDays(7);
    /** How many top consumers a system summary lists when not told. */
    public static final int DEFAULT_TOP = 10;

    private final Observation observation;
    private final ReportRules rules;

    Reports(Observation observation, ReportRules rules) {
        this.observation = observation;
        this.rules = rules;
    }

    /**
     * Sums usage: per bucket of the query's zone and per group, the credits charged and refunded, the units, the
     * deductions and the free retries. Holds count when committed; a refund counts when it was made, under its
     * deduction's group.
     *
     * @throws InvalidArgumentException if {@code from} is not before {@code to}, either is not a whole quarter of an
     *                                  hour, the range spans more than {@value UsageQuery#MAX_BUCKETS} buckets, a
     *                                  dimension was not declared ({@code CreditLedger.Builder.usageDimensions}), or
     *                                  the scope names no or too many accounts
     * @throws UnknownAccountException  if an account of the scope does not exist
     */
    public UsageReport usage(UsageQuery query) {
        return observation.call("reports.usage", query == null || !(query.scope() instanceof UsageScope.OfAccount one)
                ? null : one.accountId(), () -> rules.usage(query));
    }

    /** As {@link #accountSummary(String, Instant, Instant, Duration)} with a 7-day forecast window. */
    public AccountSummary accountSummary(String accountId, Instant from, Instant to) {
        return accountSummary(accountId, from, to, DEFAULT_FORECAST_WINDOW);
    }

    /**
     * Summarizes an account over {@code [from, to)}: per credit type the opening balance, grants by source, consumed,
     * refunded, expired, clawed back and the closing balance (reconciling exactly); what its grants cost; the current
     * plan period's allowance used and left; and, as of now, the burn rate over the trailing {@code window} and when
     * the available balance (and the allowance) would run out at that rate.
     *
     * @throws InvalidArgumentException if the range is empty, reversed or not on whole quarters of an hour, or the
     *                                  window is outside 15 minutes to 366 days
     * @throws UnknownAccountException  if the account does not exist
     */
    public AccountSummary accountSummary(String accountId, Instant from, Instant to, Duration window) {
        return observation.call("reports.accountSummary", accountId,
                () -> rules.accountSummary(accountId, from, to, window));
    }

    /**
     * Summarizes an organization's pool and every account under it over {@code [from, to)}, one
     * {@linkplain #accountSummary(String, Instant, Instant) account summary} each (7-day forecast window): the pool
     * first, then its members level by level, each level by account id. Credits a pool lends a member show as a
     * {@code TRANSFER} out of the pool and into the member (granted by source {@code TRANSFER}), so each summary
     * reconciles on its own; add the members' consumption to see the organization's.
     *
     * @throws InvalidArgumentException as {@link #accountSummary}, or if more than {@value UsageScope#MAX_ACCOUNTS}
     *                                  accounts are under the pool
     * @throws UnknownAccountException  if the pool does not exist
     */
    public List<AccountSummary> poolSummaries(String poolId, Instant from, Instant to) {
        return observation.call("reports.poolSummaries", poolId,
                () -> rules.poolSummaries(poolId, from, to, DEFAULT_FORECAST_WINDOW));
    }

    /** As {@link #systemSummary(Instant, Instant, int)} with the top {@value #DEFAULT_TOP} consumers. */
    public SystemSummary systemSummary(Instant from, Instant to) {
        return systemSummary(from, to, DEFAULT_TOP);
    }

    /**
     * Summarizes every account over {@code [from, to)}: credits outstanding, their flows (as an account summary's,
     * summed over every account), revenue, payment refunds and breakage per currency, accounts by status and plan, and
     * the {@code top} accounts by consumption.
     *
     * @throws InvalidArgumentException if the range is empty, reversed or not on whole quarters of an hour, or
     *                                  {@code top} is outside 0 to {@value PageRequest#MAX_LIMIT}
     */
    public SystemSummary systemSummary(Instant from, Instant to, int top) {
        return observation.call("reports.systemSummary", null, () -> rules.systemSummary(from, to, top));
    }

    /**
     * Sums the account's whole history again into its usage rows, under the usage dimensions this ledger declares,
     * and replaces the rows it had: for a database upgraded to schema version 7 (its earlier entries are in no row
     * until then) and after declaring a dimension that earlier entries should count under. It reads every entry (a
     * maintenance call, not a request handler's); the account may change meanwhile (then it reads again).
     *
     * @return how many entries the rows now sum
     * @throws UnknownAccountException      if the account does not exist
     * @throws TransactionConflictException if the account kept changing while its history was read (nothing changed)
     */
    public long rebuildUsage(String accountId) {
        return observation.call("reports.rebuildUsage", accountId, () -> rules.rebuildUsage(accountId));
    }

    /**
     * Lists accounts with their balances, filtered by status, plan, pool (direct members), available balance or low
     * balance, a page at a time by account id.
     *
     * @throws InvalidArgumentException if the limit is outside 1 to {@value PageRequest#MAX_LIMIT} or an id is malformed
     */
    public AccountPage listAccounts(AccountQuery query) {
        return observation.call("reports.listAccounts", null, () -> rules.listAccounts(query));
    }
}
