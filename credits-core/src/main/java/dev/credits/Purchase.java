package dev.credits;

import java.time.Instant;
import java.time.Period;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A recorded purchase of credits. Immutable snapshot.
 *
 * @param purchaseId       its id (unique across accounts)
 * @param accountId        the buyer
 * @param packageId        the package, or null for a custom amount
 * @param creditType       the balance it credits
 * @param credits          credits bought (before bonus credits)
 * @param bonusCredits     bonus credits of the promotion
 * @param listPrice        the price before discounts
 * @param price            what was (or will be) paid
 * @param promotionCode    the promotion applied, or null
 * @param paymentReference the payment's reference at the provider, or null
 * @param validity         how long the credits last from completion, or null for never
 * @param status           where it stands
 * @param lotId            the lot it granted (when COMPLETED), else null
 * @param transactionId    the grant entry (when COMPLETED), else null
 * @param metadata         the host's key/value notes
 * @param idempotencyKey   the key of the purchase call, or null
 * @param createdAt        when it was recorded
 * @param resolvedAt       when it completed or failed, or null
 * @param failureReason    why it failed, or null
 * @param refundedCredits  credits whose payment was refunded (cumulative, as last reported)
 * @param disputedCredits  credits whose payment is or was disputed
 * @param disputeStatus    where a dispute of its payment stands
 * @param frozenCredits    credits frozen (not spendable) while a dispute is open
 * @param clawedBack       credits taken back so far: at most {@code refunded + lost dispute}, and never more than
 *                         the purchase granted
 */
public record Purchase(String purchaseId, String accountId, String packageId, String creditType, long credits,
                       long bonusCredits, Money listPrice, Money price, String promotionCode,
                       String paymentReference, Period validity, PurchaseStatus status, String lotId,
                       String transactionId, Map<String, String> metadata, String idempotencyKey,
                       Instant createdAt, Instant resolvedAt, String failureReason, long refundedCredits,
                       long disputedCredits, DisputeStatus disputeStatus, long frozenCredits, long clawedBack) {

    public Purchase {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        disputeStatus = disputeStatus == null ? DisputeStatus.NONE : disputeStatus;
    }

    /**
     * @return the share {@code part / whole} of the credits this purchase granted, rounded half up: how many
     *         credits a refund of {@code part} out of a payment of {@code whole} (in any unit) stands for
     */
    public long creditsFor(long part, long whole) {
        if (whole <= 0 || part < 0) {
            throw new InvalidArgumentException("whole", "must be positive, and part not negative");
        }
        if (part >= whole) {
            return totalCredits();
        }
        return BigDecimal.valueOf(totalCredits()).multiply(BigDecimal.valueOf(part))
                .divide(BigDecimal.valueOf(whole), 0, RoundingMode.HALF_UP).longValueExact();
    }

    /** @return a copy with a new reversal state (refunds, dispute, frozen and clawed-back credits) */
    public Purchase withReversal(long refunded, long disputed, DisputeStatus status, long frozen, long clawed) {
        return new Purchase(purchaseId, accountId, packageId, creditType, credits, bonusCredits, listPrice, price,
                promotionCode, paymentReference, validity, this.status, lotId, transactionId, metadata,
                idempotencyKey, createdAt, resolvedAt, failureReason, refunded, disputed, status, frozen, clawed);
    }

    /** @return credits granted on completion: bought plus bonus */
    public long totalCredits() {
        return credits + bonusCredits;
    }

    /** @return a copy completed at {@code at} by the grant of {@code newLotId} */
    public Purchase completed(Instant at, String newLotId, String newTransactionId) {
        return new Purchase(purchaseId, accountId, packageId, creditType, credits, bonusCredits, listPrice, price,
                promotionCode, paymentReference, validity, PurchaseStatus.COMPLETED, newLotId, newTransactionId,
                metadata, idempotencyKey, createdAt, at, null, refundedCredits, disputedCredits, disputeStatus,
                frozenCredits, clawedBack);
    }

    /** @return a copy failed at {@code at} */
    public Purchase failed(Instant at, String reason) {
        return new Purchase(purchaseId, accountId, packageId, creditType, credits, bonusCredits, listPrice, price,
                promotionCode, paymentReference, validity, PurchaseStatus.FAILED, null, null, metadata,
                idempotencyKey, createdAt, at, reason, refundedCredits, disputedCredits, disputeStatus,
                frozenCredits, clawedBack);
    }
}
