package dev.credits;

import java.time.Instant;

/**
 * Why a spend was rejected with {@link RejectionReason#CAP_EXCEEDED}: the cap, what its period has used, and what
 * remains. Immutable.
 *
 * @param accountId   the account whose cap it is (the spender or one of its pools)
 * @param capId       the cap
 * @param key         the value of the cap's key the spend counted under, or null for a cap without key
 * @param periodStart the start of the period (inclusive)
 * @param periodEnd   its end (exclusive), or null for a lifetime cap
 * @param limit       the cap's limit
 * @param used        credits used in the period (deductions and open holds)
 * @param remaining   what the period still allows ({@code limit - used}, at least 0)
 * @param required    what the spend needed
 */
public record CapExceeded(String accountId, String capId, String key, Instant periodStart, Instant periodEnd,
                          long limit, long used, long remaining, long required) {
}
