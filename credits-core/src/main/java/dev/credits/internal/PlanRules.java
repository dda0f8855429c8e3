package dev.credits.internal;

import dev.credits.Account;
import dev.credits.AuditAction;
import dev.credits.AllowancePeriod;
import dev.credits.CreditAccess;
import dev.credits.EntryType;
import dev.credits.InvalidArgumentException;
import dev.credits.LedgerEntry;
import dev.credits.Lot;
import dev.credits.LotSource;
import dev.credits.PeriodResult;
import dev.credits.Plan;
import dev.credits.PlanChange;
import dev.credits.UnknownPlanException;
import dev.credits.spi.CatalogStore;
import dev.credits.spi.CatalogChange;
import dev.credits.spi.CatalogTable;
import dev.credits.spi.CreditStore;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of plans and allowance periods: assigning a plan (upgrade now, downgrade next period) and starting
 * a period (expire the old allowance, roll over up to the cap, grant the new one), once per period.
 */
public final class PlanRules {
    /** The burn-down priority of allowance lots: spent before anything else. */
    static final int ALLOWANCE_PRIORITY = 0;

    private final UnitOfWork uow;
    private final CatalogStore catalog;

    public PlanRules(UnitOfWork uow, CreditStore store) {
        this.uow = uow;
        this.catalog = store.catalog();
    }

    // ================================================================ catalog

    public Plan savePlan(Plan plan) {
        Checks.required("plan", plan);
        Checks.id("planId", plan.planId());
        Checks.requiredText("name", plan.name());
        for (Map.Entry<String, Long> allowance : plan.allowances().entrySet()) {
            Checks.creditType(allowance.getKey());
            Checks.required("allowances[" + allowance.getKey() + "]", allowance.getValue());
            Checks.notNegative("allowances[" + allowance.getKey() + "]", allowance.getValue());
            Checks.add("allowances", allowance.getValue(), 0);
        }
        Checks.notNegative("rolloverCap", plan.rolloverCap());
        for (Map.Entry<String, CreditAccess> access : plan.creditAccess().entrySet()) {
            Checks.creditType(access.getKey());
            Checks.required("creditAccess[" + access.getKey() + "]", access.getValue());
        }
        if (plan.creditRate() != null && plan.creditRate().amount().signum() <= 0) {
            throw new InvalidArgumentException("creditRate", "must be above 0: " + plan.creditRate());
        }
        if (plan.purchasePercentOff() != null) {
            BigDecimal off = plan.purchasePercentOff();
            if (off.signum() <= 0 || off.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new InvalidArgumentException("purchasePercentOff", "must be above 0 and at most 100: " + off);
            }
            Checks.decimal("purchasePercentOff", off);
        }
        uow.writeCatalog(CatalogChange.of(CatalogTable.PLANS, CatalogChange.Kind.SAVE, plan), AuditAction.PLAN_SAVED,
                catalog.find(CatalogTable.PLANS, plan.planId()).orElse(null), plan);
        return plan;
    }

    public Optional<Plan> getPlan(String planId) {
        return catalog.find(CatalogTable.PLANS, Checks.id("planId", planId));
    }

    public List<Plan> listPlans() {
        return catalog.list(CatalogTable.PLANS);
    }

    // ================================================================ plan changes

    public PlanChange assignPlan(String accountId, String planId) {
        return assignPlan(accountId, planId, null);
    }

    /**
     * @param subscriptionId the subscription the plan comes from, recorded on the account in the same unit of work
     *                       (whatever the change, UNCHANGED included), or null to keep the recorded one
     */
    public PlanChange assignPlan(String accountId, String planId, String subscriptionId) {
        Checks.id("accountId", accountId);
        Checks.id("planId", planId);
        String subscription = Checks.optionalId("subscriptionId", subscriptionId);
        Plan target = catalog.find(CatalogTable.PLANS, planId).orElseThrow(() -> new UnknownPlanException(planId));
        if (!target.active()) {
            throw new InvalidArgumentException("planId", "plan '" + planId + "' is not active");
        }
        return withPlans(accountId, (session, plans) -> {
            boolean newSubscription = subscription != null
                    && !subscription.equals(session.account().subscriptionId());
            if (newSubscription) {
                // Changed first, so every account row the change below writes carries it.
                session.changeAccount(session.account().withSubscription(subscription, session.now()));
            }
            PlanChange change = assign(session, plans, target, planId);
            if (newSubscription && change.kind() == PlanChange.Kind.UNCHANGED) {
                // The plan stays (no write below): the subscription alone is written.
                return new PlanChange(change.accountId(), change.kind(), change.previousPlanId(), change.planId(),
                        change.nextPlanId(), change.granted(), session.write());
            }
            return change;
        });
    }

