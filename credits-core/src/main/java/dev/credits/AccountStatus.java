package dev.credits;

/** Whether an account may spend. A paused account keeps its credits and may receive grants and refunds. */
public enum AccountStatus {
    /** The account may spend. */
    ACTIVE,
    /** Deductions and new holds are rejected with {@link RejectionReason#ACCOUNT_PAUSED}. */
    PAUSED
}
