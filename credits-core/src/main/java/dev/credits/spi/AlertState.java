package dev.credits.spi;

import java.time.Instant;

/**
 * Whether an account's credit type is in the low-balance state: what the low / recovered alerts' hysteresis
 * remembers between units of work. One per (account, credit type); a {@link ChangeSet} replaces it. Immutable.
 *
 * @param accountId  the account
 * @param creditType the credit type
 * @param low        true once a low-balance event was written, until a recovered event was
 * @param changedAt  when it last changed
 */
public record AlertState(String accountId, String creditType, boolean low, Instant changedAt) {
}