    /** Decides a plan change and writes it (an UNCHANGED one writes nothing). */
    private PlanChange assign(AccountSession session, Map<String, Plan> plans, Plan target, String planId) {
        Account account = session.account();
        Instant now = session.now();
        String current = account.planId();
        if (planId.equals(current)) {
            if (account.nextPlanId() == null) {
                return change(account, PlanChange.Kind.UNCHANGED, current, Map.of(), account.sequence());
            }
            Account changed = account.withPlan(current, null, now);
            return change(changed, PlanChange.Kind.DOWNGRADE_CANCELLED, current, Map.of(),
                    UnitOfWork.changeAccount(session, changed).sequence());
        }
        if (planId.equals(account.nextPlanId())) {
            // Already scheduled: a repeated request (a redelivered webhook) writes nothing.
            return change(account, PlanChange.Kind.UNCHANGED, current, Map.of(), account.sequence());
        }
        boolean inPeriod = account.periodStart() != null
                && !now.isBefore(account.periodStart()) && now.isBefore(account.periodEnd());
        if (!inPeriod) {
            Account changed = account.withPlan(planId, null, now);
            return change(changed, PlanChange.Kind.ASSIGNED, current, Map.of(),
                    UnitOfWork.changeAccount(session, changed).sequence());
        }
        // An upgrade tops the period's allowance up to the new plan's: measured against what this period
        // already granted (not the old plan), so moving back and forth, or ending and re-assigning, never
        // grants twice.
        Map<String, Long> grantedThisPeriod = grantedThisPeriod(session, account);
        Map<String, Long> difference = new LinkedHashMap<>();
        for (String type : target.allowances().keySet()) {
            long more = target.allowance(type) - grantedThisPeriod.getOrDefault(type, 0L);
            if (more > 0) {
                difference.put(type, more);
            }
        }
        Plan old = current == null ? null : plans.get(current);
        boolean grows = current == null || target.allowances().keySet().stream()
                .anyMatch(type -> target.allowance(type) > (old == null ? 0 : old.allowance(type)));
        if (difference.isEmpty() && grows) {
            // A bigger plan whose allowance this period already covers: switch now, nothing to grant.
            Account changed = account.withPlan(planId, null, now);
            return change(changed, current == null ? PlanChange.Kind.ASSIGNED : PlanChange.Kind.UPGRADED,
                    current, Map.of(), UnitOfWork.changeAccount(session, changed).sequence());
        }
        if (!grows) {
            Account changed = account.withPlan(current, planId, now);
            return change(changed, PlanChange.Kind.DOWNGRADE_SCHEDULED, current, Map.of(),
                    UnitOfWork.changeAccount(session, changed).sequence());
        }
        session.settle();
        difference.forEach((type, credits) -> grantAllowance(session, type, credits, account.periodEnd(),
                "upgrade to " + planId, planId, account.periodStart(), false));
        Account changed = account.withPlan(planId, null, now);
        session.changeAccount(changed);
        long sequence = session.write();
        return change(changed, PlanChange.Kind.UPGRADED, current, difference, sequence);
    }

    public PlanChange endPlan(String accountId) {
        return endPlan(accountId, null);
    }

