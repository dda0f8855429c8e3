package dev.credits.spi;

import java.time.Instant;

/**
 * What a mutating call with an idempotency key stored: unique per (account, key).
 *
 * @param accountId      the account
 * @param idempotencyKey the key
 * @param fingerprint    the request, canonically encoded by the ledger; a replay must match it
 * @param result         the first result, encoded by the ledger (opaque to the store)
 * @param createdAt      when it was recorded
 */
public record IdempotencyRecord(String accountId, String idempotencyKey, String fingerprint, String result,
                                Instant createdAt) {
}
