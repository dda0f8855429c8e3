package dev.credits;

import dev.credits.internal.Adjustments;
import dev.credits.internal.Observation;

/**
 * An administrator's changes of a balance, reached with {@link CreditLedger#admin()}: adding and removing credits by
 * hand (seed 003's {@code /api/admin/credits/add} and {@code /remove}). Both need a ledger that says who acts
 * ({@link CreditLedger#actingAs(Actor)}) and a reason, work on a paused account (pausing stops spending, not support),
 * write an entry with a receipt, and are safe to retry with an idempotency key. Pausing and resuming are
 * {@link CreditLedger#pauseAccount}/{@link CreditLedger#resumeAccount}; what an admin did is in
 * {@link CreditLedger#audit()} and the history. Thread-safe like the ledger.
 *
 * <p>Why an area of its own: these are the only calls that need an actor, so a newcomer finds "remove credits" next to
 * "add credits" rather than among the product calls or the read-only audit trail.
 */
public final class Admin {
    private final Observation observation;
    private final Adjustments rules;

    Admin(Observation observation, Adjustments rules) {
        this.observation = observation;
        this.rules = rules;
    }

    /**
     * Adds credits on a new lot from {@link LotSource#ADMIN}: a {@link CreditLedger#grant} that must say who and why.
     *
     * @throws InvalidArgumentException if the ledger has no actor, the request has no reason, its source is not ADMIN,
     *                                  or it is malformed as a grant would be
     * @throws UnknownAccountException  if the account does not exist
     */
    public GrantResult addCredits(GrantRequest request) {
        return observation.call("admin.addCredits", request == null ? null : request.accountId(),
                () -> rules.addCredits(request));
    }

    /**
     * Removes credits: an {@link EntryType#ADJUSTMENT} entry that takes them from the lots in burn-down order, with a
     * receipt line per lot. It may use the overdraft limit; past it the removal is rejected
     * ({@link RejectionReason#INSUFFICIENT_CREDITS}, nothing written) unless the request
     * {@linkplain CreditAdjustment#allowingDebt() allows debt}.
     *
     * @throws InvalidArgumentException     if the ledger has no actor, or the request is malformed or has no reason
     * @throws UnknownAccountException      if the account does not exist
     * @throws IdempotencyConflictException if the key was used with a different request
     */
    public AdjustmentResult removeCredits(CreditAdjustment request) {
        return observation.call("admin.removeCredits", request == null ? null : request.accountId(),
                () -> rules.removeCredits(request));
    }
}
