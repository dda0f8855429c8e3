package dev.credits.spi;

/**
 * A unit of work over one locked account. May run more than once (see {@link CreditStore#inAccount}).
 *
 * @param <T> its result
 */
@FunctionalInterface
public interface AccountWork<T> {
    T run(AccountTransaction tx);
}
