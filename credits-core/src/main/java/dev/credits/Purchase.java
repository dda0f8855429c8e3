package dev.credits;

import java.time.Instant;
import java.time.Period;
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
 */
public record Purchase(String purchaseId, String accountId, String packageId, String creditType, long credits,
                       long bonusCredits, Money listPrice, Money price, String promotionCode,
                       String paymentReference, Period validity, PurchaseStatus status, String lotId,
                       String transactionId, Map<String, String> metadata, String idempotencyKey,
                       Instant createdAt, Instant resolvedAt, String failureReason) {

    public Purchase {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** @return credits granted on completion: bought plus bonus */
    public long totalCredits() {
        return credits + bonusCredits;
    }

    /** @return a copy completed at {@code at} by the grant of {@code newLotId} */
    public Purchase completed(Instant at, String newLotId, String newTransactionId) {
        return new Purchase(purchaseId, accountId, packageId, creditType, credits, bonusCredits, listPrice, price,
                promotionCode, paymentReference, validity, PurchaseStatus.COMPLETED, newLotId, newTransactionId,
                metadata, idempotencyKey, createdAt, at, null);
    }

    /** @return a copy failed at {@code at} */
    public Purchase failed(Instant at, String reason) {
        return new Purchase(purchaseId, accountId, packageId, creditType, credits, bonusCredits, listPrice, price,
                promotionCode, paymentReference, validity, PurchaseStatus.FAILED, null, null, metadata,
                idempotencyKey, createdAt, at, reason);
    }
}
