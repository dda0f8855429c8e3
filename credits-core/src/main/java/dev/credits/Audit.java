package dev.credits;

import dev.credits.internal.AuditTrail;
import dev.credits.internal.Observation;

import java.util.List;

/**
 * The audit trail, reached with {@link CreditLedger#audit()}: who changed what, when, and why, for every change that
 * is not a balance entry (account opened, paused and resumed, settings, plans, the price list and the rest of the
 * catalog). Balance changes are entries with their {@link LedgerEntry#actor()}; the history and this trail together
 * answer the question for any balance. Records are written in the same transaction as the change they record, with the
 * actor of the ledger that made it ({@link CreditLedger#actingAs(Actor)}). Reads only; thread-safe like the ledger.
 *
 * <pre>{@code
 * AuditPage page = ledger.audit().account("user-17", AuditFilter.all().withActor("admin:42"), PageRequest.first());
 * }</pre>
 */
public final class Audit {
    private final Observation observation;
    private final AuditTrail rules;

    Audit(Observation observation, AuditTrail rules) {
        this.observation = observation;
        this.rules = rules;
    }

    /**
     * One account's records, newest first, keyset paged.
     *
     * @throws InvalidArgumentException if the account id, filter or page is malformed
     */
    public AuditPage account(String accountId, AuditFilter filter, PageRequest page) {
        return observation.call("audit.account", accountId, () -> rules.account(accountId, filter, page));
    }

    /**
     * The catalog's records (price list, packages, promotions, plans), newest first, keyset paged.
     *
     * @throws InvalidArgumentException if the filter or page is malformed
     */
    public AuditPage catalog(AuditFilter filter, PageRequest page) {
        return observation.call("audit.catalog", null, () -> rules.catalog(filter, page));
    }

    /**
     * A feature's price history, oldest first: every creation, update, deactivation, reactivation and deletion with
     * the price in effect after it, who made it and why. Empty for a feature never changed since the audit trail
     * exists (schema version 6).
     *
     * @throws InvalidArgumentException if the key is malformed
     */
    public List<PriceChange> priceHistory(String featureKey) {
        return observation.call("audit.priceHistory", null, () -> rules.priceHistory(featureKey));
    }
}