    /**
     * @param subscriptionId the subscription that ended, or null for whichever: another subscription than the one the
     *                       account's plan records changes nothing (UNCHANGED)
     */
    public PlanChange endPlan(String accountId, String subscriptionId) {
        Checks.id("accountId", accountId);
        String subscription = Checks.optionalId("subscriptionId", subscriptionId);
        return uow.mutate(accountId, session -> {
            Account account = session.account();
            if (subscription != null && account.subscriptionId() != null
                    && !subscription.equals(account.subscriptionId())) {
                return change(account, PlanChange.Kind.UNCHANGED, account.planId(), Map.of(), account.sequence());
            }
            if (account.planId() == null && account.nextPlanId() == null) {
                return change(account, PlanChange.Kind.ENDED, null, Map.of(), account.sequence());
            }
            Account changed = account.withPlan(null, null, session.now()).withSubscription(null, session.now());
            return change(changed, PlanChange.Kind.ENDED, account.planId(), Map.of(),
                    UnitOfWork.changeAccount(session, changed).sequence());
        });
    }

    /** @return allowance credits granted for the account's current period (rollovers aside), by credit type */
    private static Map<String, Long> grantedThisPeriod(AccountSession session, Account account) {
        Map<String, Long> granted = new LinkedHashMap<>();
        for (Lot lot : session.tx().findLotsExpiringAt(account.periodEnd())) {
            AllowancePeriod period = lot.allowance();
            if (lot.source() == LotSource.SUBSCRIPTION && period != null
                    && period.periodStart().equals(account.periodStart()) && !period.rollover()) {
                granted.merge(lot.creditType(), lot.amount(), Long::sum);
            }
        }
        return granted;
    }

    private static PlanChange change(Account after, PlanChange.Kind kind, String previousPlanId,
                                     Map<String, Long> granted, long sequence) {
        return new PlanChange(after.accountId(), kind, previousPlanId, after.planId(), after.nextPlanId(), granted,
                sequence);
    }

    // ================================================================ periods

    public PeriodResult startPeriod(String accountId, Instant start, Instant end) {
        return startPeriod(accountId, null, start, end);
    }

    /** @param requestedPlanId the plan the period is on, or null for the account's (its scheduled one first) */
    public PeriodResult startPeriod(String accountId, String requestedPlanId, Instant start, Instant end) {
        Checks.id("accountId", accountId);
        if (requestedPlanId != null) {
            Checks.id("planId", requestedPlanId);
        }
        Instant from = Checks.instant("start", start);
        Instant until = Checks.instant("end", end);
        if (!until.isAfter(from)) {
            throw new InvalidArgumentException("end", "must be after start: [" + start + ", " + end + ")");
        }
        return withPlans(accountId, requestedPlanId, (session, plans) -> {
            Account account = session.account();
            if (requestedPlanId != null) {
                Plan requested = plans.get(requestedPlanId);
                if (requested == null) {
                    throw new UnknownPlanException(requestedPlanId);
                }
                if (!requested.active()) {
                    throw new InvalidArgumentException("planId", "plan '" + requestedPlanId + "' is not active");
                }
            }
            if (account.periodStart() != null) {
                if (from.equals(account.periodStart())) {
                    return period(account, PeriodResult.Status.ALREADY_STARTED, account.planId(), from, until,
                            Map.of(), Map.of(), Map.of(), account.sequence());
                }
                if (from.isBefore(account.periodStart())) {
                    return period(account, PeriodResult.Status.STALE, account.planId(), from, until, Map.of(),
                            Map.of(), Map.of(), account.sequence());
                }
            }
            if (!until.isAfter(session.now())) {
                return period(account, PeriodResult.Status.STALE, account.planId(), from, until, Map.of(), Map.of(),
                        Map.of(), account.sequence());
            }
            String planId = requestedPlanId != null ? requestedPlanId
                    : account.nextPlanId() != null ? account.nextPlanId() : account.planId();
            Plan plan = planId == null ? null : plans.get(planId);

            if (plan == null) {
                return period(account, PeriodResult.Status.NO_PLAN, null, from, until, Map.of(), Map.of(), Map.of(),
                        account.sequence());
            }
            Plan previous = account.planId() == null ? null : plans.get(account.planId());
            long cap = previous == null ? 0 : previous.rolloverCap();

            // The previous allowance ends now even if its lots would last longer (a period started early).
            List<Lot> previousLots = account.periodEnd() == null ? List.of()
                    : session.tx().findLotsExpiringAt(account.periodEnd()).stream()
                    .filter(lot -> lot.source() == LotSource.SUBSCRIPTION).toList();
            session.settle();
            for (Lot stored : previousLots) {
                Lot lot = session.lot(stored.lotId());
                if (lot.available() > 0) {
                    session.expireLot(lot, lot.available(), "allowance period ended");
                }
            }
            // What the previous period left unused is what expired from its allowance lots: now, or earlier by a
            // sweep before a late webhook (EXPIRY entries reference the grant of their lot). Credits that paid
            // debt instead of expiring were used, so they do not roll over.
            Map<String, Long> unused = new LinkedHashMap<>();
            Set<String> grants = new HashSet<>();
            for (Lot lot : previousLots) {
                grants.add(lot.transactionId());
                unused.putIfAbsent(lot.creditType(), 0L);
            }
            List<LedgerEntry> expiries = new ArrayList<>(session.newEntries());
            for (String grant : grants) {
                expiries.addAll(session.tx().findEntriesReferencing(grant));
            }
            for (LedgerEntry entry : expiries) {
                if (entry.type() == EntryType.EXPIRY && grants.contains(entry.referenceId())) {
                    unused.merge(entry.creditType(), -entry.amount(), Long::sum);
                }
            }
            unused.values().removeIf(credits -> credits == 0);
            Map<String, Long> rolledOver = new LinkedHashMap<>();
            Map<String, Long> granted = new LinkedHashMap<>();
            unused.forEach((type, credits) -> {
                long carried = Math.min(credits, cap);
                if (carried > 0) {
                    rolledOver.put(type, carried);
                    grantAllowance(session, type, carried, until, "rollover into period " + from, planId, from,
                            true);
                }
            });
            plan.allowances().forEach((type, credits) -> {
                if (credits > 0) {
                    granted.put(type, credits);
                    grantAllowance(session, type, credits, until, "allowance of " + planId + " for period " + from,
                            planId, from, false);
                }
            });
            Account changed = account.withPlan(planId, null, session.now()).withPeriod(from, until, session.now());
            session.changeAccount(changed);
            long sequence = session.write();
            return period(changed, PeriodResult.Status.STARTED, planId, from, until, unused, rolledOver, granted,
                    sequence);
        });
    }

