package dev.credits;

import java.time.Instant;
import java.util.Map;

/**
 * Credits that arrived together (a grant). Immutable snapshot.
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
 * @param metadata      the host's key/value notes
 * @param grantedAt     when it was granted
 * @param transactionId the ledger entry that granted it
 */
public record Lot(String lotId, String accountId, String creditType, LotSource source, int priority,
                  long amount, long remaining, long held, Instant expiresAt, Money moneyPaid,
                  Map<String, String> metadata, Instant grantedAt, String transactionId) {

    public Lot {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
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
        return new Lot(lotId, accountId, creditType, source, priority, amount, newRemaining, newHeld, expiresAt,
                moneyPaid, metadata, grantedAt, transactionId);
    }
}
