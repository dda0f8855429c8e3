package dev.credits;

import java.time.Instant;

/**
 * An account as stored: who holds credits (an organization, a user, a department). Immutable.
 *
 * @param accountId            the host's id for it
 * @param status               active or paused
 * @param overdraftLimit       how far available may go below zero
 * @param lowBalanceThreshold  stored for low-balance alerts
 * @param sequence             the number of the last change to this account: every ledger entry takes the next
 *                             number, and a change without an entry (a hold placed or released) takes one
 * @param createdAt            when it was opened
 * @param updatedAt            when its settings or status last changed
 */
public record Account(String accountId, AccountStatus status, long overdraftLimit, long lowBalanceThreshold,
                      long sequence, Instant createdAt, Instant updatedAt) {

    /** @return the settings part of this account */
    public AccountSettings settings() {
        return new AccountSettings(overdraftLimit, lowBalanceThreshold);
    }

    public Account withSequence(long newSequence) {
        return new Account(accountId, status, overdraftLimit, lowBalanceThreshold, newSequence, createdAt, updatedAt);
    }
}
