package dev.credits;

/**
 * What a {@link Hold} holds credits for.
 */
public enum HoldKind {
    /**
     * Work in flight: placed by {@code reserve} or {@code charge} for a feature, committed or released by the host, and
     * released by itself at its deadline.
     */
    WORK,
    /**
     * A dispute freeze: the unspent credits of a disputed purchase ({@link Hold#purchaseId()}), held until the
     * dispute is resolved. The host can neither commit nor release it; it never times out and does not count toward
     * the account's open-hold limit.
     */
    FREEZE
}
