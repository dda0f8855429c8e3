package dev.credits;

import dev.credits.internal.Inspections;
import dev.credits.internal.Observation;

import java.util.List;

/**
 * Reads that explain and reconcile, reached with {@link CreditLedger#inspection()}: what changed after a sequence
 * number (a client with an optimistic balance syncs with it), the holds in flight, and why a spend would be charged
 * or refused. They write nothing; thread-safe like the ledger.
 *
 * <pre>{@code
 * Changes changes = ledger.inspection().changesSince("org_42", lastSeenSequence);
 * Explanation why = ledger.inspection().explain("org_42", "empty_room_generation");
 * }</pre>
 */
public final class Inspection {
    /** The batch of {@link #changesSince(String, long)}. */
    public static final int DEFAULT_BATCH = 100;

    private final Observation observation;
    private final Inspections rules;

    Inspection(Observation observation, Inspections rules) {
        this.observation = observation;
        this.rules = rules;
    }

    /** As {@link #changesSince(String, long, int)} with batches of {@value #DEFAULT_BATCH}. */
    public Changes changesSince(String accountId, long sequence) {
        return changesSince(accountId, sequence, DEFAULT_BATCH);
    }

    /**
     * The entries after {@code sequence}, oldest first, covering at most {@code limit} sequence numbers (so at most
     * {@code limit} entries), with the holds whose last change has a sequence number in the batch (placed, committed,
     * released or expired: {@link Hold#changedAtSequence()}) and the sequence number the batch reaches. Ask again with
     * {@link Changes#lastSequence()} while {@link Changes#hasMore()}. Sequence 0 starts from the account's first
     * change.
     *
     * @throws InvalidArgumentException if {@code sequence} is negative or {@code limit} is outside 1 to
     *                                  {@value PageRequest#MAX_LIMIT}
     * @throws UnknownAccountException  if the account does not exist
     */
    public Changes changesSince(String accountId, long sequence, int limit) {
        return observation.call("inspection.changesSince", accountId,
                () -> rules.changesSince(accountId, sequence, limit));
    }

    /**
     * @return the account's holds in flight (open and before their deadline, reservations and dispute freezes), oldest
     *         first
     * @throws UnknownAccountException if the account does not exist
     */
    public List<Hold> openHolds(String accountId) {
        return observation.call("inspection.openHolds", accountId, () -> rules.openHolds(accountId));
    }

    /** As {@link #explain(String, String, long)} for one unit. */
    public Explanation explain(String accountId, String featureKey) {
        return explain(accountId, featureKey, 1);
    }

    /**
     * Explains a spend of {@code quantity} units without making it: the price and its source (the account's plan or
     * the feature), the lots that would pay in burn-down order, the holds in flight, and the rule that would refuse
     * it (unknown or inactive feature, paused account, a plan that may not spend the type, insufficient credits, and
     * for a reservation the open-holds limit). A free retry is not assumed: the price is an original's.
     *
     * @throws InvalidArgumentException if an argument is malformed
     * @throws UnknownAccountException  if the account does not exist
     */
    public Explanation explain(String accountId, String featureKey, long quantity) {
        return observation.call("inspection.explain", accountId,
                () -> rules.explain(accountId, featureKey, quantity));
    }
}
