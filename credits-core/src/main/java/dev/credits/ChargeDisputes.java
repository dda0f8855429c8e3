package dev.credits;

import dev.credits.internal.DisputeRules;
import dev.credits.internal.Observation;

import java.time.Instant;
import java.util.Optional;

/**
 * Users' disputes of charges ({@link ChargeDispute}), reached with {@link CreditLedger#disputes()}: seed 003's
 * submit, my disputes, the admin queue, review, resolve and statistics. A dispute moves OPEN -> UNDER_REVIEW ->
 * RESOLVED | REJECTED, each move exactly once (of two concurrent moves one wins, the other gets
 * {@link ChargeDisputeStateException}); each move is written in the account's unit of work with an
 * {@link EventPayload.ChargeDisputeChanged} event, and records the actor of the ledger that made it
 * ({@link CreditLedger#actingAs(Actor)}). Not the chargebacks of {@link Commerce} ({@link DisputeStatus}): those are a
 * card network disputing a purchase's payment. Thread-safe like the ledger.
 */
public final class ChargeDisputes {
    /** The longest reason code. */
    public static final int MAX_REASON_LENGTH = 255;
    /** The longest description. */
    public static final int MAX_DESCRIPTION_LENGTH = 2048;

    private final Observation observation;
    private final DisputeRules rules;

    ChargeDisputes(Observation observation, DisputeRules rules) {
        this.observation = observation;
        this.rules = rules;
    }

    /**
     * Submits a dispute of one of the account's deductions (a direct one or a committed hold), by the ledger's actor.
     *
     * @throws UnknownTransactionException  if the account has no such deduction (another account's is unknown too)
     * @throws RefundLimitException         if more credits are requested than are still refundable (none after a full
     *                                      refund)
     * @throws ChargeDisputeStateException  if the charge already has a dispute in progress
     * @throws InvalidArgumentException     if the reason is blank or too long, the description too long, or the credits
     *                                      not positive
     */
    public ChargeDispute submit(ChargeDisputeRequest request) {
        return observation.call("disputes.submit", request == null ? null : request.accountId(),
                () -> rules.submit(request));
    }

    /**
     * Takes an OPEN dispute for review (the ledger's actor is the reviewer).
     *
     * @throws UnknownDisputeException     if there is no such dispute
     * @throws ChargeDisputeStateException if it is not OPEN
     */
    public ChargeDispute review(String disputeId) {
        return observation.call("disputes.review", null, () -> rules.review(disputeId));
    }

    /**
     * Resolves a dispute under review, refunding {@code credits} (all, part or none of those requested) through the
     * refund rules: back to the lots the charge came from, as one REFUND entry keyed {@code dispute:<id>}.
     *
     * @throws UnknownDisputeException     if there is no such dispute
     * @throws ChargeDisputeStateException if it is not UNDER_REVIEW
     * @throws InvalidArgumentException    if the credits are negative or more than requested, or the note blank
     * @throws RefundLimitException        if the credits are more than the charge still has refundable
     */
    public ChargeDispute resolve(String disputeId, long credits, String note) {
        return observation.call("disputes.resolve", null, () -> rules.resolve(disputeId, credits, note));
    }

    /**
     * Rejects a dispute under review: nothing refunded.
     *
     * @throws UnknownDisputeException     if there is no such dispute
     * @throws ChargeDisputeStateException if it is not UNDER_REVIEW
     * @throws InvalidArgumentException    if the note is blank
     */
    public ChargeDispute reject(String disputeId, String note) {
        return observation.call("disputes.reject", null, () -> rules.reject(disputeId, note));
    }

    /** @return the dispute, or empty */
    public Optional<ChargeDispute> get(String disputeId) {
        return observation.call("disputes.get", null, () -> rules.get(disputeId));
    }

    /** @return the account's disputes ("my disputes"), oldest first, keyset paged */
    public ChargeDisputePage ofAccount(String accountId, PageRequest page) {
        return observation.call("disputes.ofAccount", accountId, () -> rules.ofAccount(accountId, page));
    }

    /** @return the disputes in a status (the admin queue: OPEN), oldest first, keyset paged */
    public ChargeDisputePage queue(ChargeDisputeStatus status, PageRequest page) {
        return observation.call("disputes.queue", null, () -> rules.queue(status, page));
    }

    /**
     * Statistics of the disputes submitted in [from, to): counts by status and reason, median and 90th percentile time
     * to resolution (nearest rank, of the closed ones), credits requested and refunded. Reads every dispute of the
     * period (in pages of {@value PageRequest#MAX_LIMIT}).
     *
     * @throws InvalidArgumentException if {@code to} is not after {@code from}
     */
    public ChargeDisputeStatistics statistics(Instant from, Instant to) {
        return observation.call("disputes.statistics", null, () -> rules.statistics(from, to));
    }
}
