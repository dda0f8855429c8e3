package dev.credits;

/**
 * The work {@link CreditLedger#charge} bills: typically a 30-60 s AI job.
 *
 * @param <T> what it returns
 * @param <X> what it may throw (inferred; {@code RuntimeException} for work that throws nothing checked)
 */
@FunctionalInterface
public interface ChargeWork<T, X extends Exception> {
    /**
     * @return the work's result
     * @throws X when the work fails; the hold is then released and the exception rethrown
     */
    T run() throws X;
}
