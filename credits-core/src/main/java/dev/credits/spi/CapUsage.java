package dev.credits.spi;

import java.time.Instant;

/**
 * What one period of a cap has used, for one key: a row the ledger keeps under the lock of the cap's account.
 *
 * @param accountId   the cap's account
 * @param capId       the cap
 * @param key         the key's value, or "" for a cap without key
 * @param periodStart the period's start
 * @param used        credits used (deductions and open holds)
 */
public record CapUsage(String accountId, String capId, String key, Instant periodStart, long used) {
}
