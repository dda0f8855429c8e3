package dev.credits;

import java.time.Instant;
import java.util.Map;

/**
 * Credits that arrived together (a grant). Immutable snapshot; thread-safe.
 *
 * <p>Build one with {@link #builder(String, String, String, LotSource)} or change one with {@link #toBuilder()}; the
 * canonical constructor is there for records' sake.
 *
 * @param lotId         the lot's id
 * @param accountId     the account that holds it
 * @param creditType    the balance it belongs to, e.g. {@code "credits"} or {@code "voice"}
 * @param source        where it came from
 * @param priority      burn-down priority: lower is spent first
 * @param amount        credits granted
 * @param remaining     credits left on it (held ones included); negative only on the overdraft lot
 * @param held          credits on it that open holds have reserved
 * @param expiresAt     when its credits expire, or null for never
 * @param moneyPaid     what it cost, or null
 * @param metadata      the host's key/value notes, the host's alone (the ledger never writes keys of its own)
 * @param grantedAt     when it was granted
 * @param transactionId the ledger entry that granted it
 * @param purchaseId    the purchase whose completion granted it, or null
 * @param allowance     the plan period it is the allowance (or a rollover) of, or null if it is no allowance
 */
public record Lot(String lotId, String accountId, String creditType, LotSource source, int priority,
                  long amount, long remaining, long held, Instant expiresAt, Money moneyPaid,
                  Map<String, String> metadata, Instant grantedAt, String transactionId, String purchaseId,
                  AllowancePeriod allowance) {

    public Lot {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * Starts a lot: priority 0, no credits, no expiry, money or metadata, no purchase or allowance, until the builder
     * says otherwise.
     *
     * @return a builder
     */
    public static Builder builder(String lotId, String accountId, String creditType, LotSource source) {
        return new Builder(lotId, accountId, creditType, source);
    }

    /** @return a builder holding this lot's values */
    public Builder toBuilder() {
        return new Builder(lotId, accountId, creditType, source).priority(priority).amounts(amount, remaining, held)
                .expiresAt(expiresAt).moneyPaid(moneyPaid).metadata(metadata).granted(grantedAt, transactionId)
                .purchaseId(purchaseId).allowance(allowance);
    }

    /** @return credits that can still be spent from this lot (ignoring expiry) */
    public long available() {
        return remaining - held;
    }

    /** @return whether the credits were paid for: a purchase, or any lot with a positive money amount */
    public boolean isPaid() {
        return source == LotSource.PURCHASE || (moneyPaid != null && moneyPaid.amount().signum() > 0);
    }

    /** @return whether the lot has expired at {@code now} (expiry is half-open: expired at the instant) */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** @return a copy with new remaining and held amounts */
    public Lot withAmounts(long newRemaining, long newHeld) {
        // Every spend moves a lot: the canonical constructor, without a builder's copy of every field.
        return new Lot(lotId, accountId, creditType, source, priority, amount, newRemaining, newHeld, expiresAt,
                moneyPaid, metadata, grantedAt, transactionId, purchaseId, allowance);
    }

    /**
     * Collects a {@link Lot}'s values. Defaults: priority 0, amounts 0, no expiry, money, metadata, grant time or
     * transaction, purchase or allowance. Not thread-safe; a built lot never changes when the builder does.
     */
    public static final class Builder {
        private final String lotId;
        private final String accountId;
        private final String creditType;
        private final LotSource source;
        private int priority;
        private long amount;
        private long remaining;
        private long held;
        private Instant expiresAt;
        private Money moneyPaid;
        private Map<String, String> metadata = Map.of();
        private Instant grantedAt;
        private String transactionId;
        private String purchaseId;
        private AllowancePeriod allowance;

        private Builder(String lotId, String accountId, String creditType, LotSource source) {
            this.lotId = lotId;
            this.accountId = accountId;
            this.creditType = creditType;
            this.source = source;
        }

        /** The burn-down priority: lower is spent first. */
        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        /** Credits granted, left (held ones included) and held. */
        public Builder amounts(long amount, long remaining, long held) {
            this.amount = amount;
            this.remaining = remaining;
            this.held = held;
            return this;
        }

        /** When its credits expire, or null for never. */
        public Builder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        /** What it cost, or null. */
        public Builder moneyPaid(Money moneyPaid) {
            this.moneyPaid = moneyPaid;
            return this;
        }

        /** The host's notes (null for none). */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** When it was granted, and the entry that granted it. */
        public Builder granted(Instant grantedAt, String transactionId) {
            this.grantedAt = grantedAt;
            this.transactionId = transactionId;
            return this;
        }

        /** The purchase whose completion granted it, or null. */
        public Builder purchaseId(String purchaseId) {
            this.purchaseId = purchaseId;
            return this;
        }

        /** The plan period it is the allowance of, or null. */
        public Builder allowance(AllowancePeriod allowance) {
            this.allowance = allowance;
            return this;
        }

        /** @return the lot */
        public Lot build() {
            return new Lot(lotId, accountId, creditType, source, priority, amount, remaining, held, expiresAt,
                    moneyPaid, metadata, grantedAt, transactionId, purchaseId, allowance);
        }
    }
}
