package dev.credits;

import java.time.Duration;
import java.time.Instant;

/**
 * A user's dispute of one charge (a deduction, or a committed hold): "the AI video was never generated despite credits
 * being deducted". Support reviews it and resolves it with a refund of all, part or none of the requested credits
 * (through the refund rules, back to the original lots), or rejects it. Reached with {@link CreditLedger#disputes()}.
 * Not a {@link DisputeStatus chargeback}: that is a card network disputing a purchase's payment. Immutable.
 *
 * @param disputeId        the dispute's id
 * @param accountId        the account charged
 * @param transactionId    the deduction disputed
 * @param creditType       its credit type
 * @param reason           the reason code, e.g. {@code "not_delivered"} (statistics group by it)
 * @param description      the user's words, or null
 * @param creditsRequested credits the user asks back
 * @param status           where it stands
 * @param submittedBy      who submitted it (the user, or support on their behalf), or null
 * @param submittedAt      when
 * @param reviewedBy       who took it for review, or null
 * @param reviewedAt       when it was taken for review, or null
 * @param resolvedBy       who resolved or rejected it, or null
 * @param resolvedAt       when it was closed, or null
 * @param creditsRefunded  credits refunded when resolved (0 otherwise)
 * @param resolutionNote   the decision's note, or null
 * @param refundId         the refund's transaction id when credits were refunded, or null
 * @param changedAtSequence the account's sequence number of its last change
 */
public record ChargeDispute(String disputeId, String accountId, String transactionId, String creditType,
                            String reason, String description, long creditsRequested, ChargeDisputeStatus status,
                            Actor submittedBy, Instant submittedAt, Actor reviewedBy, Instant reviewedAt,
                            Actor resolvedBy, Instant resolvedAt, long creditsRefunded, String resolutionNote,
                            String refundId, long changedAtSequence) {

    /** @return the time from submission to closing, or null while it is not closed */
    public Duration timeToResolution() {
        return resolvedAt == null ? null : Duration.between(submittedAt, resolvedAt);
    }

    /** @return this dispute taken for review */
    public ChargeDispute underReview(Actor actor, Instant at, long sequence) {
        return new ChargeDispute(disputeId, accountId, transactionId, creditType, reason, description,
                creditsRequested, ChargeDisputeStatus.UNDER_REVIEW, submittedBy, submittedAt, actor, at, null, null, 0,
                null, null, sequence);
    }

    /** @return this dispute closed */
    public ChargeDispute closed(ChargeDisputeStatus closedAs, Actor actor, Instant at, long refunded, String note,
                                String refundTransactionId, long sequence) {
        return new ChargeDispute(disputeId, accountId, transactionId, creditType, reason, description,
                creditsRequested, closedAs, submittedBy, submittedAt, reviewedBy, reviewedAt, actor, at, refunded,
                note, refundTransactionId, sequence);
    }
}
