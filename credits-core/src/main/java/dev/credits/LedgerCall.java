package dev.credits;

import java.time.Duration;

/**
 * One public call of the ledger as a {@link LedgerObserver} sees it.
 *
 * @param name          the public method's name, e.g. {@code "deductCredits"}, {@code "commerce.purchase"},
 *                      {@code "plans.assignPlan"}
 * @param accountId     the account the call was about, when the call names one (or its result does), else null
 * @param outcome       how it ended
 * @param rejection     the rejection reason when {@code outcome} is {@link Outcome#REJECTED}, else null
 * @param failure       what it threw when {@code outcome} is {@link Outcome#FAILED}, else null
 * @param durationNanos how long it took, in nanoseconds
 */
public record LedgerCall(String name, String accountId, Outcome outcome, RejectionReason rejection,
                         Throwable failure, long durationNanos) {

    /** How a call ended. */
    public enum Outcome {
        /** It returned a result that is not a rejection. */
        SUCCESS,
        /** It returned a rejection value ({@link RejectionReason}); nothing changed. */
        REJECTED,
        /** It threw; see {@link LedgerCall#failure()}. */
        FAILED
    }

    /** @return how long the call took */
    public Duration duration() {
        return Duration.ofNanos(durationNanos);
    }
}