    private static PeriodResult period(Account account, PeriodResult.Status status, String planId, Instant start,
                                       Instant end, Map<String, Long> expired, Map<String, Long> rolledOver,
                                       Map<String, Long> granted, long sequence) {
        return new PeriodResult(account.accountId(), status, planId, start, end, expired, rolledOver, granted,
                sequence);
    }

    /** Grants allowance credits: a SUBSCRIPTION lot spent first, expiring with the period. */
    private static void grantAllowance(AccountSession session, String type, long credits, Instant periodEnd,
                                       String reason, String planId, Instant periodStart, boolean rollover) {
        session.grantLot(type, credits, LotSource.SUBSCRIPTION, ALLOWANCE_PRIORITY, periodEnd, null, reason, null,
                Map.of(), AccountSession.Origin.allowance(new AllowancePeriod(planId, periodStart, rollover)));
    }

    /**
     * Runs {@code work} on the locked account with its current and scheduled plans at hand, read in the same unit of
     * work (so they are the plans the locked account names, with no re-read when a concurrent call changes them).
     */
    private <T> T withPlans(String accountId, PlanWork<T> work) {
        return withPlans(accountId, null, work);
    }

    /** As {@link #withPlans(String, PlanWork)}, with {@code requestedPlanId} (if not null) read too. */
    private <T> T withPlans(String accountId, String requestedPlanId, PlanWork<T> work) {
        return uow.mutate(accountId, session -> {
            Account account = session.account();
            Map<String, Plan> plans = new LinkedHashMap<>();
            for (String id : new String[]{account.planId(), account.nextPlanId(), requestedPlanId}) {
                if (id != null) {
                    session.tx().find(CatalogTable.PLANS, id).ifPresent(plan -> plans.put(id, plan));
                }
            }
            return work.run(session, plans);
        });
    }

    @FunctionalInterface
    private interface PlanWork<T> {
        T run(AccountSession session, Map<String, Plan> plans);
    }
}
