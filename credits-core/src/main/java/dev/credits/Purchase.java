package dev.credits;

import java.time.Instant;
import java.time.Period;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A recorded purchase of credits. Immutable snapshot; thread-safe.
 *
 * <p>Build one with {@link #builder(String, String, String)} or change one with {@link #toBuilder()}; the canonical
 * constructor is there for records' sake.
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
 * @param approval         who approved or rejected it and when, and what approval leads to; null for a purchase
 *                         that needed no approval
 */
public record Purchase(String purchaseId, String accountId, String packageId, String creditType, long credits,
                       long bonusCredits, Money listPrice, Money price, String promotionCode,
                       String paymentReference, Period validity, PurchaseStatus status, String lotId,
                       String transactionId, Map<String, String> metadata, String idempotencyKey,
                       Instant createdAt, Instant resolvedAt, String failureReason, long refundedCredits,
                       long disputedCredits, DisputeStatus disputeStatus, long frozenCredits, long clawedBack,
                       PurchaseApproval approval) {

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

    /**
     * Starts a purchase: PENDING, no package, no credits, prices, promotion, payment, validity, grant, metadata or
     * key, not resolved, no reversal, until the builder says otherwise.
     *
     * @return a builder
     */
    public static Builder builder(String purchaseId, String accountId, String creditType) {
        return new Builder(purchaseId, accountId, creditType);
    }

    /** @return a builder holding this purchase's values */
    public Builder toBuilder() {
        return new Builder(purchaseId, accountId, creditType).packageId(packageId).credits(credits, bonusCredits)
                .prices(listPrice, price).promotionCode(promotionCode).paymentReference(paymentReference)
                .validity(validity).status(status).grant(lotId, transactionId).metadata(metadata)
                .idempotencyKey(idempotencyKey).createdAt(createdAt).resolution(resolvedAt, failureReason)
                .reversal(refundedCredits, disputedCredits, disputeStatus, frozenCredits, clawedBack).approval(approval);
    }

    /** @return a copy with a new reversal state (refunds, dispute, frozen and clawed-back credits) */
    public Purchase withReversal(long refunded, long disputed, DisputeStatus status, long frozen, long clawed) {
        return toBuilder().reversal(refunded, disputed, status, frozen, clawed).build();
    }

    /** @return credits granted on completion: bought plus bonus */
    public long totalCredits() {
        return credits + bonusCredits;
    }

    /** @return a copy completed at {@code at} by the grant of {@code newLotId} */
    public Purchase completed(Instant at, String newLotId, String newTransactionId) {
        return toBuilder().status(PurchaseStatus.COMPLETED).grant(newLotId, newTransactionId).resolution(at, null)
                .build();
    }

    /** @return a copy failed at {@code at} */
    public Purchase failed(Instant at, String reason) {
        return toBuilder().status(PurchaseStatus.FAILED).grant(null, null).resolution(at, reason).build();
    }

    /**
     * Collects a {@link Purchase}'s values. Defaults: status PENDING, dispute status NONE, everything else null or 0.
     * Not thread-safe; a built purchase never changes when the builder does.
     */
    public static final class Builder {
        private final String purchaseId;
        private final String accountId;
        private final String creditType;
        private String packageId;
        private long credits;
        private long bonusCredits;
        private Money listPrice;
        private Money price;
        private String promotionCode;
        private String paymentReference;
        private Period validity;
        private PurchaseStatus status = PurchaseStatus.PENDING;
        private String lotId;
        private String transactionId;
        private Map<String, String> metadata = Map.of();
        private String idempotencyKey;
        private Instant createdAt;
        private Instant resolvedAt;
        private String failureReason;
        private long refundedCredits;
        private long disputedCredits;
        private DisputeStatus disputeStatus = DisputeStatus.NONE;
        private long frozenCredits;
        private long clawedBack;
        private PurchaseApproval approval;

        private Builder(String purchaseId, String accountId, String creditType) {
            this.purchaseId = purchaseId;
            this.accountId = accountId;
            this.creditType = creditType;
        }

        /** The package bought, or null for a custom amount. */
        public Builder packageId(String packageId) {
            this.packageId = packageId;
            return this;
        }

        /** Credits bought, and bonus credits of the promotion. */
        public Builder credits(long credits, long bonusCredits) {
            this.credits = credits;
            this.bonusCredits = bonusCredits;
            return this;
        }

        /** The price before discounts, and what was (or will be) paid. */
        public Builder prices(Money listPrice, Money price) {
            this.listPrice = listPrice;
            this.price = price;
            return this;
        }

        public Builder promotionCode(String promotionCode) {
            this.promotionCode = promotionCode;
            return this;
        }

        public Builder paymentReference(String paymentReference) {
            this.paymentReference = paymentReference;
            return this;
        }

        /** How long the credits last from completion, or null for never. */
        public Builder validity(Period validity) {
            this.validity = validity;
            return this;
        }

        public Builder status(PurchaseStatus status) {
            this.status = status;
            return this;
        }

        /** The lot and the grant entry its completion wrote (null while not completed). */
        public Builder grant(String lotId, String transactionId) {
            this.lotId = lotId;
            this.transactionId = transactionId;
            return this;
        }

        /** The host's notes (null for none). */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** When it completed or failed, and why it failed (null, null while pending). */
        public Builder resolution(Instant resolvedAt, String failureReason) {
            this.resolvedAt = resolvedAt;
            this.failureReason = failureReason;
            return this;
        }

        /** Its payment's reversal state: refunded, disputed, the dispute's status, frozen and clawed-back credits. */
        public Builder reversal(long refunded, long disputed, DisputeStatus status, long frozen, long clawed) {
            this.refundedCredits = refunded;
            this.disputedCredits = disputed;
            this.disputeStatus = status;
            this.frozenCredits = frozen;
            this.clawedBack = clawed;
            return this;
        }

        /** Its approval (null: it needed none). */
        public Builder approval(PurchaseApproval approval) {
            this.approval = approval;
            return this;
        }

        /** @return the purchase */
        public Purchase build() {
            return new Purchase(purchaseId, accountId, packageId, creditType, credits, bonusCredits, listPrice, price,
                    promotionCode, paymentReference, validity, status, lotId, transactionId, metadata,
                    idempotencyKey, createdAt, resolvedAt, failureReason, refundedCredits, disputedCredits,
                    disputeStatus, frozenCredits, clawedBack, approval);
        }
    }
}
