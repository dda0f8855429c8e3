package dev.credits;

/** Where the credits of a lot came from. */
public enum LotSource {
    /** Bought with money. */
    PURCHASE,
    /** A plan's allowance for a billing period. */
    SUBSCRIPTION,
    /** A promotion or bonus. Spent before paid credits of the same priority and expiry. */
    PROMOTION,
    /** Granted by an operator. */
    ADMIN,
    /** Credits refunded onto a new lot because the lot they came from had expired. */
    REFUND,
    /** Moved from another account. */
    TRANSFER,
    /**
     * The account's overdraft lot, kept by the ledger itself (never granted): its remaining amount is zero
     * or negative, and a negative remaining amount is the account's debt. It is spent last, and the next
     * grant pays it first.
     */
    OVERDRAFT

}
