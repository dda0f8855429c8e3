package dev.credits;

/**
 * What {@link Commerce#purchase}, {@link Commerce#completePurchase} or {@link Commerce#failPurchase}
 * did. A rejection is a value: check {@link #success()}.
 *
 * <p>A replay (the same purchase id or key again, or a purchase already moved on) differs from the other
 * operations' replays, which return their first result: a purchase is a record of its own that refunds and
 * disputes keep changing, so a replay reports it as it stands now: {@code purchase} as stored now,
 * {@code sequence} the account's current one, no {@code quote} and no {@code lot} (look the lot up by
 * {@link Purchase#lotId()}).
 *
 * @param success  whether the purchase was recorded (or moved on)
 * @param reason   why not, or null on success
 * @param quote    the prices and credits, with the rules that produced them (null for complete/fail)
 * @param purchase the purchase as stored after the call, or null when rejected
 * @param lot      the lot granted by this call, or null (pending, failed, rejected, or granted earlier)
 * @param sequence the account's sequence number after the call
 * @param replayed true when the call changed nothing because it had already happened (same purchase id or
 *                 idempotency key, or a purchase already completed or failed the same way)
 */
public record PurchaseResult(boolean success, RejectionReason reason, Quote quote, Purchase purchase, Lot lot,
                             long sequence, boolean replayed) {
}
