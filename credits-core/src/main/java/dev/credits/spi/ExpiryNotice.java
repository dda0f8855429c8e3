package dev.credits.spi;

import java.time.Instant;

/**
 * The record that a lot's coming expiry was announced, so the sweep announces each lot once. Immutable.
 *
 * @param accountId  the account of the lot
 * @param lotId      the lot
 * @param noticedAt  when it was announced
 */
public record ExpiryNotice(String accountId, String lotId, Instant noticedAt) {
}
