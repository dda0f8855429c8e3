package dev.credits;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Credits held: for work in flight ({@link HoldKind#WORK}, a reservation) or frozen by a purchase's dispute
 * ({@link HoldKind#FREEZE}). Immutable snapshot; thread-safe.
 *
 * <p>Build one with {@link #work(String, String, String)} or {@link #freeze(String, String, String, String)} (a store
 * reading rows back uses {@link #builder(HoldKind, String, String, String, String)}), or change one with
 * {@link #toBuilder()}; the canonical constructor is there for records' sake.
 *
 * @param holdId           the hold's id
 * @param accountId        the account
 * @param creditType       the balance it holds from
 * @param kind             what it holds credits for
 * @param purchaseId       the purchase a {@link HoldKind#FREEZE} freezes; null for {@link HoldKind#WORK}
 * @param featureKey       the feature it is for (null for a freeze)
 * @param quantity         units reserved
 * @param unitPrice        credits per unit at the time of reservation (a commit charges this price)
 * @param pricePlanId      the plan whose own price {@code unitPrice} is, or null for the feature's price
 * @param amount           credits reserved
 * @param status           its state; an open hold past its deadline reads as {@link HoldStatus#EXPIRED}
 * @param userId           who asked, or null
 * @param idempotencyKey   the key of the reserve call, or null
 * @param metadata         the host's key/value notes, the host's alone (the ledger never writes keys of its own)
 * @param createdAt        when it was placed
 * @param expiresAt        its deadline: past it the hold releases itself (a freeze's is 9999-12-31: never)
 * @param resolvedAt       when it left OPEN, or null
 * @param committedCredits credits charged by the commit (0 unless COMMITTED)
 * @param transactionId    the deduction entry its commit wrote, or null
 * @param retryOf          the original deduction a retry's hold counts against, or null (not a retry)
 * @param retryNumber      which retry of {@code retryOf} it is (0: not a retry); its commit's entry keeps both
 * @param changedAtSequence the account's sequence number of the hold's last change (placed, or left OPEN), 0 before
 *                         the ledger wrote it; {@link Inspection#changesSince} returns holds by it
 */
public record Hold(String holdId, String accountId, String creditType, HoldKind kind, String purchaseId,
                   String featureKey, long quantity, long unitPrice, String pricePlanId, long amount, HoldStatus status,
                   String userId, String idempotencyKey, Map<String, String> metadata, Instant createdAt,
                   Instant expiresAt, Instant resolvedAt, long committedCredits, String transactionId,
                   String retryOf, int retryNumber, long changedAtSequence) {

    /**
     * @throws NullPointerException     if the kind or the status is null
     * @throws IllegalArgumentException if a freeze lacks its purchase id or a work hold has one
     */
    public Hold {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        if (kind == HoldKind.FREEZE && purchaseId == null) {
            throw new IllegalArgumentException("a freeze hold names the purchase it freezes: " + holdId);
        }
        if (kind == HoldKind.WORK && purchaseId != null) {
            throw new IllegalArgumentException("a work hold freezes no purchase: " + holdId);
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * Starts a work hold (a reservation): OPEN, no metadata, nothing committed, until the builder says otherwise.
     *
     * @return a builder
     */
    public static Builder work(String holdId, String accountId, String creditType) {
        return new Builder(HoldKind.WORK, holdId, accountId, creditType, null);
    }

    /**
     * Starts a freeze of a disputed purchase's credits: OPEN, no feature, no metadata, until the builder says
     * otherwise.
     *
     * @param purchaseId the purchase whose credits it freezes
     * @return a builder
     */
    public static Builder freeze(String holdId, String accountId, String creditType, String purchaseId) {
        return new Builder(HoldKind.FREEZE, holdId, accountId, creditType, purchaseId);
    }

    /**
     * Starts a hold of either kind (for stores and decoders that read the kind back).
     *
     * @param purchaseId the frozen purchase for {@link HoldKind#FREEZE}, null for {@link HoldKind#WORK}
     * @return a builder
     */
    public static Builder builder(HoldKind kind, String holdId, String accountId, String creditType,
                                  String purchaseId) {
        return new Builder(kind, holdId, accountId, creditType, purchaseId);
    }

    /** @return a builder holding this hold's values */
    public Builder toBuilder() {
        return new Builder(kind, holdId, accountId, creditType, purchaseId).feature(featureKey, quantity, unitPrice,
                        pricePlanId).amount(amount).status(status).userId(userId).idempotencyKey(idempotencyKey)
                .metadata(metadata).createdAt(createdAt).expiresAt(expiresAt)
                .resolution(resolvedAt, committedCredits, transactionId).retry(retryOf, retryNumber)
                .changedAtSequence(changedAtSequence);
    }

    /** @return whether this is a dispute freeze ({@link HoldKind#FREEZE}) */
    public boolean isFreeze() {
        return kind == HoldKind.FREEZE;
    }

    /** @return whether this open hold has passed its deadline at {@code now} */
    public boolean isDueAt(Instant now) {
        return status == HoldStatus.OPEN && !now.isBefore(expiresAt);
    }

    /** @return a copy in a terminal state */
    public Hold resolved(HoldStatus newStatus, Instant at, long committed, String commitTransactionId) {
        return toBuilder().status(newStatus).resolution(at, committed, commitTransactionId).build();
    }

    /**
     * Collects a {@link Hold}'s values; {@link #build()} validates them as the record's constructor does. Defaults:
     * status OPEN, no feature (quantity and unit price 0), no user, key or metadata, not resolved. Not thread-safe;
     * a built hold never changes when the builder does.
     */
    public static final class Builder {
        private final HoldKind kind;
        private final String holdId;
        private final String accountId;
        private final String creditType;
        private final String purchaseId;
        private String featureKey;
        private long quantity;
        private long unitPrice;
        private String pricePlanId;
        private long amount;
        private HoldStatus status = HoldStatus.OPEN;
        private String userId;
        private String idempotencyKey;
        private Map<String, String> metadata = Map.of();
        private Instant createdAt;
        private Instant expiresAt;
        private Instant resolvedAt;
        private long committedCredits;
        private String transactionId;
        private String retryOf;
        private int retryNumber;
        private long changedAtSequence;

        private Builder(HoldKind kind, String holdId, String accountId, String creditType, String purchaseId) {
            this.kind = kind;
            this.holdId = holdId;
            this.accountId = accountId;
            this.creditType = creditType;
            this.purchaseId = purchaseId;
        }

        /** The feature and the price it was held at ({@code pricePlanId} null for the feature's own price). */
        public Builder feature(String featureKey, long quantity, long unitPrice, String pricePlanId) {
            this.featureKey = featureKey;
            this.quantity = quantity;
            this.unitPrice = unitPrice;
            this.pricePlanId = pricePlanId;
            return this;
        }

        /** The credits held. */
        public Builder amount(long amount) {
            this.amount = amount;
            return this;
        }

        /** The state (default OPEN). */
        public Builder status(HoldStatus status) {
            this.status = status;
            return this;
        }

        /** Who asked, or null. */
        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        /** The key of the call that placed it, or null. */
        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        /** The host's notes (null for none). */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** When it was placed. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        /** Its deadline. */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        /** How it left OPEN: when, the credits its commit charged, the commit's entry (null, 0, null while open). */
        public Builder resolution(Instant resolvedAt, long committedCredits, String transactionId) {
            this.resolvedAt = resolvedAt;
            this.committedCredits = committedCredits;
            this.transactionId = transactionId;
            return this;
        }

        /** The original deduction a retry counts against and its retry number (null, 0: not a retry). */
        public Builder retry(String retryOf, int retryNumber) {
            this.retryOf = retryOf;
            this.retryNumber = retryNumber;
            return this;
        }

        /** The account's sequence number of its last change (the ledger sets it when it writes the hold). */
        public Builder changedAtSequence(long changedAtSequence) {
            this.changedAtSequence = changedAtSequence;
            return this;
        }

        /**
         * @return the hold
         * @throws NullPointerException     if the kind or the status is null
         * @throws IllegalArgumentException if a freeze lacks its purchase id or a work hold has one
         */
        public Hold build() {
            return new Hold(holdId, accountId, creditType, kind, purchaseId, featureKey, quantity, unitPrice,
                    pricePlanId, amount, status, userId, idempotencyKey, metadata, createdAt, expiresAt, resolvedAt,
                    committedCredits, transactionId, retryOf, retryNumber, changedAtSequence);
        }
    }
}
