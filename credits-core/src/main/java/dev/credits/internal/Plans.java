package dev.credits.internal;

import dev.credits.PeriodResult;
import dev.credits.Plan;
import dev.credits.PlanChange;
import dev.credits.spi.CreditStore;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The rules of plans and allowance periods. */
public final class Plans {
    private final LedgerEngine engine;
    private final CreditStore store;

    Plans(LedgerEngine engine, CreditStore store) {
        this.engine = engine;
        this.store = store;
    }

    public Plan savePlan(Plan plan) { throw new UnsupportedOperationException(); }
    public Optional<Plan> getPlan(String planId) { throw new UnsupportedOperationException(); }
    public List<Plan> listPlans() { throw new UnsupportedOperationException(); }
    public PlanChange assignPlan(String accountId, String planId) { throw new UnsupportedOperationException(); }
    public PlanChange endPlan(String accountId) { throw new UnsupportedOperationException(); }
    public PeriodResult startPeriod(String accountId, Instant start, Instant end) { throw new UnsupportedOperationException(); }
}
