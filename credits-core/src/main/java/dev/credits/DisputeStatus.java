package dev.credits;

/**
 * Where a dispute (chargeback) of a purchase's payment stands: the card network's dispute, reported by the payment
 * provider. Not a user's dispute of a charge in credits, which is a {@link ChargeDispute} ({@link ChargeDisputeStatus}).
 */
public enum DisputeStatus {
    /** No dispute. */
    NONE,
    /** Disputed: the purchase's unspent credits are frozen. */
    OPEN,
    /** The dispute was won: frozen credits are spendable again. */
    WON,
    /** The dispute was lost: the disputed credits are taken back. */
    LOST
}
