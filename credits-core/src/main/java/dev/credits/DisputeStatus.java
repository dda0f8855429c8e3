package dev.credits;

/** Where a dispute (chargeback) of a purchase's payment stands. */
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
